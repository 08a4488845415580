using Microsoft.AspNetCore.Http.HttpResults;
namespace Procedures.Sandbox.Payment;

/// <summary>Faults of the stand-in payment platform, switchable at run time (PUT /sandbox/faults/payment).</summary>
public sealed record PaymentFaults
{
    /// <summary>Share of callbacks never sent (0–1): only reconciliation can learn the outcome.</summary>
    public double CallbackLostRate { get; init; }

    /// <summary>Share of callbacks sent <see cref="DuplicateCopies"/> times at once (0–1).</summary>
    public double CallbackDuplicateRate { get; init; }

    /// <summary>Copies of a duplicated callback, 2–10; 0 means 3 (every setting reads 0 when the faults are off).</summary>
    public int DuplicateCopies { get; init; }

    public int CopiesToSend() => DuplicateCopies == 0 ? 3 : DuplicateCopies;

    /// <summary>Share of callbacks sent after <see cref="CallbackDelayMs"/> (0–1).</summary>
    public double CallbackDelayRate { get; init; }

    public int CallbackDelayMs { get; init; }

    /// <summary>Share of callbacks whose MaXacThuc is wrong (0–1).</summary>
    public double WrongChecksumRate { get; init; }

    /// <summary>Share of platform messages (INIT, QUERY, GET_BILL, LIST, REFUND) answered 503 (0–1).</summary>
    public double ErrorRate { get; init; }

    /// <summary>Share of platform messages delayed by <see cref="LatencyMs"/> (0–1).</summary>
    public double LatencyRate { get; init; }

    public int LatencyMs { get; init; }

    /// <summary>Every platform message fails (full outage).</summary>
    public bool Down { get; init; }

    public string? Invalid()
    {
        double[] rates = [CallbackLostRate, CallbackDuplicateRate, CallbackDelayRate, WrongChecksumRate, ErrorRate, LatencyRate];
        if (rates.Any(r => !double.IsFinite(r) || r is < 0 or > 1)) return "rates";
        if (LatencyMs is < 0 or > 120_000 || CallbackDelayMs is < 0 or > 120_000) return "latency";
        return DuplicateCopies is not 0 and (< 2 or > 10) ? "copies" : null;
    }
}

/// <summary>Holds the payment platform's current faults; readers see a consistent snapshot.</summary>
public sealed class PaymentFaultSwitch
{
    private volatile PaymentFaults _current = new();

    public PaymentFaults Current { get => _current; set => _current = value; }

    public static bool Roll(double rate) => rate > 0 && Random.Shared.NextDouble() < rate;

    public static void Map(WebApplication app)
    {
        var group = app.MapGroup("/sandbox/faults").WithTags("Sandbox faults").AllowAnonymous();
        group.MapGet("/payment", (PaymentFaultSwitch faults) => faults.Current).WithName("GetPaymentFaults").WithSummary("The stand-in payment platform's current faults");
        group.MapPut("/payment", Results<Ok<PaymentFaults>, ProblemHttpResult> (PaymentFaults settings, PaymentFaultSwitch faults, Faults.OperatorLog log, HttpContext http) =>
        {
            const string action = "faults.payment.set";
            if (settings.Invalid() is not null)
            {
                log.Record(http, action, "refused", settings);
                return Procedures.ServiceDefaults.Problems.Validation([new("faults", "range", "Tỷ lệ trong [0,1], độ trễ trong [0,120000] ms, số bản sao 2–10",
                    "Rates in [0,1], delays in [0,120000] ms, copies 2–10")]);
            }
            faults.Current = settings;
            log.Record(http, action, "applied", settings);
            return TypedResults.Ok(settings);
        }).WithName("SetPaymentFaults").WithSummary("Switches the stand-in payment platform's faults")
            .Produces<PaymentFaults>();
    }
}

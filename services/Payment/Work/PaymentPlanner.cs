using System.Text.Json.Nodes;
using Procedures.Payment.Ledger;
using Procedures.Payment.Platform;

namespace Procedures.Payment.Work;

/// <summary>The platform message a due payment needs.</summary>
public enum PlatformCall
{
    /// <summary>A new request: INIT, for the pay URL.</summary>
    Init,
    /// <summary>Pending past Payment:ReconcileAfter: QUERY, in case its callback was lost.</summary>
    Query,
    /// <summary>Paid without a receipt: GET_BILL.</summary>
    GetBill,
    /// <summary>Refunding: REFUND.</summary>
    Refund,
}

/// <summary>What the worker stores after the platform answered (<see cref="PaymentPlanner.Read"/>).</summary>
public abstract record PaymentStep;

/// <summary>The answer is an outcome for the state machine (<see cref="PaymentStates"/>), applied with its event.</summary>
public sealed record ApplyOutcome(Outcome Outcome, OutcomeFacts Facts) : PaymentStep;

/// <summary>The platform's receipt, stored as it came.</summary>
public sealed record StoreReceipt(JsonObject Receipt) : PaymentStep;

/// <summary>Still unpaid and not expired: ask again at <paramref name="At"/> (not a failure: no attempt counted).</summary>
public sealed record CheckAgain(DateTimeOffset At) : PaymentStep;

/// <summary>The call failed or the answer is unusable: back off (<see cref="PaymentPlanner.RetryAt"/>) and keep the error.</summary>
public sealed record Retry(string Error) : PaymentStep;

/// <summary>
/// The platform worker's rules, pure (no database, no HTTP, time and randomness given): which message a claimed payment
/// needs (<see cref="Call"/>), how the platform's answer lands (<see cref="Read"/>) and when a failed call is tried again
/// (<see cref="RetryAt"/>). <see cref="PaymentWorker"/> claims, calls and stores through <see cref="PaymentLedger"/>.
/// </summary>
public static class PaymentPlanner
{
    public static PlatformCall Call(string state) => state switch
    {
        PaymentStates.New => PlatformCall.Init,
        PaymentStates.Pending => PlatformCall.Query,
        PaymentStates.Succeeded => PlatformCall.GetBill,
        _ => PlatformCall.Refund,
    };

    public static PaymentStep Read(DuePayment due, PlatformCall call, PlatformAnswer answer, DateTimeOffset now, PaymentOptions options)
        => call switch
        {
            // The pay URL makes the payment pending; it is asked about once Payment:ReconcileAfter has passed since the request.
            PlatformCall.Init => answer.Field("UrlThanhToan") is { Length: > 0 } url
                ? new ApplyOutcome(Outcome.Initiated,
                    new OutcomeFacts(answer.Field("MaGiaoDich"), PaymentUrl: url, NextAttemptAt: due.RequestedAt + options.ReconcileAfter))
                : new Retry(answer.ToString()),
            PlatformCall.Query => answer.Accepted ? ReadQuery(due, answer, now, options) : new Retry(answer.ToString()),
            PlatformCall.GetBill => answer.Payload is { } receipt ? new StoreReceipt(receipt) : new Retry(answer.ToString()),
            _ => answer.Accepted && answer.Field("TrangThai") == PlatformProtocol.Refunded
                ? new ApplyOutcome(Outcome.Refunded, new OutcomeFacts())
                : new Retry(answer.ToString()),
        };

    /// <summary>
    /// A QUERY's final state is applied as a callback would be (another amount than requested is not: it is retried and the
    /// error kept for a person); unpaid past Payment:ExpireAfter → expired; otherwise asked again every
    /// Payment:ReconcileEvery, and once more at the expiry.
    /// </summary>
    private static PaymentStep ReadQuery(DuePayment due, PlatformAnswer answer, DateTimeOffset now, PaymentOptions options)
    {
        var paidAt = PlatformProtocol.TryParseTimestamp(answer.Field("ThoiGianThanhToan"), out var at) ? at : (DateTimeOffset?)null;
        PlatformProtocol.TryParseAmount(answer.Field("SoTien"), out var amount);
        var expiresAt = due.RequestedAt + options.ExpireAfter;
        return answer.Field("TrangThai") switch
        {
            PlatformProtocol.Succeeded when PaymentStates.AmountDiffers(Outcome.Succeeded, amount, due.AmountVnd)
                => new Retry($"platform reports amount {amount}, requested {due.AmountVnd}"),
            PlatformProtocol.Succeeded => new ApplyOutcome(Outcome.Succeeded, new OutcomeFacts(answer.Field("MaGiaoDich"), amount, paidAt)),
            PlatformProtocol.Failed => new ApplyOutcome(Outcome.Failed,
                new OutcomeFacts(answer.Field("MaGiaoDich"), Reason: Api.Callback.FailureReason(answer.Field("MaLoi") ?? ""))),
            PlatformProtocol.Created when now >= expiresAt => new ApplyOutcome(Outcome.Expired, new OutcomeFacts(Reason: "expired")),
            _ => new CheckAgain(now + options.ReconcileEvery < expiresAt ? now + options.ReconcileEvery : expiresAt),
        };
    }

    /// <summary>When a failed call is tried again: the shared full-jitter backoff from <paramref name="now"/> (after the call).</summary>
    public static DateTimeOffset RetryAt(int attempts, DateTimeOffset now, TimeSpan maxBackoff, double random)
        => now + Messaging.Backoff.FullJitter(attempts, maxBackoff, random);
}

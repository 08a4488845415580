using Microsoft.AspNetCore.Http.HttpResults;
namespace Procedures.Sandbox.Faults;

/// <summary>Faults of the stand-in national systems, switchable at run time so tests can prove resilience.</summary>
public sealed record PortalFaults
{
    /// <summary>Share of portal calls answered 503 (0–1).</summary>
    public double ErrorRate { get; init; }

    /// <summary>Share of portal calls delayed by <see cref="LatencyMs"/> (0–1).</summary>
    public double LatencyRate { get; init; }

    public int LatencyMs { get; init; }

    /// <summary>Every portal call fails (full outage).</summary>
    public bool Down { get; init; }

    /// <summary>Share of applied calls whose acknowledgement is lost (answered 503 after applying): retries must be no-ops.</summary>
    public double AckLossRate { get; init; }

    /// <summary>Dossier codes whose every call the portal rejects (error_code "4"): a payload it will never accept.</summary>
    public IReadOnlyList<string>? RejectCodes { get; init; }

    /// <summary>
    /// The citizen store's lookup answers 503 (Intake checks reuse there before accepting a submission). Apart from
    /// <see cref="Down"/>, which is the dossier sync interface's outage: submissions that reuse nothing stay unaffected by it.
    /// </summary>
    public bool CitizenStoreLookupDown { get; init; }
}

/// <summary>Holds the current fault settings; readers see a consistent snapshot.</summary>
public sealed class FaultSwitch
{
    private volatile PortalFaults _portal = new();

    public PortalFaults Portal { get => _portal; set => _portal = value; }

    public static void Map(WebApplication app)
    {
        var group = app.MapGroup("/sandbox/faults").WithTags("Sandbox faults").AllowAnonymous();
        group.MapGet("/portal", (FaultSwitch faults) => faults.Portal).WithName("GetPortalFaults").WithSummary("The stand-in portal's current faults");
        group.MapPut("/portal", Results<Ok<PortalFaults>, ProblemHttpResult> (PortalFaults settings, FaultSwitch faults, OperatorLog log, HttpContext http) =>
        {
            const string action = "faults.portal.set";
            if (!double.IsFinite(settings.ErrorRate) || !double.IsFinite(settings.LatencyRate)
                || !double.IsFinite(settings.AckLossRate) || settings.AckLossRate is < 0 or > 1
                || settings.ErrorRate is < 0 or > 1 || settings.LatencyRate is < 0 or > 1 || settings.LatencyMs is < 0 or > 120_000)
            {
                log.Record(http, action, "refused", settings);
                return Procedures.ServiceDefaults.Problems.Validation([new("faults", "range", "Tỷ lệ phải trong [0,1], độ trễ trong [0,120000] ms",
                    "Rates must be in [0,1], latency in [0,120000] ms")]);
            }
            faults.Portal = settings;
            log.Record(http, action, "applied", settings);
            return TypedResults.Ok(settings);
        }).WithName("SetPortalFaults").WithSummary("Switches the stand-in portal's faults: errorRate, latencyRate, latencyMs, down, ackLossRate, rejectCodes, citizenStoreLookupDown")
            .Produces<PortalFaults>();
    }
}

using System.Diagnostics.Metrics;
using System.Threading.RateLimiting;

namespace Procedures.ServiceDefaults.Audit;

/// <summary>
/// The security-event counter (<c>procedures.security.events</c>, tags <c>kind</c> and <c>outcome</c>: audited, suppressed
/// past the audit budget, or audit-failed) and the failure counter of the request audit recorder. The meter's name
/// matches ServiceDefaults' <c>Procedures.*</c>, so both are exported with the rest of the service's metrics.
/// </summary>
public static class SecurityEvents
{
    public const string MeterName = "Procedures.Security";
    public const string CounterName = "procedures.security.events";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Events = Meter.CreateCounter<long>(
        CounterName, unit: "{event}", description: "Refused requests: unauthenticated, forbidden (scope), cross-agency");
    private static readonly Counter<long> RecorderFailures = Meter.CreateCounter<long>(
        "procedures.audit.recorder_failures", unit: "{entry}", description: "Request audit entries that could not be written");

    public static void Count(RequestAuditKind kind, string outcome)
        => Events.Add(1, new KeyValuePair<string, object?>("kind", RequestAuditDecision.TagOf(kind)), new KeyValuePair<string, object?>("outcome", outcome));

    public static void CountFailure(RequestAuditKind kind)
        => RecorderFailures.Add(1, new KeyValuePair<string, object?>("kind", kind.ToString()));
}

/// <summary>
/// How many security events per minute one caller (its client when known, else its address) may add to the audit log.
/// The rate limiter already bounds a caller's requests (Hardening); this bounds the log's growth under a flood of refused
/// requests a second time, much lower, while the counter still counts every event (outcome "suppressed" past the budget).
/// </summary>
public sealed class SecurityEventBudget(int perMinute) : IDisposable
{
    public const string Setting = "Hardening:SecurityEventsAuditedPerMinute";
    public const int DefaultPerMinute = 60;

    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, perMinute), Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
        }));

    public bool TryTake(string caller)
    {
        using var lease = _limiter.AttemptAcquire(caller);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}

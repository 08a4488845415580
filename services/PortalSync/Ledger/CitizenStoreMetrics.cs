using System.Diagnostics.Metrics;

namespace Procedures.PortalSync.Ledger;

/// <summary>
/// The citizen-store pushes on the dashboard (meter <c>Procedures.PortalSync</c>): results the store took, failed
/// attempts by kind, the backlog (results queued and not yet taken, not rejected), and what the daily reconciliation
/// found missing and queued again.
/// </summary>
public static class CitizenStoreMetrics
{
    private static readonly Counter<long> PushedResults = SyncMetrics.Meter.CreateCounter<long>("procedures.citizen_store.pushed",
        unit: "{result}", description: "Electronic results the citizen's data store acknowledged");
    private static readonly Counter<long> FailedPushes = SyncMetrics.Meter.CreateCounter<long>("procedures.citizen_store.failed",
        unit: "{attempt}", description: "Failed pushes to the citizen's data store, by kind (transient: retried; rejected: needs a person)");
    private static readonly Counter<long> RequeuedResults = SyncMetrics.Meter.CreateCounter<long>("procedures.citizen_store.requeued",
        unit: "{result}", description: "Results of returned dossiers the reconciliation found never queued, and queued");
    private static long _backlog;

    static CitizenStoreMetrics()
    {
        SyncMetrics.Meter.CreateObservableGauge("procedures.citizen_store.backlog", () => Interlocked.Read(ref _backlog), "{result}",
            "Results queued for the citizen's data store and not yet acknowledged (rejected ones excluded)");
    }

    /// <summary>Counts what one push came to.</summary>
    public static void Record(PushChange change)
    {
        switch (change)
        {
            case PushStored: PushedResults.Add(1); break;
            case PushRejected: FailedPushes.Add(1, new KeyValuePair<string, object?>("kind", "rejected")); break;
            case PushPostponed: FailedPushes.Add(1, new KeyValuePair<string, object?>("kind", "transient")); break;
        }
    }

    public static void Requeued(int results) => RequeuedResults.Add(results);

    public static void Observe(long backlog) => Interlocked.Exchange(ref _backlog, backlog);

    /// <summary>The last backlog observed (what the gauge reports).</summary>
    public static long Backlog => Interlocked.Read(ref _backlog);
}

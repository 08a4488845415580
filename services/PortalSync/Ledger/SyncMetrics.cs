using System.Diagnostics.Metrics;
using Procedures.PortalSync.Portal;

namespace Procedures.PortalSync.Ledger;

/// <summary>
/// What the operators watch on the dashboard: acknowledgements, errors by kind, lag from the status change to the
/// portal's acknowledgement, and the backlog (dossiers waiting, oldest wait). The breaker's state comes from Polly's
/// own meter ("Polly"), exported by ServiceDefaults.
/// </summary>
public static class SyncMetrics
{
    public static readonly Meter Meter = new("Procedures.PortalSync");
    private static readonly Counter<long> AcknowledgedEvents = Meter.CreateCounter<long>("procedures.portal_sync.acknowledged",
        description: "Status events acknowledged by the national portal");
    private static readonly Counter<long> Errors = Meter.CreateCounter<long>("procedures.portal_sync.errors",
        description: "Failed sync attempts, by kind (transient: retried; rejected: needs a person)");
    private static readonly Histogram<double> Lag = Meter.CreateHistogram<double>("procedures.portal_sync.lag", "s",
        "From the status change to the portal's acknowledgement");
    private static readonly Counter<long> Gaps = Meter.CreateCounter<long>("procedures.portal_sync.gap_requests",
        description: "Dossiers held back by a missing status event, for which Processing was asked to send it again");
    private static readonly Counter<long> LostHeads = Meter.CreateCounter<long>("procedures.portal_sync.lost_heads",
        unit: "{dossier}", description: "Dossiers whose newest status event Processing's digest showed missing here");
    private static readonly Counter<long> LostSubmissions = Meter.CreateCounter<long>("procedures.portal_sync.lost_submissions",
        unit: "{dossier}", description: "Dossiers whose DossierSubmitted Intake's digest showed missing here");
    private static readonly Counter<long> SubmissionRequests = Meter.CreateCounter<long>("procedures.portal_sync.submission_requests",
        unit: "{request}", description: "Submissions asked of Intake again");
    private static long _backlog;
    private static double _oldestPendingSeconds;

    static SyncMetrics()
    {
        Meter.CreateObservableGauge("procedures.portal_sync.backlog", () => Interlocked.Read(ref _backlog),
            description: "Dossiers with a status not yet acknowledged by the portal");
        Meter.CreateObservableGauge("procedures.portal_sync.oldest_pending", () => Volatile.Read(ref _oldestPendingSeconds), "s",
            "Age of the oldest unacknowledged change");
    }

    public static void Acknowledged(IReadOnlyList<PortalPayload.StatusEvent> run, DateTimeOffset at)
    {
        AcknowledgedEvents.Add(run.Count);
        foreach (var e in run) Lag.Record(Math.Max(0, (at - e.OccurredAt).TotalSeconds));
    }

    public static void GapRequested() => Gaps.Add(1);

    public static void HeadsLost(int dossiers) => LostHeads.Add(dossiers);

    public static void SubmissionsLost(int dossiers) => LostSubmissions.Add(dossiers);

    public static void SubmissionsRequested(int dossiers) => SubmissionRequests.Add(dossiers);

    public static void Failed(string kind) => Errors.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public static void Observe(SyncStatus.Totals totals)
    {
        Interlocked.Exchange(ref _backlog, totals.Pending);
        Volatile.Write(ref _oldestPendingSeconds, totals.OldestPendingAgeSeconds ?? 0);
    }
}

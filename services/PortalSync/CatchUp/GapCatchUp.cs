using Procedures.Contracts;
using Procedures.PortalSync.Ledger;

namespace Procedures.PortalSync.CatchUp;

/// <summary>
/// The portal gets a dossier's history only as a gap-free run, so one lost status event would hold the dossier back for
/// good. A gap older than <see cref="SyncOptions.GapGrace"/> (longer than an event in flight or in redelivery takes) asks
/// Processing for the missing events (DossierHistoryRequested), again every <see cref="SyncOptions.GapRetry"/> while it
/// stays open, and is counted and logged so an operator sees it. The sync worker's plan (<see cref="SyncPlanner.Plan"/>)
/// decides it; <see cref="LedgerStore"/> records the request and publishes it with the pass.
/// </summary>
public static class GapCatchUp
{
    /// <summary>Whether to ask now: the gap has waited past the grace period and nothing was asked within the retry period.</summary>
    public static bool IsDue(DateTimeOffset? pendingSince, DateTimeOffset? lastRequestedAt, DateTimeOffset now, TimeSpan grace, TimeSpan retry)
        => pendingSince is { } since && now - since >= grace && (lastRequestedAt is not { } asked || now - asked >= retry);

    /// <summary>The request for the steps <paramref name="from"/>..<paramref name="to"/> of <paramref name="code"/>.</summary>
    public static DossierHistoryRequested Request(string code, long from, long to, DateTimeOffset now)
        => new(code, from, to, ResourceNames.PortalSync, now);
}

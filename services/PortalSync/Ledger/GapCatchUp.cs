using Dapper;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging.Outbox;

namespace Procedures.PortalSync.Ledger;

/// <summary>
/// The portal gets a dossier's history only as a gap-free run, so one lost status event would hold the dossier back for
/// good. A gap older than <see cref="SyncOptions.GapGrace"/> (longer than an event in flight or in redelivery takes) asks
/// Processing for the missing events (DossierHistoryRequested), again every <see cref="SyncOptions.GapRetry"/> while it
/// stays open, and is counted and logged so an operator sees it.
/// </summary>
public static class GapCatchUp
{
    /// <summary>Whether to ask now: the gap has waited past the grace period and nothing was asked within the retry period.</summary>
    public static bool IsDue(DateTimeOffset? pendingSince, DateTimeOffset? lastRequestedAt, DateTimeOffset now, TimeSpan grace, TimeSpan retry)
        => pendingSince is { } since && now - since >= grace && (lastRequestedAt is not { } asked || now - asked >= retry);

    /// <summary>Records the request and publishes it in the caller's transaction.</summary>
    public static async Task RequestAsync(NpgsqlTransaction tx, string code, long from, long to, DateTimeOffset now, CancellationToken ct)
    {
        await tx.Connection!.ExecuteAsync(new CommandDefinition(
            "UPDATE sync_dossiers SET gap_requested_at = @now, gap_requests = gap_requests + 1 WHERE code = @code",
            new { code, now }, tx, cancellationToken: ct));
        await Outbox.PublishAsync(tx, new DossierHistoryRequested(code, from, to, ResourceNames.PortalSync, now), ct);
        SyncMetrics.GapRequested();
    }
}

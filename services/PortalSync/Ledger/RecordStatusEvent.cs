using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging.Inbox;

namespace Procedures.PortalSync.Ledger;

/// <summary>
/// Records a status event under its sequence and raises the dossier's known sequence (<see cref="SyncPlanner.OnStatusEvent"/>);
/// a returned dossier's (status 10) electronic results are queued for the applicant's data store in the same transaction
/// (<see cref="CitizenStoreWorker"/> pushes them). One consumer for both: each delivery costs a transaction, and a second
/// queue for the status events (QueueCitizenStore's, before) took every step for the one that matters.
/// </summary>
public sealed class RecordStatusEvent(ConsumerServices services, TimeProvider time) : IdempotentConsumer<DossierStatusChanged>(services)
{
    protected override Task HandleAsync(DossierStatusChanged m, ConsumeScope<DossierStatusChanged> scope, CancellationToken ct)
        => RecordAsync(scope.Transaction, m, time.GetUtcNow(), ct);

    /// <summary>The consumer's effect, in the caller's transaction (the tests that set up a ledger use it as well).</summary>
    public static async Task RecordAsync(NpgsqlTransaction tx, DossierStatusChanged m, DateTimeOffset now, CancellationToken ct)
    {
        await LedgerStore.RecordStatusEventAsync(tx, m, now, ct);
        if (m.Status != DossierStatus.Returned) return;
        foreach (var r in (m.Results ?? []).Where(r => !string.IsNullOrWhiteSpace(r.ElectronicResultCode)))
            await LedgerStore.QueueCitizenStoreAsync(tx, m, r, ct);
    }
}

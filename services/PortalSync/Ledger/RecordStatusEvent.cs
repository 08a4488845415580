using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging.Inbox;

namespace Procedures.PortalSync.Ledger;

/// <summary>Records a status event under its sequence and raises the dossier's known sequence (<see cref="SyncPlanner.OnStatusEvent"/>).</summary>
public sealed class RecordStatusEvent(ConsumerServices services, TimeProvider time) : IdempotentConsumer<DossierStatusChanged>(services)
{
    protected override Task HandleAsync(DossierStatusChanged m, ConsumeScope<DossierStatusChanged> scope, CancellationToken ct)
        => RecordAsync(scope.Transaction, m, time.GetUtcNow(), ct);

    /// <summary>The consumer's effect, in the caller's transaction (the tests that set up a ledger use it as well).</summary>
    public static Task RecordAsync(NpgsqlTransaction tx, DossierStatusChanged m, DateTimeOffset now, CancellationToken ct)
        => LedgerStore.RecordStatusEventAsync(tx, m, now, ct);
}

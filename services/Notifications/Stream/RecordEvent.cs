using Dapper;
using Procedures.Contracts;
using Procedures.Messaging.Inbox;

namespace Procedures.Notifications.Stream;

/// <summary>Logs each status event once under its sequence, for the public stream and replays.</summary>
public sealed class RecordEvent(ConsumerServices services) : IdempotentConsumer<DossierStatusChanged>(services)
{
    protected override Task HandleAsync(DossierStatusChanged m, ConsumeScope<DossierStatusChanged> scope, CancellationToken ct)
        => scope.Connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO event_log (dossier_code, sequence, status, occurred_at) VALUES (@DossierCode, @Sequence, @Status, @OccurredAt)
            ON CONFLICT DO NOTHING
            """, new { m.DossierCode, m.Sequence, Status = (short)m.Status, m.OccurredAt }, scope.Transaction, cancellationToken: ct));
}

using Dapper;
using Procedures.Contracts;
using Procedures.Messaging.Inbox;

namespace Procedures.Reporting.Kpi;

/// <summary>Counts a submission. Events may arrive in any order, so every projection step is an upsert.</summary>
public sealed class ProjectSubmission(ConsumerServices services) : IdempotentConsumer<DossierSubmitted>(services)
{
    protected override Task HandleAsync(DossierSubmitted m, ConsumeScope<DossierSubmitted> scope, CancellationToken ct)
        => scope.Connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO dossier_facts (code, receiving_unit, channel, submitted_at) VALUES (@DossierCode, @ReceivingUnit, @Channel, @SubmittedAt)
            ON CONFLICT (code) DO UPDATE SET receiving_unit = excluded.receiving_unit, channel = excluded.channel, submitted_at = excluded.submitted_at
            """, new { m.DossierCode, m.ReceivingUnit, Channel = (short)m.Channel, m.SubmittedAt }, scope.Transaction, cancellationToken: ct));
}

/// <summary>Records the newest sequence the national portal acknowledged.</summary>
public sealed class ProjectSync(ConsumerServices services) : IdempotentConsumer<DossierSynced>(services)
{
    protected override Task HandleAsync(DossierSynced m, ConsumeScope<DossierSynced> scope, CancellationToken ct)
        => scope.Connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO dossier_facts (code, synced_seq, synced_at) VALUES (@DossierCode, @Sequence, @AcknowledgedAt)
            ON CONFLICT (code) DO UPDATE SET
                synced_seq = GREATEST(dossier_facts.synced_seq, excluded.synced_seq),
                synced_at = CASE WHEN excluded.synced_seq > dossier_facts.synced_seq THEN excluded.synced_at ELSE dossier_facts.synced_at END
            """, new { m.DossierCode, m.Sequence, m.AcknowledgedAt }, scope.Transaction, cancellationToken: ct));
}

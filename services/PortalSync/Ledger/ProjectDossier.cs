using Dapper;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging.Inbox;

namespace Procedures.PortalSync.Ledger;

/// <summary>Keeps the facts the portal payload needs from DossierSubmitted.</summary>
public sealed class ProjectDossier(ConsumerServices services) : IdempotentConsumer<DossierSubmitted>(services)
{
    protected override Task HandleAsync(DossierSubmitted m, ConsumeScope<DossierSubmitted> scope, CancellationToken ct)
        => scope.Connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO sync_dossiers (code, has_data, procedure_code, receiving_unit, channel, applicant_name, submitted_at,
                                       applicant_kind, applicant_id_number, applicant_phone, applicant_email, vneid_level2,
                                       deciding_agency, summary, documents, procedure_name, fees)
            VALUES (@DossierCode, true, @ProcedureCode, @ReceivingUnit, @Channel, @ApplicantName, @SubmittedAt,
                    @kind, @idNumber, @phone, @email, @vneid, @DecidingAgency, @Summary, @documents::jsonb, @ProcedureName, @fees::jsonb)
            ON CONFLICT (code) DO UPDATE SET has_data = true, procedure_code = excluded.procedure_code,
                receiving_unit = excluded.receiving_unit, channel = excluded.channel,
                applicant_name = excluded.applicant_name, submitted_at = excluded.submitted_at,
                applicant_kind = excluded.applicant_kind, applicant_id_number = excluded.applicant_id_number,
                applicant_phone = excluded.applicant_phone, applicant_email = excluded.applicant_email,
                vneid_level2 = excluded.vneid_level2, deciding_agency = excluded.deciding_agency, summary = excluded.summary,
                documents = excluded.documents, procedure_name = excluded.procedure_name, fees = excluded.fees
            """, new
            {
                m.DossierCode, m.ProcedureCode, m.ReceivingUnit, Channel = (short)m.Channel, m.ApplicantName,
                SubmittedAt = m.SubmittedAt.ToUniversalTime(), m.ProcedureName,
                fees = System.Text.Json.JsonSerializer.Serialize(m.Fees ?? [], System.Text.Json.JsonSerializerOptions.Web),
                kind = (short?)m.Applicant?.Kind, idNumber = m.Applicant?.IdNumber, phone = m.Applicant?.Phone,
                email = m.Applicant?.Email, vneid = m.Applicant?.VneidLevel2, m.DecidingAgency, m.Summary,
                documents = System.Text.Json.JsonSerializer.Serialize(m.Documents ?? [], System.Text.Json.JsonSerializerOptions.Web),
            }, scope.Transaction, cancellationToken: ct));
}

/// <summary>Records a status event under its sequence and raises the dossier's known sequence.</summary>
public sealed class RecordStatusEvent(ConsumerServices services, TimeProvider time) : IdempotentConsumer<DossierStatusChanged>(services)
{
    protected override Task HandleAsync(DossierStatusChanged m, ConsumeScope<DossierStatusChanged> scope, CancellationToken ct)
        => RecordAsync(scope.Transaction, m, time.GetUtcNow(), ct);

    /// <summary>The consumer's effect, in the caller's transaction (the tests that set up a ledger use it as well).</summary>
    public static async Task RecordAsync(NpgsqlTransaction tx, DossierStatusChanged m, DateTimeOffset now, CancellationToken ct)
    {
        var connection = tx.Connection!;
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO sync_events (dossier_code, sequence, status, occurred_at, content, trace_parent, facts)
            VALUES (@DossierCode, @Sequence, @Status, @OccurredAt, @Content, @traceParent, @facts::jsonb)
            ON CONFLICT DO NOTHING
            """, new
            {
                m.DossierCode, m.Sequence, Status = (short)m.Status, OccurredAt = m.OccurredAt.ToUniversalTime(), m.Content,
                traceParent = System.Diagnostics.Activity.Current?.Id,
                facts = System.Text.Json.JsonSerializer.Serialize(m, System.Text.Json.JsonSerializerOptions.Web),
            }, tx, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO sync_dossiers (code, last_seq_known, pending_since, receiving_unit, deciding_agency)
            VALUES (@DossierCode, @Sequence, @now, @ReceivingUnit, @DecidingAgency)
            ON CONFLICT (code) DO UPDATE SET last_seq_known = GREATEST(sync_dossiers.last_seq_known, excluded.last_seq_known),
                -- The owning agencies (agency isolation of the status endpoint) as soon as any event names them; the
                -- submission's own values, once here, are kept.
                receiving_unit = COALESCE(sync_dossiers.receiving_unit, excluded.receiving_unit),
                deciding_agency = COALESCE(sync_dossiers.deciding_agency, excluded.deciding_agency),
                pending_since = CASE WHEN excluded.last_seq_known > sync_dossiers.last_seq_acked
                                     THEN COALESCE(sync_dossiers.pending_since, excluded.pending_since)
                                     ELSE sync_dossiers.pending_since END,
                -- The step a gap held back (the worker postponed the dossier while it waited): due at once, so the ledger's
                -- trigger wakes a worker. A dossier backing off after a portal error keeps its backoff.
                next_attempt_at = CASE WHEN excluded.last_seq_known = sync_dossiers.last_seq_acked + 1 AND sync_dossiers.last_error IS NULL
                                       THEN LEAST(sync_dossiers.next_attempt_at, now())
                                       ELSE sync_dossiers.next_attempt_at END
            """, new { m.DossierCode, m.Sequence, now, m.ReceivingUnit, m.DecidingAgency }, tx, cancellationToken: ct));
    }
}

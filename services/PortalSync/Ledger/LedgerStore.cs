using System.Text.Json;
using Dapper;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging.Outbox;
using Procedures.PortalSync.Portal;

namespace Procedures.PortalSync.Ledger;

/// <summary>
/// Every statement on PortalSync's ledger tables (<c>sync_dossiers</c>, <c>sync_events</c>, <c>citizen_store_pushes</c>; see
/// Sql/), in the caller's transaction, with the events a change publishes (outbox), so state and event commit together.
/// The rules that decide what is written are pure, in <see cref="SyncPlanner"/> and <see cref="CitizenStorePlanner"/>; what
/// stays here is set-based SQL that is only storage (idempotent upserts, the claim, the counts).
/// Wake-up: the trigger <c>sync_dossiers_due</c> (Sql/0006_sync_due_notify.sql) notifies <c>portal_sync_due</c> when a write
/// leaves a row due now; <see cref="SyncWorker"/> listens.
/// </summary>
public static class LedgerStore
{
    private static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    // ---- Projection (the consumers of Intake's and Processing's events)

    /// <summary>Keeps the facts the portal payload needs from DossierSubmitted (again: the newest copy wins).</summary>
    public static Task ProjectSubmissionAsync(NpgsqlTransaction tx, DossierSubmitted m, CancellationToken ct)
        => tx.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO sync_dossiers (code, has_data, procedure_code, receiving_unit, channel, applicant_name, submitted_at,
                                       applicant_kind, applicant_id_number, applicant_phone, applicant_email, vneid_level2,
                                       deciding_agency, summary, documents, procedure_name, fees, field_code, field_name)
            VALUES (@DossierCode, true, @ProcedureCode, @ReceivingUnit, @Channel, @ApplicantName, @SubmittedAt,
                    @kind, @idNumber, @phone, @email, @vneid, @DecidingAgency, @Summary, @documents::jsonb, @ProcedureName, @fees::jsonb,
                    @FieldCode, @FieldName)
            ON CONFLICT (code) DO UPDATE SET has_data = true, procedure_code = excluded.procedure_code,
                receiving_unit = excluded.receiving_unit, channel = excluded.channel,
                applicant_name = excluded.applicant_name, submitted_at = excluded.submitted_at,
                applicant_kind = excluded.applicant_kind, applicant_id_number = excluded.applicant_id_number,
                applicant_phone = excluded.applicant_phone, applicant_email = excluded.applicant_email,
                vneid_level2 = excluded.vneid_level2, deciding_agency = excluded.deciding_agency, summary = excluded.summary,
                documents = excluded.documents, procedure_name = excluded.procedure_name, fees = excluded.fees,
                field_code = excluded.field_code, field_name = excluded.field_name
            """, new
            {
                m.DossierCode, m.ProcedureCode, m.ReceivingUnit, Channel = (short)m.Channel, m.ApplicantName,
                SubmittedAt = m.SubmittedAt.ToUniversalTime(), m.ProcedureName, m.FieldCode, m.FieldName,
                fees = JsonSerializer.Serialize(m.Fees ?? [], Json),
                kind = (short?)m.Applicant?.Kind, idNumber = m.Applicant?.IdNumber, phone = m.Applicant?.Phone,
                email = m.Applicant?.Email, vneid = m.Applicant?.VneidLevel2, m.DecidingAgency, m.Summary,
                documents = JsonSerializer.Serialize(m.Documents ?? [], Json),
            }, tx, cancellationToken: ct));

    /// <summary>
    /// Keeps a status event under its sequence (with the trace of the change, so the portal call continues it) and applies
    /// <see cref="SyncPlanner.OnStatusEvent"/> to the dossier's row, locked, so concurrent events of one dossier apply in turn.
    /// </summary>
    public static async Task RecordStatusEventAsync(NpgsqlTransaction tx, DossierStatusChanged m, DateTimeOffset now, CancellationToken ct)
    {
        var connection = tx.Connection!;
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO sync_events (dossier_code, sequence, status, occurred_at, content, trace_parent, facts)
            VALUES (@DossierCode, @Sequence, @Status, @OccurredAt, @Content, @traceParent, @facts::jsonb)
            ON CONFLICT DO NOTHING
            """, new
            {
                m.DossierCode, m.Sequence, Status = (short)m.Status, OccurredAt = m.OccurredAt.ToUniversalTime(), m.Content,
                traceParent = System.Diagnostics.Activity.Current?.Id, facts = JsonSerializer.Serialize(m, Json),
            }, tx, cancellationToken: ct));
        // A dossier first seen through a status event (its submission may come later) starts with nothing known.
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO sync_dossiers (code) VALUES (@DossierCode) ON CONFLICT DO NOTHING", new { m.DossierCode }, tx, cancellationToken: ct));
        var row = await connection.QuerySingleAsync<KnownSequences>(new CommandDefinition("""
            SELECT last_seq_known AS Known, last_seq_acked AS Acked, pending_since AS PendingSince, last_error IS NOT NULL AS BackingOff
            FROM sync_dossiers WHERE code = @DossierCode FOR UPDATE
            """, new { m.DossierCode }, tx, cancellationToken: ct));
        var after = SyncPlanner.OnStatusEvent(row, m.Sequence, now);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE sync_dossiers SET last_seq_known = @Known, pending_since = @PendingSince,
                -- The owning agencies (agency isolation of the status endpoint) as soon as any event names them; the
                -- submission's own values, once here, are kept.
                receiving_unit = COALESCE(receiving_unit, @ReceivingUnit), deciding_agency = COALESCE(deciding_agency, @DecidingAgency),
                -- Due at once on the database's clock, which the claim and the wake-up trigger compare with.
                next_attempt_at = CASE WHEN @DueAtOnce THEN LEAST(next_attempt_at, now()) ELSE next_attempt_at END
            WHERE code = @DossierCode
            """, new { m.DossierCode, after.Known, after.PendingSince, after.DueAtOnce, m.ReceivingUnit, m.DecidingAgency },
            tx, cancellationToken: ct));
    }

    // ---- The sync worker

    /// <summary>
    /// Claims the dossier due longest (FOR UPDATE SKIP LOCKED: two workers or instances never send one dossier at once, and
    /// nothing changes it until the pass commits) with its facts and every event kept for it; null when none is due.
    /// </summary>
    public static async Task<Claim?> ClaimDueAsync(NpgsqlTransaction tx, CancellationToken ct)
    {
        var connection = tx.Connection!;
        var row = await connection.QuerySingleOrDefaultAsync<LedgerRow>(new CommandDefinition("""
            SELECT code, procedure_code AS ProcedureCode, receiving_unit AS ReceivingUnit, channel, applicant_name AS ApplicantName,
                   submitted_at AS SubmittedAt, last_seq_acked AS LastSeqAcked, attempts, applicant_kind AS ApplicantKind,
                   applicant_id_number AS ApplicantIdNumber, applicant_phone AS Phone, applicant_email AS Email,
                   vneid_level2 AS VneidLevel2, deciding_agency AS DecidingAgency, summary, documents::text AS Documents,
                   procedure_name AS ProcedureName, fees::text AS Fees, portal_has_record AS PortalHasRecord, resends,
                   last_seq_known AS LastSeqKnown, pending_since AS PendingSince, gap_requested_at AS GapRequestedAt,
                   field_code AS FieldCode, field_name AS FieldName
            FROM sync_dossiers
            WHERE last_seq_known > last_seq_acked AND has_data AND NOT failed AND next_attempt_at <= now()
            ORDER BY next_attempt_at
            LIMIT 1
            FOR UPDATE SKIP LOCKED
            """, transaction: tx, cancellationToken: ct));
        if (row is null) return null;
        var events = await connection.QueryAsync<EventRow>(new CommandDefinition("""
            SELECT sequence, status, occurred_at AS OccurredAt, content, trace_parent AS TraceParent, facts::text AS Facts FROM sync_events
            WHERE dossier_code = @code ORDER BY sequence
            """, new { code = row.Code }, tx, cancellationToken: ct));
        return new Claim(
            new SyncState(row.Code, row.LastSeqAcked, row.LastSeqKnown, row.Attempts, row.PortalHasRecord, row.Resends, row.PendingSince,
                row.GapRequestedAt),
            new PortalPayload.DossierFacts(row.Code, row.ProcedureCode!, row.ReceivingUnit!, row.Channel!.Value, row.ApplicantName!,
                row.SubmittedAt!.Value, row.ApplicantKind, row.ApplicantIdNumber, row.Phone, row.Email, row.VneidLevel2, row.DecidingAgency,
                row.Summary, FromJson<List<SubmittedDocument>>(row.Documents), row.ProcedureName, FromJson<List<DossierFee>>(row.Fees),
                row.FieldCode, row.FieldName),
            [.. events.Select(e => e.ToEvent())]);
    }

    /// <summary>Writes a pass's outcome to the claimed dossier and publishes what it raises.</summary>
    public static async Task ApplyAsync(NpgsqlTransaction tx, SyncChange change, CancellationToken ct)
    {
        var connection = tx.Connection!;
        switch (change)
        {
            case Acknowledge a:
                await connection.ExecuteAsync(new CommandDefinition("""
                    UPDATE sync_dossiers SET last_seq_acked = @Sequence, attempts = 0, last_error = NULL, acked_at = @At, next_attempt_at = @At,
                        portal_has_record = true, last_status_acked = @Status, pending_since = @PendingSince
                    WHERE code = @Code
                    """, new { a.Code, a.Sequence, a.Status, a.At, a.PendingSince }, tx, cancellationToken: ct));
                await Outbox.PublishAsync(tx, a.Synced, ct);
                break;
            case Reject r:
                await connection.ExecuteAsync(new CommandDefinition("""
                    UPDATE sync_dossiers SET failed = true, failed_at = @At, attempts = @Attempts, last_error = @Error, portal_has_record = @RecordHeld
                    WHERE code = @Code
                    """, new { r.Code, r.At, r.Attempts, r.Error, r.RecordHeld }, tx, cancellationToken: ct));
                break;
            case Postpone p:
                await connection.ExecuteAsync(new CommandDefinition("""
                    UPDATE sync_dossiers SET attempts = @Attempts, last_error = COALESCE(@Error, last_error), next_attempt_at = now() + @Delay,
                        portal_has_record = @RecordHeld
                    WHERE code = @Code
                    """, new { p.Code, p.Attempts, p.Error, p.Delay, p.RecordHeld }, tx, cancellationToken: ct));
                if (p.AskForGap is { } ask)
                {
                    await connection.ExecuteAsync(new CommandDefinition(
                        "UPDATE sync_dossiers SET gap_requested_at = @RequestedAt, gap_requests = gap_requests + 1 WHERE code = @DossierCode",
                        new { ask.DossierCode, ask.RequestedAt }, tx, cancellationToken: ct));
                    await Outbox.PublishAsync(tx, ask, ct);
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(change), change, "Unknown ledger change");
        }
    }

    // ---- Catch-up (CatchUp/): digests of what was sent, and asking again for what never arrived

    /// <summary>
    /// Raises each dossier's known sequence to the digest's head where it is lower (a dossier unknown here gets a row
    /// without data); returns the codes raised. Raising only (a digest applied twice raises nothing more).
    /// </summary>
    public static async Task<IReadOnlyList<string>> RaiseHeadsAsync(NpgsqlTransaction tx, IReadOnlyList<DossierHead> heads, DateTimeOffset now,
        CancellationToken ct)
        => [.. await tx.Connection!.QueryAsync<string>(new CommandDefinition("""
            INSERT INTO sync_dossiers AS s (code, last_seq_known, pending_since)
            SELECT code, sequence, @now FROM unnest(@codes, @sequences) AS h(code, sequence)
            ON CONFLICT (code) DO UPDATE SET last_seq_known = excluded.last_seq_known,
                pending_since = COALESCE(s.pending_since, excluded.pending_since)
            WHERE s.last_seq_known < excluded.last_seq_known
            RETURNING code
            """, new { now, codes = heads.Select(h => h.DossierCode).ToArray(), sequences = heads.Select(h => h.Sequence).ToArray() },
            tx, cancellationToken: ct))];

    /// <summary>Gives each code unknown here a row without data (it counts as not synced); returns the codes added.</summary>
    public static async Task<IReadOnlyList<string>> AddUnknownAsync(NpgsqlTransaction tx, IReadOnlyList<string> codes, DateTimeOffset now,
        CancellationToken ct)
        => [.. await tx.Connection!.QueryAsync<string>(new CommandDefinition("""
            INSERT INTO sync_dossiers (code, pending_since) SELECT code, @now FROM unnest(@codes) AS c(code)
            ON CONFLICT (code) DO NOTHING
            RETURNING code
            """, new { now, codes = codes.ToArray() }, tx, cancellationToken: ct))];

    /// <summary>
    /// Marks as asked for, and returns, up to <paramref name="batch"/> dossiers without their submission whose request is due:
    /// <see cref="CatchUp.GapCatchUp.IsDue"/>'s rule, written as a filter so a batch is found by index, not by reading every row.
    /// </summary>
    public static async Task<IReadOnlyList<string>> MarkSubmissionsAskedAsync(NpgsqlTransaction tx, DateTimeOffset now, TimeSpan grace,
        TimeSpan retry, int batch, CancellationToken ct)
        => [.. await tx.Connection!.QueryAsync<string>(new CommandDefinition("""
            WITH due AS (
                SELECT code FROM sync_dossiers
                WHERE NOT has_data AND pending_since <= @now - @grace
                  AND (submission_requested_at IS NULL OR submission_requested_at <= @now - @retry)
                ORDER BY pending_since LIMIT @batch FOR UPDATE SKIP LOCKED)
            UPDATE sync_dossiers s SET submission_requested_at = @now, submission_requests = s.submission_requests + 1
            FROM due WHERE s.code = due.code
            RETURNING s.code
            """, new { now, grace, retry, batch }, tx, cancellationToken: ct))];

    // ---- Status, retry and reconciliation (the operators' view)

    /// <summary>
    /// Agency isolation, one rule for the totals, the failures and the retry: a dossier belongs to the agency that received
    /// it or decides it (as in Processing). A row known only from status events or a digest may not know its unit yet: only
    /// the city's control office sees it until its submission arrives.
    /// </summary>
    private const string VisibleToCaller = "(@all OR COALESCE(receiving_unit = @agency OR deciding_agency = @agency, false))";

    /// <summary>Counts of the ledger: every dossier, fully synced, pending, failed, and since when the oldest pending waits.</summary>
    public sealed record Counts(long Dossiers, long Synced, long Pending, long Failed, DateTimeOffset? OldestPending);

    /// <summary>The city's counts, or one agency's when <paramref name="agency"/> is set.</summary>
    public static Task<Counts> CountAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string? agency, CancellationToken ct)
        => connection.QuerySingleAsync<Counts>(new CommandDefinition($"""
            -- A dossier known here without its submission (has_data false) counts as known and not synced: it is not
            -- at the portal, and the ratio must not hide it.
            SELECT count(*) AS Dossiers,
                   count(*) FILTER (WHERE has_data AND last_seq_acked >= last_seq_known AND NOT failed) AS Synced,
                   count(*) FILTER (WHERE (last_seq_known > last_seq_acked OR NOT has_data) AND NOT failed) AS Pending,
                   count(*) FILTER (WHERE failed) AS Failed,
                   min(pending_since) FILTER (WHERE (last_seq_known > last_seq_acked OR NOT has_data) AND NOT failed) AS OldestPending
            FROM sync_dossiers WHERE {VisibleToCaller}
            """, new { all = agency is null, agency }, transaction: tx, cancellationToken: ct));

    /// <summary>The newest 100 dossiers the portal rejected, the city's or one agency's.</summary>
    public static async Task<IReadOnlyList<SyncStatus.FailedDossier>> FailuresAsync(NpgsqlTransaction tx, string? agency, CancellationToken ct)
        => [.. await tx.Connection!.QueryAsync<SyncStatus.FailedDossier>(new CommandDefinition($"""
            SELECT code, last_error AS LastError, failed_at AS FailedAt, last_seq_acked AS LastSequenceAcknowledged,
                   last_seq_known AS LastSequenceKnown
            FROM sync_dossiers WHERE failed AND {VisibleToCaller} ORDER BY failed_at DESC LIMIT 100
            """, new { all = agency is null, agency }, transaction: tx, cancellationToken: ct))];

    /// <summary>A dossier as a retry finds it, locked: whether it failed, whether the caller sees it, who owns it.</summary>
    public sealed record RetryRow(bool Failed, bool Visible, string? Owner);

    public static Task<RetryRow?> LockForRetryAsync(NpgsqlTransaction tx, string code, bool seesAll, string? agency, CancellationToken ct)
        => tx.Connection!.QuerySingleOrDefaultAsync<RetryRow?>(new CommandDefinition($"""
            SELECT failed AS Failed, {VisibleToCaller} AS Visible, receiving_unit AS Owner FROM sync_dossiers WHERE code = @code FOR UPDATE
            """, new { code, all = seesAll, agency }, tx, cancellationToken: ct));

    /// <summary>
    /// Sends a rejected dossier again at once as a new generation: the same (dossier, sequence) under a new key, since the
    /// portal refused the old content.
    /// </summary>
    public static Task RetryAsync(NpgsqlTransaction tx, string code, CancellationToken ct)
        => tx.Connection!.ExecuteAsync(new CommandDefinition("""
            UPDATE sync_dossiers SET failed = false, failed_at = NULL, attempts = 0, next_attempt_at = now(), resends = resends + 1
            WHERE code = @code
            """, new { code }, tx, cancellationToken: ct));

    /// <summary>A dossier of the day as the reconciliation compares it: what the portal acknowledged.</summary>
    public sealed record Acknowledged(string Code, long Acked, short? Status);

    /// <summary>
    /// The day's dossiers with their submission, locked (SKIP LOCKED: one a worker is sending is skipped, and none compared
    /// can be acknowledged meanwhile), and every code of the day, also those a worker held locked.
    /// </summary>
    public static async Task<(IReadOnlyList<Acknowledged> Locked, IReadOnlySet<string> Known)> LockDayAsync(NpgsqlTransaction tx,
        DateTimeOffset start, DateTimeOffset end, CancellationToken ct)
    {
        var locked = (await tx.Connection!.QueryAsync<Acknowledged>(new CommandDefinition("""
            SELECT code, last_seq_acked AS Acked, last_status_acked AS Status FROM sync_dossiers
            WHERE has_data AND submitted_at >= @start AND submitted_at < @end
            FOR UPDATE SKIP LOCKED
            """, new { start, end }, tx, cancellationToken: ct))).ToList();
        var known = (await tx.Connection!.QueryAsync<string>(new CommandDefinition(
            "SELECT code FROM sync_dossiers WHERE has_data AND submitted_at >= @start AND submitted_at < @end",
            new { start, end }, tx, cancellationToken: ct))).ToHashSet(StringComparer.Ordinal);
        return (locked, known);
    }

    /// <summary>
    /// Sends a dossier again from <paramref name="from"/> (<see cref="SyncPlanner.ResendFrom"/>) as a new key generation, due
    /// at once; <paramref name="portalLost"/>: the portal no longer holds the record, so it is created again.
    /// </summary>
    public static Task ResendAsync(NpgsqlTransaction tx, string code, long from, bool portalLost, DateTimeOffset now, CancellationToken ct)
        => tx.Connection!.ExecuteAsync(new CommandDefinition("""
            UPDATE sync_dossiers SET last_seq_acked = @from, resends = resends + 1, next_attempt_at = now(), attempts = 0,
                pending_since = COALESCE(pending_since, @now), portal_has_record = portal_has_record AND NOT @portalLost
            WHERE code = @code
            """, new { code, from, portalLost, now }, tx, cancellationToken: ct));

    // ---- Results to the citizen's data store

    /// <summary>Queues a returned dossier's electronic result for the applicant's data store (once per dossier and result).</summary>
    public static Task QueueCitizenStoreAsync(NpgsqlTransaction tx, DossierStatusChanged m, ResultDocument result, CancellationToken ct)
        => tx.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO citizen_store_pushes (dossier_code, result_code, sequence, name, file_reference, returned_at)
            VALUES (@DossierCode, @code, @Sequence, @Name, @FileReference, @at) ON CONFLICT DO NOTHING
            """, new { m.DossierCode, code = result.ElectronicResultCode!.Trim(), m.Sequence, result.Name, result.FileReference,
                at = m.OccurredAt.ToUniversalTime() }, tx, cancellationToken: ct));

    /// <summary>
    /// Claims the push due longest whose returning sequence the portal has acknowledged (the store never holds a result of
    /// a dossier the portal does not show as returned), FOR UPDATE SKIP LOCKED; null when none is due.
    /// </summary>
    public static Task<CitizenPush?> ClaimDuePushAsync(NpgsqlTransaction tx, CancellationToken ct)
        => tx.Connection!.QuerySingleOrDefaultAsync<CitizenPush?>(new CommandDefinition("""
            SELECT p.dossier_code AS DossierCode, p.result_code AS ResultCode, p.name, p.file_reference AS FileReference,
                   p.returned_at AS ReturnedAt, p.attempts, d.applicant_id_number AS Owner, d.applicant_kind AS OwnerKind
            FROM citizen_store_pushes p JOIN sync_dossiers d ON d.code = p.dossier_code
            WHERE p.stored_at IS NULL AND NOT p.failed AND p.next_attempt_at <= now()
              AND d.has_data AND d.last_seq_acked >= p.sequence AND coalesce(d.applicant_id_number, '') <> ''
            ORDER BY p.next_attempt_at
            LIMIT 1
            FOR UPDATE OF p SKIP LOCKED
            """, transaction: tx, cancellationToken: ct));

    /// <summary>Writes a push's outcome and publishes what it raises.</summary>
    public static async Task ApplyPushAsync(NpgsqlTransaction tx, PushChange change, CancellationToken ct)
    {
        var sql = change switch
        {
            PushStored => "stored_at = @At, last_error = NULL",
            PushRejected => "failed = true, last_error = @Error",
            // Due again on the database's clock, which the claim compares with.
            PushPostponed => "last_error = @Error, next_attempt_at = now() + @Delay",
            _ => throw new ArgumentOutOfRangeException(nameof(change), change, "Unknown push change"),
        };
        await tx.Connection!.ExecuteAsync(new CommandDefinition($"""
            UPDATE citizen_store_pushes SET attempts = attempts + 1, {sql} WHERE dossier_code = @DossierCode AND result_code = @ResultCode
            """, new { change.DossierCode, change.ResultCode, change.At, change.Error, Delay = (change as PushPostponed)?.Delay ?? TimeSpan.Zero }, tx, cancellationToken: ct));
        if (change is PushStored stored) await Outbox.PublishAsync(tx, stored.Stored, ct);
    }

    /// <summary>Results queued for the citizen's store and not yet acknowledged, rejected ones excluded (the backlog gauge).</summary>
    public static Task<long> CitizenStoreBacklogAsync(NpgsqlConnection connection, CancellationToken ct)
        => connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM citizen_store_pushes WHERE stored_at IS NULL AND NOT failed", cancellationToken: ct));

    /// <summary>
    /// The citizen-store reconciliation of returns in [<paramref name="from"/>, <paramref name="to"/>): every electronic
    /// result the kept status-10 events carry should have a push; those without one are queued now (the same row
    /// <see cref="QueueCitizenStoreAsync"/> writes, so a late original delivery finds it and does nothing). Returns the counts
    /// over the expected results, the ones queued now counted as waiting.
    /// </summary>
    public static Task<CitizenStoreCounts> ReconcileCitizenStoreAsync(NpgsqlTransaction tx, DateTimeOffset from, DateTimeOffset to,
        CancellationToken ct)
        => tx.Connection!.QuerySingleAsync<CitizenStoreCounts>(new CommandDefinition("""
            WITH expected AS (
                SELECT DISTINCT ON (e.dossier_code, btrim(r->>'electronicResultCode'))
                       e.dossier_code, btrim(r->>'electronicResultCode') AS result_code, e.sequence, r->>'name' AS name,
                       r->>'fileReference' AS file_reference, e.occurred_at
                FROM sync_events e CROSS JOIN LATERAL jsonb_array_elements(COALESCE(e.facts->'results', '[]'::jsonb)) AS r
                WHERE e.status = 10 AND e.occurred_at >= @from AND e.occurred_at < @to
                  AND COALESCE(btrim(r->>'electronicResultCode'), '') <> ''
                ORDER BY e.dossier_code, btrim(r->>'electronicResultCode'), e.sequence
            ), queued AS (
                INSERT INTO citizen_store_pushes (dossier_code, result_code, sequence, name, file_reference, returned_at)
                SELECT dossier_code, result_code, sequence, COALESCE(name, result_code), file_reference, occurred_at FROM expected
                ON CONFLICT DO NOTHING
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM expected) AS Expected,
                   count(p.dossier_code) FILTER (WHERE p.stored_at IS NOT NULL) AS Stored,
                   count(p.dossier_code) FILTER (WHERE p.stored_at IS NULL AND NOT p.failed) + (SELECT count(*) FROM queued) AS Waiting,
                   count(p.dossier_code) FILTER (WHERE p.failed) AS Rejected,
                   (SELECT count(*) FROM queued) AS Requeued
            FROM expected x LEFT JOIN citizen_store_pushes p ON p.dossier_code = x.dossier_code AND p.result_code = x.result_code
            """, new { from = from.ToUniversalTime(), to = to.ToUniversalTime() }, tx, cancellationToken: ct));

    private static T? FromJson<T>(string? json) => json is null ? default : JsonSerializer.Deserialize<T>(json, Json);

    private sealed record EventRow(long Sequence, short Status, DateTimeOffset OccurredAt, string? Content, string? TraceParent, string? Facts)
    {
        public PortalPayload.StatusEvent ToEvent() => new(Sequence, Status, OccurredAt, Content, TraceParent, FromJson<DossierStatusChanged>(Facts));
    }

    private sealed record LedgerRow(string Code, string? ProcedureCode, string? ReceivingUnit, short? Channel, string? ApplicantName,
        DateTimeOffset? SubmittedAt, long LastSeqAcked, int Attempts, short? ApplicantKind, string? ApplicantIdNumber, string? Phone,
        string? Email, bool? VneidLevel2, string? DecidingAgency, string? Summary, string? Documents, string? ProcedureName, string? Fees,
        bool PortalHasRecord, int Resends, long LastSeqKnown, DateTimeOffset? PendingSince, DateTimeOffset? GapRequestedAt,
        string? FieldCode, string? FieldName);
}

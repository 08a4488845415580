using System.Text.Json;
using Dapper;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging;
using Procedures.Messaging.Outbox;

namespace Procedures.Processing.Dossiers;

/// <summary>A dossier as stored: its clock, the moments kept beside it, and what routes and describes it.</summary>
public sealed record DossierRecord(string Code, long Version, DossierClock Clock, string ReceivingUnit, string? DecidingAgency,
    string ProcedureCode, DossierMoments Moments);

/// <summary>One history step: who did what (QuaTrinhXuLy). The system acts as "Hệ thống" with no role.</summary>
public sealed record Step(string? Actor, string? Role, string? Department, string? Content, DossierApology? Apology = null)
{
    /// <summary>A step the system takes by itself (a payment arrived, the clock scan refused a dossier).</summary>
    public static Step System(string content) => new("Hệ thống / System", null, null, content);
}

/// <summary>
/// The store of dossiers for every writer (submission, officers' actions, apologies, payments, the clock scan). It decides
/// nothing: it persists the state a decision (<see cref="DossierDecisions"/>) computed — each change one conditional UPDATE
/// on the row version — and appends the events that decision raised, in the caller's transaction.
/// </summary>
public static class DossierRecords
{
    private const string Columns = """
        code, version, status, sequence, channel, submitted_at AS SubmittedAt, processing_amount AS Amount, processing_unit AS Unit,
        received_at AS ReceivedAt, appointment_at AS AppointmentAt, original_appointment_at AS OriginalAppointmentAt,
        paused_at AS PausedAt, paused_seconds AS PausedSeconds, supplement_requests AS SupplementRequests,
        receiving_unit AS ReceivingUnit, deciding_agency AS DecidingAgency, procedure_code AS ProcedureCode,
        supplements, results, return_channel AS ReturnChannel, late_reception AS LateReception, paid_online AS PaidOnline,
        completion_requested_at AS CompletionRequestedAt, completion_due_at AS CompletionDueAt, completed_at AS CompletedAt,
        fees_vnd AS FeesVnd, fee_paid AS FeePaid, fee_waived AS FeeWaived, due_at AS DueAt, at_risk_at AS AtRiskAt,
        reception_due_at AS ReceptionDueAt, ended_at AS EndedAt, apologies
        """;

    /// <summary>
    /// The agency-isolation condition of every desk query on <c>dossiers</c> (parameters <c>@all</c>, <c>@agency</c>): the
    /// caller's agency received or decides the dossier, or the caller sees all. Anything else reads as unknown (404).
    /// </summary>
    public const string VisibleToCaller = "(@all OR receiving_unit = @agency OR deciding_agency = @agency)";

    /// <summary>The dossier if <paramref name="agency"/> received or decides it (or <paramref name="all"/>); else null, like unknown.</summary>
    public static async Task<DossierRecord?> LoadAsync(NpgsqlTransaction tx, string code, string? agency, bool all, CancellationToken ct)
    {
        var row = await tx.Connection!.QuerySingleOrDefaultAsync<Row>(new CommandDefinition($"""
            SELECT {Columns} FROM dossiers
            WHERE code = @code AND {VisibleToCaller}
            """, new { code, agency, all }, tx, cancellationToken: ct));
        return row?.ToRecord();
    }

    /// <summary>
    /// Records a submitted dossier (<see cref="DossierDecisions.Submit"/>) with what the receipt (form 01) and the public
    /// lookup need, and appends its first event. False when the dossier was already recorded (under another message id):
    /// then nothing is appended.
    /// </summary>
    public static async Task<bool> InsertAsync(NpgsqlTransaction tx, DossierChange submitted, DossierSubmitted message,
        IEnumerable<ReceivedDocument> documents, string? lookupHash, CancellationToken ct)
    {
        var (d, clock) = (submitted.After, submitted.After.Clock);
        var inserted = await tx.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO dossiers (code, procedure_code, receiving_unit, channel, status, sequence, submitted_at, updated_at,
                                  deciding_agency, processing_amount, processing_unit, procedure_name, procedure_version,
                                  applicant_name, documents, lookup_hash, reception_due_at, fees_vnd, receiving_unit_name, fees)
            VALUES (@Code, @ProcedureCode, @ReceivingUnit, @Channel, @Status, @Sequence, @SubmittedAt, @SubmittedAt, @DecidingAgency, @amount,
                    @unit, @ProcedureName, @ProcedureVersion, @ApplicantName, @documents::jsonb, @lookupHash, @ReceptionDueAt, @FeesVnd,
                    @ReceivingUnitName, @fees::jsonb)
            ON CONFLICT (code) DO NOTHING
            """, new
            {
                d.Code, d.ProcedureCode, d.ReceivingUnit, Channel = (short)clock.Channel, Status = (short)clock.Status, clock.Sequence,
                SubmittedAt = clock.SubmittedAt.ToUniversalTime(), d.DecidingAgency, amount = clock.Term?.Amount, unit = clock.Term?.Unit,
                message.ProcedureName, message.ProcedureVersion, message.ApplicantName,
                documents = JsonSerializer.Serialize(documents, MessageJson.Options), lookupHash, d.Moments.ReceptionDueAt, clock.FeesVnd,
                message.ReceivingUnitName, fees = message.Fees is null ? null : JsonSerializer.Serialize(message.Fees, MessageJson.Options),
            }, tx, cancellationToken: ct));
        if (inserted == 0) return false;
        await AppendAsync(tx, submitted.Events, ct);
        return true;
    }

    /// <summary>
    /// Saves <paramref name="change"/> if nobody changed the dossier since it was loaded (false otherwise: nothing is
    /// written), then appends its events.
    /// </summary>
    public static async Task<bool> SaveAsync(NpgsqlTransaction tx, DossierChange change, DateTimeOffset now, CancellationToken ct)
    {
        var (record, after, moments) = (change.After, change.After.Clock, change.After.Moments);
        var updated = await tx.Connection!.ExecuteAsync(new CommandDefinition("""
            UPDATE dossiers SET status = @Status, sequence = @Sequence, updated_at = @now, received_at = @ReceivedAt,
                appointment_at = @AppointmentAt, original_appointment_at = @OriginalAppointmentAt, paused_at = @PausedAt,
                paused_seconds = @PausedSeconds, supplement_requests = @SupplementRequests, version = version + 1,
                ended_at = @EndedAt, supplements = @supplements::jsonb, results = @results::jsonb, return_channel = @ReturnChannel,
                late_reception = @LateReception, paid_online = @PaidOnline, completion_requested_at = @CompletionRequestedAt,
                completion_due_at = @CompletionDueAt, completed_at = @CompletedAt, fee_paid = @FeePaid, fee_waived = @FeeWaived,
                -- Relative, not absolute: the clock scan raises warnings without moving the version.
                at_risk_raised_at = CASE WHEN @RearmAtRisk THEN NULL ELSE at_risk_raised_at END,
                overdue_raised_at = CASE WHEN @RearmOverdue THEN NULL ELSE overdue_raised_at END,
                due_at = @DueAt, at_risk_at = @AtRiskAt, apologies = @Apologies
            WHERE code = @code AND version = @version
            """, new
            {
                code = record.Code, version = record.Version, now, Status = (short)after.Status, after.Sequence,
                ReceivedAt = after.ReceivedAt?.ToUniversalTime(), AppointmentAt = after.AppointmentAt?.ToUniversalTime(),
                OriginalAppointmentAt = after.OriginalAppointmentAt?.ToUniversalTime(), PausedAt = after.PausedAt?.ToUniversalTime(),
                after.PausedSeconds, after.SupplementRequests, EndedAt = moments.EndedAt?.ToUniversalTime(),
                supplements = JsonSerializer.Serialize(after.Supplements, MessageJson.Options),
                results = JsonSerializer.Serialize(after.Results, MessageJson.Options),
                ReturnChannel = (short?)after.ReturnChannel, after.LateReception, PaidOnline = (short?)after.PaidOnline,
                CompletionRequestedAt = after.CompletionRequestedAt?.ToUniversalTime(), CompletionDueAt = after.CompletionDueAt?.ToUniversalTime(),
                CompletedAt = after.CompletedAt?.ToUniversalTime(), after.FeePaid, after.FeeWaived, change.RearmAtRisk, change.RearmOverdue,
                DueAt = moments.DueAt?.ToUniversalTime(), AtRiskAt = moments.AtRiskAt?.ToUniversalTime(), moments.Apologies,
            }, tx, cancellationToken: ct));
        if (updated == 0) return false;
        await AppendAsync(tx, change.Events, ct);
        return true;
    }

    /// <summary>
    /// Claims up to <paramref name="batch"/> dossiers whose <paramref name="warning"/> moment came and is not raised yet
    /// (<see cref="Deadlines.ClockRuns"/>; the partial indexes hold just those). Locked with SKIP LOCKED, so scans running
    /// at once claim different dossiers.
    /// </summary>
    public static async Task<List<DueDossier>> ClaimDueAsync(NpgsqlTransaction tx, ClockWarning warning, DateTimeOffset now, int batch,
        CancellationToken ct)
    {
        var (flag, moment) = Flag(warning);
        return [.. await tx.Connection!.QueryAsync<DueDossier>(new CommandDefinition($"""
            SELECT code, due_at AS DueAt, receiving_unit AS ReceivingUnit, deciding_agency AS DecidingAgency, procedure_code AS ProcedureCode
            FROM dossiers
            WHERE {flag} IS NULL AND {Deadlines.ClockRuns} AND {moment} <= @now
            ORDER BY {moment} LIMIT @batch FOR UPDATE SKIP LOCKED
            """, new { now, batch }, tx, cancellationToken: ct))];
    }

    /// <summary>Marks the warnings raised (the version does not move: no officer's action conflicts with a warning) and appends their events.</summary>
    public static async Task RaiseAsync(NpgsqlTransaction tx, ClockWarning warning, IReadOnlyList<WarningRaised> raised, CancellationToken ct)
    {
        if (raised.Count == 0) return;
        var (flag, _) = Flag(warning);
        await tx.Connection!.ExecuteAsync(new CommandDefinition($"""
            UPDATE dossiers d SET {flag} = r.raised_at
            FROM unnest(@codes, @raisedAt) AS r(code, raised_at) WHERE d.code = r.code
            """, new { codes = raised.Select(r => r.Code).ToArray(), raisedAt = raised.Select(r => r.RaisedAt.ToUniversalTime()).ToArray() },
            tx, cancellationToken: ct));
        // A batch's events go to the outbox in one statement per type, not a round trip each.
        await Outbox.PublishManyAsync(tx, [.. raised.Select(r => r.Event).OfType<DossierAtRisk>()], ct);
        await Outbox.PublishManyAsync(tx, [.. raised.Select(r => r.Event).OfType<DossierOverdue>()], ct);
    }

    private static (string Flag, string Moment) Flag(ClockWarning warning) => warning == ClockWarning.AtRisk
        ? ("at_risk_raised_at", "at_risk_at") : ("overdue_raised_at", "due_at");

    /// <summary>
    /// Appends a decision's events in order: a status event is a history step (<see cref="DossierHistory"/>); an apology
    /// is kept in <c>apologies</c> as well; the narrow announcements (<see cref="NarrowAnnouncements"/>) only go out; all
    /// through the outbox.
    /// </summary>
    private static async Task AppendAsync(NpgsqlTransaction tx, IReadOnlyList<object> events, CancellationToken ct)
    {
        foreach (var e in events)
            switch (e)
            {
                case DossierStatusChanged status:
                    await DossierHistory.AppendAsync(tx, status, ct);
                    break;
                case ApologyIssued apology:
                    await tx.Connection!.ExecuteAsync(new CommandDefinition("""
                        INSERT INTO apologies (dossier_code, sequence, issued_at, due_at, new_appointment_at, reason, signed_by, on_time)
                        VALUES (@DossierCode, @Sequence, @issuedAt, @dueAt, @newDate, @Reason, @SignedBy, @OnTime)
                        """, new
                        {
                            apology.DossierCode, apology.Sequence, issuedAt = apology.IssuedAt.ToUniversalTime(), dueAt = apology.DueAt.ToUniversalTime(),
                            newDate = apology.NewAppointmentAt.ToUniversalTime(), apology.Reason, apology.SignedBy, apology.OnTime,
                        }, tx, cancellationToken: ct));
                    await Outbox.PublishAsync(tx, apology, ct);
                    break;
                case FeeBearingStatusChanged fees:
                    await Outbox.PublishAsync(tx, fees, ct);
                    break;
                case ElectronicResultsReturned results:
                    await Outbox.PublishAsync(tx, results, ct);
                    break;
                default:
                    throw new InvalidOperationException($"Processing does not announce {e.GetType().Name}");
            }
    }

    private sealed record Row(string Code, int Version, short Status, long Sequence, short Channel, DateTimeOffset SubmittedAt, int? Amount,
        string? Unit, DateTimeOffset? ReceivedAt, DateTimeOffset? AppointmentAt, DateTimeOffset? OriginalAppointmentAt, DateTimeOffset? PausedAt,
        long PausedSeconds, int SupplementRequests, string ReceivingUnit, string? DecidingAgency, string ProcedureCode, string Supplements,
        string Results, short? ReturnChannel, bool LateReception, short? PaidOnline, DateTimeOffset? CompletionRequestedAt,
        DateTimeOffset? CompletionDueAt, DateTimeOffset? CompletedAt, long FeesVnd, bool FeePaid, bool FeeWaived, DateTimeOffset? DueAt,
        DateTimeOffset? AtRiskAt, DateTimeOffset? ReceptionDueAt, DateTimeOffset? EndedAt, int Apologies)
    {
        public DossierRecord ToRecord() => new(Code, Version, new DossierClock((DossierStatus)Status, Sequence, (SubmissionChannel)Channel,
            SubmittedAt, Amount is { } a && Unit is { } u ? new ProcessingTerm(a, u) : null, ReceivedAt, AppointmentAt, OriginalAppointmentAt,
            PausedAt, PausedSeconds, SupplementRequests)
        {
            Supplements = JsonSerializer.Deserialize<List<SupplementRound>>(Supplements, MessageJson.Options) ?? [],
            Results = JsonSerializer.Deserialize<List<ResultDocument>>(Results, MessageJson.Options) ?? [],
            ReturnChannel = (SubmissionChannel?)ReturnChannel,
            LateReception = LateReception,
            PaidOnline = PaidOnline,
            CompletionRequestedAt = CompletionRequestedAt,
            CompletionDueAt = CompletionDueAt,
            CompletedAt = CompletedAt,
            FeesVnd = FeesVnd,
            FeePaid = FeePaid,
            FeeWaived = FeeWaived,
        }, ReceivingUnit, DecidingAgency, ProcedureCode, new DossierMoments(DueAt, AtRiskAt, ReceptionDueAt, EndedAt, Apologies));
    }
}

/// <summary>Clock settings (section "Clock"): the at-risk lead time, the completion period, the scan's pace.</summary>
public sealed class ClockSettings
{
    public const string Section = "Clock";

    /// <summary>DossierAtRisk is raised this many working days before the due moment.</summary>
    public int AtRiskLeadWorkingDays { get; set; } = 1;

    /// <summary>Working days the applicant has to complete a dossier after form 02 (local choice; the decree leaves it to the agency).</summary>
    public int CompletionWorkingDays { get; set; } = 5;

    /// <summary>How often the scan runs, and how many dossiers it takes per batch.</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromSeconds(30);
    public int ScanBatch { get; set; } = 500;
}

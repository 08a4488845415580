using System.Text.Json;
using Dapper;
using Npgsql;
using Procedures.Calendar;
using Procedures.Contracts;
using Procedures.Messaging;
using Procedures.Messaging.Outbox;

namespace Procedures.Processing.Dossiers;

/// <summary>A dossier as stored: its clock plus what routes and describes it.</summary>
public sealed record DossierRecord(string Code, long Version, DossierClock Clock, string ReceivingUnit, string? DecidingAgency,
    string ProcedureCode);

/// <summary>One history step: who did what (QuaTrinhXuLy). The system acts as "Hệ thống" with no role.</summary>
public sealed record Step(string? Actor, string? Role, string? Department, string? Content, DossierApology? Apology = null);

/// <summary>
/// Loads and saves dossiers for every writer (officers' actions, apologies, Payment's confirmation, the clock scan),
/// so each change is one conditional UPDATE on the row version, plus — when the sequence moves — a history row and
/// DossierStatusChanged in the same transaction.
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
        fees_vnd AS FeesVnd, fee_paid AS FeePaid, fee_waived AS FeeWaived
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
    /// Saves <paramref name="after"/> if nobody changed the dossier since it was loaded (false otherwise). When the sequence
    /// moved, appends the history row and publishes DossierStatusChanged with the facts downstream needs.
    /// </summary>
    public static async Task<bool> SaveAsync(NpgsqlTransaction tx, DossierRecord record, DossierClock after, Step step, DateTimeOffset now,
        WorkingCalendar calendar, ClockSettings settings, CancellationToken ct)
    {
        var before = record.Clock;
        var dueAt = after.DueAt?.ToUniversalTime();
        var atRiskAt = Deadlines.AtRiskAt(dueAt, calendar, settings);
        var updated = await tx.Connection!.ExecuteAsync(new CommandDefinition("""
            UPDATE dossiers SET status = @Status, sequence = @Sequence, updated_at = @now, received_at = @ReceivedAt,
                appointment_at = @AppointmentAt, original_appointment_at = @OriginalAppointmentAt, paused_at = @PausedAt,
                paused_seconds = @PausedSeconds, supplement_requests = @SupplementRequests, version = version + 1,
                ended_at = CASE WHEN @Status IN (3, 7, 8, 9, 10) AND ended_at IS NULL THEN @now ELSE ended_at END,
                supplements = @supplements::jsonb, results = @results::jsonb, return_channel = @ReturnChannel,
                late_reception = @LateReception, paid_online = @PaidOnline, completion_requested_at = @CompletionRequestedAt,
                completion_due_at = @CompletionDueAt, completed_at = @CompletedAt, fee_paid = @FeePaid, fee_waived = @FeeWaived,
                -- A due moment that moved later (a pause ended) re-arms the warnings that have not come true yet.
                at_risk_raised_at = CASE WHEN @atRiskAt IS DISTINCT FROM at_risk_at AND @atRiskAt > @now THEN NULL ELSE at_risk_raised_at END,
                overdue_raised_at = CASE WHEN @dueAt IS DISTINCT FROM due_at AND @dueAt > @now THEN NULL ELSE overdue_raised_at END,
                due_at = @dueAt, at_risk_at = @atRiskAt,
                apologies = apologies + CASE WHEN @apology THEN 1 ELSE 0 END
            WHERE code = @code AND version = @version
            """, new
            {
                code = record.Code, version = record.Version, now, Status = (short)after.Status, after.Sequence,
                ReceivedAt = after.ReceivedAt?.ToUniversalTime(), AppointmentAt = after.AppointmentAt?.ToUniversalTime(),
                OriginalAppointmentAt = after.OriginalAppointmentAt?.ToUniversalTime(), PausedAt = after.PausedAt?.ToUniversalTime(),
                after.PausedSeconds, after.SupplementRequests,
                supplements = JsonSerializer.Serialize(after.Supplements, MessageJson.Options),
                results = JsonSerializer.Serialize(after.Results, MessageJson.Options),
                ReturnChannel = (short?)after.ReturnChannel, after.LateReception, PaidOnline = (short?)after.PaidOnline,
                CompletionRequestedAt = after.CompletionRequestedAt?.ToUniversalTime(), CompletionDueAt = after.CompletionDueAt?.ToUniversalTime(),
                CompletedAt = after.CompletedAt?.ToUniversalTime(), after.FeePaid, after.FeeWaived, dueAt, atRiskAt, apology = step.Apology is not null,
            }, tx, cancellationToken: ct));
        if (updated == 0) return false;
        if (after.Sequence == before.Sequence) return true;

        await DossierHistory.AppendAsync(tx, new DossierStatusChanged(record.Code, after.Sequence, after.Status, now, step.Content,
            after.AppointmentAt, after.OriginalAppointmentAt, after.SupplementRequests, step.Actor, step.Role, step.Department,
            record.ReceivingUnit, record.DecidingAgency, after.ReceivedAt, after.PausedSeconds, after.Supplements, after.Results,
            after.PaidOnline, after.LateReception, after.ReturnChannel, record.ProcedureCode, step.Apology,
            CompletionRequest(before, after)), ct);
        return true;
    }

    /// <summary>Form 02 facts when this change is the completion request (it sets the request time the dossier lacked).</summary>
    internal static DossierCompletionRequest? CompletionRequest(DossierClock before, DossierClock after)
        => before.CompletionRequestedAt is null && after is { CompletionRequestedAt: not null, CompletionDueAt: { } due }
            ? new DossierCompletionRequest(due) : null;

    private sealed record Row(string Code, int Version, short Status, long Sequence, short Channel, DateTimeOffset SubmittedAt, int? Amount,
        string? Unit, DateTimeOffset? ReceivedAt, DateTimeOffset? AppointmentAt, DateTimeOffset? OriginalAppointmentAt, DateTimeOffset? PausedAt,
        long PausedSeconds, int SupplementRequests, string ReceivingUnit, string? DecidingAgency, string ProcedureCode, string Supplements,
        string Results, short? ReturnChannel, bool LateReception, short? PaidOnline, DateTimeOffset? CompletionRequestedAt,
        DateTimeOffset? CompletionDueAt, DateTimeOffset? CompletedAt, long FeesVnd, bool FeePaid, bool FeeWaived)
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
        }, ReceivingUnit, DecidingAgency, ProcedureCode);
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

using Procedures.Calendar;
using Procedures.Contracts;

namespace Procedures.Processing.Dossiers;

/// <summary>
/// Every decision on a stored dossier, pure: submission, officers' actions, apologies, payments, the clock scan's refusals
/// and warnings. Each returns the dossier after it with the moments kept beside the clock (legal due moment, at-risk
/// moment, end of processing), and the events it raises; <see cref="DossierRecords"/> only persists the one and appends
/// the others, in one transaction. The legal rules themselves are <see cref="Lifecycle"/>'s; this class turns their
/// verdict into what is stored and announced, so every writer stores and announces a change the same way.
/// </summary>
public static class DossierDecisions
{
    /// <summary>The first step of every dossier: status 1, sequence 1, at the moment it was submitted.</summary>
    public static DossierChange Submit(DossierSubmitted message, WorkingCalendar calendar)
    {
        var clock = new DossierClock(DossierStatus.Submitted, 1, message.Channel, message.SubmittedAt, message.ProcessingTime, null, null, null,
            null, 0, 0) { FeesVnd = (message.Fees ?? []).Sum(f => f.AmountVnd) };
        var deciding = message.DecidingAgency ?? message.ReceivingUnit;
        var moments = new DossierMoments(null, null, Lifecycle.ReceptionDue(clock, calendar), null, 0);
        var record = new DossierRecord(message.DossierCode, 0, clock, message.ReceivingUnit, deciding, message.ProcedureCode, moments);
        const string content = "Tiếp nhận hồ sơ nộp mới / Dossier submitted";
        // The first event says only what is known at submission; the clock's facts come with the later steps.
        return new DossierChange(record, NarrowAnnouncements.WithStep(new DossierStatusChanged(message.DossierCode, clock.Sequence, clock.Status,
            message.SubmittedAt, content, ReceivingUnit: message.ReceivingUnit, DecidingAgency: deciding, ProcedureCode: message.ProcedureCode),
            clock.FeesVnd));
    }

    /// <summary>An officer's action (<see cref="Lifecycle.Decide(DossierClock, DossierAction, DateTimeOffset, WorkingCalendar, ActionDetails?)"/>).</summary>
    public static Decision Decide(DossierRecord record, DossierAction action, Step step, DateTimeOffset now, WorkingCalendar calendar,
        ClockSettings settings, ActionDetails? details = null)
        => Take(record, Lifecycle.Decide(record.Clock, action, now, calendar, details), step, now, calendar, settings);

    /// <summary>
    /// The change a verdict of <see cref="Lifecycle"/> on <paramref name="record"/>'s clock makes, when accepted; a refusal
    /// is returned as it is.
    /// </summary>
    public static Decision Take(DossierRecord record, Decision verdict, Step step, DateTimeOffset now, WorkingCalendar calendar,
        ClockSettings settings)
        => verdict.Accepted ? verdict with { Change = Change(record, verdict.After!, step, now, calendar, settings) } : verdict;

    /// <summary>
    /// Form 04 (<see cref="Lifecycle.Apologize"/>): the status event carries the apology, and ApologyIssued follows it with
    /// the legal due moment as of now (an apology never moves it) and whether it came in time. The step's content is the
    /// reason for the delay.
    /// </summary>
    public static Decision Apologize(DossierRecord record, Step step, string signedBy, DateTimeOffset newAppointmentAt, DateTimeOffset now,
        WorkingCalendar calendar, ClockSettings settings)
    {
        var (verdict, onTime) = Lifecycle.Apologize(record.Clock, now, newAppointmentAt, calendar);
        if (!verdict.Accepted) return verdict;
        var reason = step.Content!;
        var dueAt = record.Clock.DueAtAsOf(now)!.Value.ToUniversalTime();
        var change = Change(record, verdict.After!, step with { Apology = new DossierApology(reason, signedBy, newAppointmentAt, onTime) },
            now, calendar, settings);
        var after = change.After with { Moments = change.After.Moments with { Apologies = change.After.Moments.Apologies + 1 } };
        var issued = new ApologyIssued(record.Code, after.Clock.Sequence, now, dueAt, newAppointmentAt, reason, signedBy, onTime,
            record.ReceivingUnit, record.DecidingAgency);
        return verdict with { Change = change with { After = after, Events = [.. change.Events, issued] } };
    }

    /// <summary>
    /// A fee was paid, online (<paramref name="paidOnline"/>, DuocThanhToanTrucTuyen) or at the desk (null: an earlier flag
    /// stays): the fee is paid in any status, and a dossier waiting for it (6) returns to processing (4) as a step of its
    /// own. Paid in another status, nothing is announced: the next status event carries the flag.
    /// </summary>
    public static DossierChange Paid(DossierRecord record, int? paidOnline, string content, DateTimeOffset now, WorkingCalendar calendar,
        ClockSettings settings)
    {
        var clock = record.Clock with { PaidOnline = paidOnline ?? record.Clock.PaidOnline, FeePaid = true };
        if (clock.Status == DossierStatus.AwaitingPayment)
            clock = Lifecycle.Decide(clock, DossierAction.PaymentConfirmed, now, calendar).After!;
        return Change(record, clock, Step.System(content), now, calendar, settings);
    }

    /// <summary>Form 02's consequence: the completion asked for did not come in time, so the dossier is refused (→3); else null.</summary>
    public static DossierChange? RefuseUncompleted(DossierRecord record, DateTimeOffset now, WorkingCalendar calendar, ClockSettings settings)
    {
        if (!Lifecycle.CompletionExpired(record.Clock, now)) return null;
        var refused = Lifecycle.Decide(record.Clock, DossierAction.Refuse, now, calendar).After!;
        return Change(record, refused, Step.System(
            "Từ chối tiếp nhận: hồ sơ không được bổ sung, hoàn thiện trong thời hạn / Refused: not completed by the date given (form 02)"),
            now, calendar, settings);
    }

    /// <summary>
    /// The clock scan found <paramref name="dossier"/>'s warning moment come (<see cref="Deadlines.AtRisk"/>'s and
    /// <see cref="Deadlines.Overdue"/>'s moments): the warning is raised now, with the legal due moment it warns of.
    /// </summary>
    public static WarningRaised Warn(DueDossier dossier, ClockWarning warning, DateTimeOffset now) => new(dossier.Code, now, warning switch
    {
        ClockWarning.AtRisk => new DossierAtRisk(dossier.Code, dossier.DueAt, dossier.ReceivingUnit, dossier.DecidingAgency, dossier.ProcedureCode, now),
        _ => new DossierOverdue(dossier.Code, dossier.DueAt, dossier.ReceivingUnit, dossier.DecidingAgency, dossier.ProcedureCode, now),
    });

    /// <summary>
    /// The dossier with <paramref name="after"/> as its clock, its moments recomputed, and — when the sequence moved — the
    /// status event with the facts downstream needs (the portal's record, the index, the public stream).
    /// </summary>
    private static DossierChange Change(DossierRecord record, DossierClock after, Step step, DateTimeOffset now, WorkingCalendar calendar,
        ClockSettings settings)
    {
        var before = record.Moments;
        var dueAt = after.DueAt?.ToUniversalTime();
        var atRiskAt = Deadlines.AtRiskAt(dueAt, calendar, settings);
        var moments = before with
        {
            DueAt = dueAt, AtRiskAt = atRiskAt,
            // Processing meets the statuses in order and only 9 leads on (to 10), so the first ending status it reaches is
            // the one DossierStatusRules.EndOfProcessing names: it is stamped once and kept.
            EndedAt = before.EndedAt ?? (DossierStatusRules.Ends(after.Status) ? now : null),
        };
        IReadOnlyList<object> events = after.Sequence == record.Clock.Sequence ? [] : NarrowAnnouncements.WithStep(
            new DossierStatusChanged(record.Code, after.Sequence, after.Status, now, step.Content, after.AppointmentAt, after.OriginalAppointmentAt,
                after.SupplementRequests, step.Actor, step.Role, step.Department, record.ReceivingUnit, record.DecidingAgency, after.ReceivedAt,
                after.PausedSeconds, after.Supplements, after.Results, after.PaidOnline, after.LateReception, after.ReturnChannel,
                record.ProcedureCode, step.Apology, CompletionRequest(record.Clock, after)), after.FeesVnd);
        // A due moment that moved later re-arms the warnings that have not come true yet.
        return new DossierChange(record with { Clock = after, Moments = moments }, events,
            RearmAtRisk: atRiskAt != before.AtRiskAt && atRiskAt > now, RearmOverdue: dueAt != before.DueAt && dueAt > now);
    }

    /// <summary>Form 02 facts when this change is the completion request (it sets the request time the dossier lacked).</summary>
    private static DossierCompletionRequest? CompletionRequest(DossierClock before, DossierClock after)
        => before.CompletionRequestedAt is null && after is { CompletionRequestedAt: not null, CompletionDueAt: { } due }
            ? new DossierCompletionRequest(due) : null;
}

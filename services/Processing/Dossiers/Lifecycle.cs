using Procedures.Calendar;
using Procedures.Contracts;
using Procedures.ServiceDefaults;

namespace Procedures.Processing.Dossiers;

/// <summary>An officer's action on a dossier, named as in the API (…/actions/{name}).</summary>
public enum DossierAction
{
    Accept, Refuse, StartProcessing, RequestSupplement, SupplementReceived, RequestPayment, PaymentConfirmed, Stop, Decide,
    ReturnResult, Withdraw,
}

/// <summary>The legal clock of one dossier, as Processing stores it.</summary>
public sealed record DossierClock(
    DossierStatus Status, long Sequence, SubmissionChannel Channel, DateTimeOffset SubmittedAt, ProcessingTerm? Term,
    DateTimeOffset? ReceivedAt, DateTimeOffset? AppointmentAt, DateTimeOffset? OriginalAppointmentAt, DateTimeOffset? PausedAt,
    long PausedSeconds, int SupplementRequests)
{
    public IReadOnlyList<SupplementRound> Supplements { get; init; } = [];
    public IReadOnlyList<ResultDocument> Results { get; init; } = [];
    public SubmissionChannel? ReturnChannel { get; init; }
    public bool LateReception { get; init; }
    public int? PaidOnline { get; init; }
    public DateTimeOffset? CompletionRequestedAt { get; init; }
    public DateTimeOffset? CompletionDueAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>The total of the procedure version's fees (whole VND), as submitted; 0 for a procedure without fees.</summary>
    public long FeesVnd { get; init; }
    /// <summary>The fee was paid (online or at the desk).</summary>
    public bool FeePaid { get; init; }
    /// <summary>An officer waived the fee, with a reason (kept in the history and the audit log).</summary>
    public bool FeeWaived { get; init; }

    /// <summary>A fee is due: the dossier has fees, and they are neither paid nor waived.</summary>
    public bool FeeDue => FeesVnd > 0 && !FeePaid && !FeeWaived;

    /// <summary>
    /// The legal due moment the national index judges by: the original appointment date plus the completed
    /// supplementation pauses (docs/domain.md#two-dates). An apology's new date never moves it.
    /// </summary>
    public DateTimeOffset? DueAt => OriginalAppointmentAt?.AddSeconds(PausedSeconds);

    /// <summary>The due moment as of <paramref name="now"/>: a running pause pushes it on by the time paused so far.</summary>
    public DateTimeOffset? DueAtAsOf(DateTimeOffset now) => DueAt + (PausedAt is { } p && now > p ? now - p : TimeSpan.Zero);
}

/// <summary>What some actions carry besides the officer's text: results of a decision, the channel a result is returned by.</summary>
public sealed record ActionDetails(IReadOnlyList<ResultDocument>? Results = null, SubmissionChannel? ReturnChannel = null);

/// <summary>The outcome of a legal action: the clock after it, or why it is refused.</summary>
public sealed record Decision(DossierClock? After, string? ProblemType, string? Detail, IReadOnlyList<DossierStatus> Allowed)
{
    public bool Accepted => After is not null;

    /// <summary>When the refusal is bad input rather than the dossier's state: each field and the rule it broke (a 400).</summary>
    public IReadOnlyList<FieldError> Invalid { get; init; } = [];
}

/// <summary>
/// The dossier state machine: docs/domain.md#transitions, 1→2|3; 2→4|7; 4→5|6|8|9|7; 5→4|8|3; 6→4; 9→10, with no dead ends (issue 21):
/// 1→7 (the applicant withdraws before reception) and 6→7|8 (withdrawn or stopped while the fee is awaited). Beside the
/// table, two fee rules: payment is asked for (→6) only while a fee is due, and a fee-bearing dossier is decided (→9)
/// only once its fee is paid or waived. docs/lifecycle.md documents the table; a test checks the two agree. Pure: time
/// and the calendar are inputs, so every rule is tested without a database.
/// </summary>
public static class Lifecycle
{
    public static readonly IReadOnlyDictionary<DossierStatus, DossierStatus[]> Transitions = new Dictionary<DossierStatus, DossierStatus[]>
    {
        [DossierStatus.Submitted] = [DossierStatus.Received, DossierStatus.Refused, DossierStatus.Withdrawn],
        [DossierStatus.Received] = [DossierStatus.InProcessing, DossierStatus.Withdrawn],
        [DossierStatus.InProcessing] = [DossierStatus.SupplementRequested, DossierStatus.AwaitingPayment, DossierStatus.Stopped, DossierStatus.Decided, DossierStatus.Withdrawn],
        [DossierStatus.SupplementRequested] = [DossierStatus.InProcessing, DossierStatus.Stopped, DossierStatus.Refused],
        [DossierStatus.AwaitingPayment] = [DossierStatus.InProcessing, DossierStatus.Stopped, DossierStatus.Withdrawn],
        [DossierStatus.Decided] = [DossierStatus.Returned],
    };

    public static DossierStatus Target(DossierAction action) => action switch
    {
        DossierAction.Accept => DossierStatus.Received,
        DossierAction.Refuse => DossierStatus.Refused,
        DossierAction.StartProcessing or DossierAction.SupplementReceived or DossierAction.PaymentConfirmed => DossierStatus.InProcessing,
        DossierAction.RequestSupplement => DossierStatus.SupplementRequested,
        DossierAction.RequestPayment => DossierStatus.AwaitingPayment,
        DossierAction.Stop => DossierStatus.Stopped,
        DossierAction.Decide => DossierStatus.Decided,
        DossierAction.ReturnResult => DossierStatus.Returned,
        _ => DossierStatus.Withdrawn,
    };

    /// <summary>Which status an action must start from when the target alone is ambiguous (→4 has three sources).</summary>
    private static DossierStatus? RequiredSource(DossierAction action) => action switch
    {
        DossierAction.StartProcessing => DossierStatus.Received,
        DossierAction.SupplementReceived => DossierStatus.SupplementRequested,
        DossierAction.PaymentConfirmed => DossierStatus.AwaitingPayment,
        _ => null,
    };

    public static Decision Decide(DossierClock clock, DossierAction action, DateTimeOffset now, WorkingCalendar calendar,
        ActionDetails? details = null)
    {
        var allowed = Transitions.GetValueOrDefault(clock.Status, []);
        var target = Target(action);
        if (!allowed.Contains(target) || RequiredSource(action) is { } source && source != clock.Status)
            return new Decision(null, "illegal-transition",
                $"Status {(int)clock.Status} ({clock.Status}) does not allow {action}; allowed next statuses: {string.Join(", ", allowed.Select(a => (int)a))}",
                allowed);
        if (FeeRule(clock, action) is { } refused) return refused with { Allowed = allowed };

        var after = clock with { Status = target, Sequence = clock.Sequence + 1 };
        if (clock.Status == DossierStatus.Submitted)
            after = after with { LateReception = IsLateReception(clock, now, calendar) };
        switch (action)
        {
            case DossierAction.Accept:
                if (clock.Term is null)
                    return new Decision(null, "no-processing-time", "The procedure version has no published processing time", allowed);
                // Instants are kept in UTC inside the system; the calendar answers in Vietnam time.
                var due = calendar.DueAfter(now, clock.Term.Amount, DurationUnits.Parse(clock.Term.Unit)).ToUniversalTime();
                after = after with
                {
                    ReceivedAt = now, AppointmentAt = due, OriginalAppointmentAt = due,
                    CompletedAt = clock.CompletionRequestedAt is not null ? clock.CompletedAt ?? now : null,
                };
                break;
            case DossierAction.RequestSupplement:
                after = after with
                {
                    PausedAt = now, SupplementRequests = clock.SupplementRequests + 1,
                    Supplements = [.. clock.Supplements, new SupplementRound(now, null, clock.AppointmentAt, null)],
                };
                break;
            case DossierAction.SupplementReceived:
                // Two measures of one pause (docs/domain.md#two-dates): the citizen-facing date moves by the working time
                // paused, on the working calendar, so it stays inside office hours (a pause over a weekend or Tết gives back
                // only the office hours it took); PausedSeconds keeps the elapsed time, which the national index subtracts.
                var elapsed = now - clock.PausedAt!.Value;
                var moved = clock.AppointmentAt is { } appointment
                    ? calendar.AddWorkingTime(appointment, calendar.WorkingTimeBetween(clock.PausedAt.Value, now)).ToUniversalTime()
                    : (DateTimeOffset?)null;
                after = after with
                {
                    PausedAt = null,
                    PausedSeconds = clock.PausedSeconds + (long)elapsed.TotalSeconds,
                    AppointmentAt = moved,
                    Supplements = clock.Supplements is [.., { ReceivedAt: null } open]
                        ? [.. clock.Supplements.SkipLast(1), open with { ReceivedAt = now, NewAppointmentAt = moved }]
                        : [.. clock.Supplements, new SupplementRound(clock.PausedAt.Value, now, clock.AppointmentAt, moved)],
                };
                break;
            case DossierAction.Decide:
                after = after with { Results = details?.Results ?? [] };
                break;
            case DossierAction.ReturnResult:
                after = after with { ReturnChannel = details?.ReturnChannel ?? clock.Channel };
                break;
        }
        return new Decision(after, null, null, allowed);
    }

    /// <summary>
    /// The fee rules (issue 21): payment is asked for only while a fee is due (a procedure without fees, or a fee already
    /// paid or waived, would leave the dossier waiting at 6 for a payment that never comes); a dossier with a fee due is
    /// not decided (the fee is paid online, at the desk, or waived first).
    /// </summary>
    private static Decision? FeeRule(DossierClock clock, DossierAction action) => action switch
    {
        DossierAction.RequestPayment when !clock.FeeDue => new Decision(null, "no-fees-due",
            clock.FeesVnd == 0
                ? "Payment is asked for only when a fee is due; the dossier's procedure has no fees"
                : "Payment is asked for only when a fee is due; the dossier's fee is already paid or waived", []),
        DossierAction.Decide when clock.FeeDue => new Decision(null, "fee-unpaid",
            $"A fee-bearing dossier is decided once its fee ({clock.FeesVnd} VND) is paid or waived; it is still due", []),
        _ => null,
    };

    /// <summary>
    /// An officer waives the fee due, with a reason (the step's content; the history and the audit log keep it). Allowed
    /// while the dossier is processed (4) or waits for the fee (6, which then returns to processing, as a payment would).
    /// The sequence moves, so the waiver is a history step of its own.
    /// </summary>
    public static Decision WaiveFee(DossierClock clock)
    {
        DossierStatus[] from = [DossierStatus.InProcessing, DossierStatus.AwaitingPayment];
        if (!from.Contains(clock.Status))
            return new Decision(null, "illegal-transition",
                $"A fee is waived while the dossier is processed or waits for payment (status 4 or 6); the dossier is at status {(int)clock.Status}", from);
        if (!clock.FeeDue)
            return new Decision(null, "no-fees-due", "No fee is due: the procedure has no fees, or the fee is already paid or waived", from);
        return new Decision(clock with { Status = DossierStatus.InProcessing, Sequence = clock.Sequence + 1, FeeWaived = true }, null, null, from);
    }

    /// <summary>
    /// An online dossier must be received (accepted or refused) within 1 working day of its submission
    /// (Decree 118 Art. 17–18); in-person dossiers are received at the desk as they are handed in.
    /// </summary>
    public static bool IsLateReception(DossierClock clock, DateTimeOffset now, WorkingCalendar calendar)
        => ReceptionDue(clock, calendar) is { } due && now > due;

    /// <summary>When an online dossier becomes late for reception; null for other channels.</summary>
    public static DateTimeOffset? ReceptionDue(DossierClock clock, WorkingCalendar calendar)
        => clock.Channel == SubmissionChannel.Online ? calendar.DueAfterWorkingDays(clock.SubmittedAt, 1).ToUniversalTime() : null;

    /// <summary>
    /// Form 02: before acceptance the desk may ask, once and in writing, for the dossier to be completed by a date
    /// <paramref name="workingDays"/> working days away; the dossier is refused if it is not completed by then.
    /// No status change: the dossier stays at 1; the sequence moves, so the step reaches the portal's history.
    /// </summary>
    public static Decision RequestCompletion(DossierClock clock, DateTimeOffset now, WorkingCalendar calendar, int workingDays)
    {
        if (clock.Status != DossierStatus.Submitted)
            return new Decision(null, "illegal-transition",
                $"Completion can be asked only before reception (status 1); the dossier is at status {(int)clock.Status}", []);
        if (clock.CompletionRequestedAt is not null)
            return new Decision(null, "completion-already-requested",
                "Completion guidance is given once, in writing; it was already asked for this dossier", []);
        return new Decision(clock with
        {
            Sequence = clock.Sequence + 1,
            CompletionRequestedAt = now,
            CompletionDueAt = calendar.DueAfterWorkingDays(now, workingDays).ToUniversalTime(),
        }, null, null, []);
    }

    /// <summary>The applicant completed the dossier as asked; the desk can now accept it.</summary>
    public static Decision CompletionReceived(DossierClock clock, DateTimeOffset now)
    {
        if (clock.Status != DossierStatus.Submitted || clock.CompletionRequestedAt is null || clock.CompletedAt is not null)
            return new Decision(null, "no-completion-pending", "No completion is pending for this dossier", []);
        if (now > clock.CompletionDueAt)
            return new Decision(null, "completion-too-late", $"The completion was due by {clock.CompletionDueAt:O}; the dossier is refused", []);
        return new Decision(clock with { CompletedAt = now }, null, null, []);
    }

    /// <summary>Whether the completion asked for was not delivered in time (the scan then refuses the dossier).</summary>
    public static bool CompletionExpired(DossierClock clock, DateTimeOffset now)
        => clock.Status == DossierStatus.Submitted && clock.CompletedAt is null && clock.CompletionDueAt is { } due && now > due;

    /// <summary>Statuses in which the clock runs or is paused, so an apology can still be owed.</summary>
    public static readonly DossierStatus[] Open =
        [DossierStatus.Received, DossierStatus.InProcessing, DossierStatus.SupplementRequested, DossierStatus.AwaitingPayment];

    /// <summary>
    /// Form 04: the agency apologises and sets a new appointment date. The status stays; the sequence moves (the portal
    /// and integrators must learn the new date). On time iff issued no later than the legal due moment (original
    /// appointment + pauses); a late apology is still recorded, but the dossier counts as non-compliant. A closed dossier
    /// is a conflict; a new date that is no working moment after the current one is bad input (<see cref="Decision.Invalid"/>).
    /// </summary>
    public static (Decision Decision, bool OnTime) Apologize(DossierClock clock, DateTimeOffset now, DateTimeOffset newAppointmentAt,
        WorkingCalendar calendar)
    {
        if (!Open.Contains(clock.Status))
            return (new Decision(null, "illegal-transition",
                $"An apology is issued for an open dossier (statuses 2, 4, 5, 6); the dossier is at status {(int)clock.Status}", Open), false);
        if (NewAppointmentErrors(clock, now, newAppointmentAt, calendar) is { Count: > 0 } errors)
            return (new Decision(null, "validation", string.Join("; ", errors.Select(e => e.En)), Open) { Invalid = errors }, false);
        var onTime = now <= clock.DueAtAsOf(now);
        return (new Decision(clock with { Sequence = clock.Sequence + 1, AppointmentAt = newAppointmentAt }, null, null, Open), onTime);
    }

    /// <summary>
    /// What a new appointment date must be: a working moment (inside office hours of a working day, since the citizen
    /// comes to the desk then) after the current appointment date, and after now when that has passed.
    /// </summary>
    public static IReadOnlyList<FieldError> NewAppointmentErrors(DossierClock clock, DateTimeOffset now, DateTimeOffset newAppointmentAt,
        WorkingCalendar calendar)
    {
        var errors = new List<FieldError>();
        if (!calendar.IsWorkingMoment(newAppointmentAt))
            errors.Add(new("newAppointmentAt", "not-a-working-moment",
                $"Ngày hẹn trả mới phải nằm trong giờ làm việc ({calendar.OfficeHours}) của một ngày làm việc",
                $"The new appointment date must fall inside office hours ({calendar.OfficeHours}) on a working day"));
        var floor = (clock.AppointmentAt > now ? clock.AppointmentAt.Value : now).ToOffset(WorkingCalendar.VietnamOffset);
        if (newAppointmentAt <= floor)
            errors.Add(new("newAppointmentAt", "not-after-appointment",
                $"Ngày hẹn trả mới phải sau ngày hẹn hiện tại và thời điểm hiện tại ({floor:yyyy-MM-dd HH:mm:ss zzz})",
                $"The new appointment date must be after the current appointment date and now ({floor:yyyy-MM-dd HH:mm:ss zzz})"));
        return errors;
    }

    /// <summary>The second and later supplementation requests count the dossier as overdue in the national index.</summary>
    public static bool CountsOverdueForSupplements(DossierClock clock) => clock.SupplementRequests > 1;
}

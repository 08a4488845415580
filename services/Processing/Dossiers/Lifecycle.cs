using Procedures.Calendar;
using Procedures.Contracts;

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
    long PausedSeconds, int SupplementRequests);

/// <summary>The outcome of a legal action: the clock after it, or why it is refused.</summary>
public sealed record Decision(DossierClock? After, string? ProblemType, string? Detail, IReadOnlyList<DossierStatus> Allowed)
{
    public bool Accepted => After is not null;
}

/// <summary>
/// The dossier state machine (DOMAIN.md): 1→2|3; 2→4|7; 4→5|6|8|9|7; 5→4|8|3; 6→4; 9→10. Pure: time and the
/// calendar are inputs, so every rule is tested without a database.
/// </summary>
public static class Lifecycle
{
    public static readonly IReadOnlyDictionary<DossierStatus, DossierStatus[]> Transitions = new Dictionary<DossierStatus, DossierStatus[]>
    {
        [DossierStatus.Submitted] = [DossierStatus.Received, DossierStatus.Refused],
        [DossierStatus.Received] = [DossierStatus.InProcessing, DossierStatus.Withdrawn],
        [DossierStatus.InProcessing] = [DossierStatus.SupplementRequested, DossierStatus.AwaitingPayment, DossierStatus.Stopped, DossierStatus.Decided, DossierStatus.Withdrawn],
        [DossierStatus.SupplementRequested] = [DossierStatus.InProcessing, DossierStatus.Stopped, DossierStatus.Refused],
        [DossierStatus.AwaitingPayment] = [DossierStatus.InProcessing],
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

    public static Decision Decide(DossierClock clock, DossierAction action, DateTimeOffset now, WorkingCalendar calendar)
    {
        var allowed = Transitions.GetValueOrDefault(clock.Status, []);
        var target = Target(action);
        if (!allowed.Contains(target) || RequiredSource(action) is { } source && source != clock.Status)
            return new Decision(null, "illegal-transition",
                $"Status {(int)clock.Status} ({clock.Status}) does not allow {action}; allowed next statuses: {string.Join(", ", allowed.Select(a => (int)a))}",
                allowed);

        var after = clock with { Status = target, Sequence = clock.Sequence + 1 };
        switch (action)
        {
            case DossierAction.Accept:
                if (clock.Term is null)
                    return new Decision(null, "no-processing-time", "The procedure version has no published processing time", allowed);
                // Instants are kept in UTC inside the system; the calendar answers in Vietnam time.
                var due = calendar.DueAfter(now, clock.Term.Amount, DurationUnits.Parse(clock.Term.Unit)).ToUniversalTime();
                after = after with { ReceivedAt = now, AppointmentAt = due, OriginalAppointmentAt = due };
                break;
            case DossierAction.RequestSupplement:
                after = after with { PausedAt = now, SupplementRequests = clock.SupplementRequests + 1 };
                break;
            case DossierAction.SupplementReceived:
                // The citizen-facing date moves by the pause (elapsed time); the original date stays for the index.
                var pause = now - clock.PausedAt!.Value;
                after = after with
                {
                    PausedAt = null,
                    PausedSeconds = clock.PausedSeconds + (long)pause.TotalSeconds,
                    AppointmentAt = clock.AppointmentAt + pause,
                };
                break;
        }
        return new Decision(after, null, null, allowed);
    }

    /// <summary>The second and later supplementation requests count the dossier as overdue in the national index.</summary>
    public static bool CountsOverdueForSupplements(DossierClock clock) => clock.SupplementRequests > 1;
}

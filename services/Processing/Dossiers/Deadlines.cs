using Procedures.Calendar;
using Procedures.Contracts;

namespace Procedures.Processing.Dossiers;

/// <summary>
/// The at-risk and overdue rule, written once. The clock scan raises DossierAtRisk and DossierOverdue by it, and the
/// agency's reads and lists (<see cref="DossierState"/>) filter and flag by it. The conditions are SQL over <c>dossiers</c>
/// with the parameter <c>@now</c>; <c>due_at</c> (the legal due moment) and <c>at_risk_at</c> are kept by every save.
/// </summary>
public static class Deadlines
{
    /// <summary>The legal clock runs: received, in processing, awaiting payment. A supplementation request (5) pauses it.</summary>
    public const string ClockRuns = "status IN (2, 4, 6)";

    /// <summary>Not finished: reaching an ending status (<see cref="DossierStatusRules.Ends"/>) sets <c>ended_at</c> (<see cref="DossierDecisions"/>).</summary>
    public const string Open = "ended_at IS NULL";

    /// <summary>The warning has come (<see cref="AtRiskAt"/>) and the due moment has not: the clock still runs.</summary>
    public const string AtRisk = $"({ClockRuns} AND at_risk_at <= @now AND due_at > @now)";

    /// <summary>
    /// Past the legal due moment and not finished: it stays overdue until decided (or otherwise ended), whatever apology
    /// moved the citizen's appointment. A pause holds the due moment off, so a dossier paused in time is not overdue while it
    /// waits for the applicant; one paused after its due moment already was, and stays so.
    /// </summary>
    public const string Overdue = $"({Open} AND due_at <= @now AND (paused_at IS NULL OR due_at <= paused_at))";

    /// <summary>When the warning comes: <see cref="ClockSettings.AtRiskLeadWorkingDays"/> working days before the due moment.</summary>
    public static DateTimeOffset? AtRiskAt(DateTimeOffset? dueAt, WorkingCalendar calendar, ClockSettings settings)
        => dueAt is { } d ? calendar.WorkingDaysBefore(d, settings.AtRiskLeadWorkingDays).ToUniversalTime() : null;
}

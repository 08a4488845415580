using Procedures.Contracts;

namespace Procedures.Processing.Dossiers;

/// <summary>
/// The moments Processing keeps beside a dossier's clock, for the clock scan and the agency's reads. A decision computes
/// them (<see cref="DossierDecisions"/>); the store only writes them.
/// </summary>
/// <param name="DueAt">The legal due moment (<see cref="DossierClock.DueAt"/>), in UTC.</param>
/// <param name="AtRiskAt">When the at-risk warning comes (<see cref="Deadlines.AtRiskAt"/>).</param>
/// <param name="ReceptionDueAt">When an online dossier becomes late for reception (<see cref="Lifecycle.ReceptionDue"/>); set once, at submission.</param>
/// <param name="EndedAt">When processing ended (<see cref="DossierStatusRules.Ends"/>); set once.</param>
/// <param name="Apologies">How many apologies (form 04) were issued.</param>
public sealed record DossierMoments(DateTimeOffset? DueAt, DateTimeOffset? AtRiskAt, DateTimeOffset? ReceptionDueAt, DateTimeOffset? EndedAt,
    int Apologies);

/// <summary>
/// What an accepted decision writes: the dossier as it is after the decision (<see cref="After"/>; its
/// <see cref="DossierRecord.Version"/> is still the one loaded, for the store's optimistic check) and the events the
/// decision raises, in the order they are appended: a DossierStatusChanged when the sequence moved, then ApologyIssued for
/// an apology.
/// </summary>
/// <param name="RearmAtRisk">The at-risk moment moved later and is still ahead: a warning raised for the old one is raised again when the new one comes.</param>
/// <param name="RearmOverdue">Likewise for the legal due moment.</param>
public sealed record DossierChange(DossierRecord After, IReadOnlyList<object> Events, bool RearmAtRisk = false, bool RearmOverdue = false);

/// <summary>A dossier the clock scan claimed because one of its warning moments came: what the warning carries.</summary>
public sealed record DueDossier(string Code, DateTimeOffset DueAt, string ReceivingUnit, string? DecidingAgency, string? ProcedureCode);

/// <summary>The two warnings of the legal clock, each raised once per moment (re-armed when its moment moves later).</summary>
public enum ClockWarning { AtRisk, Overdue }

/// <summary>
/// A warning the clock scan raises: the state it sets (the warning is raised at <see cref="RaisedAt"/>, so it is not raised
/// again) and the event, DossierAtRisk or DossierOverdue.
/// </summary>
public sealed record WarningRaised(string Code, DateTimeOffset RaisedAt, object Event);

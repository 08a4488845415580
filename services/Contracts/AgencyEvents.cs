namespace Procedures.Contracts;

// The register of agencies, published by Intake (which owns it) through its outbox so that services with their own
// database keep a projection instead of reading Intake's tables: Reporting refuses KPI filters naming an agency or unit
// the register does not know. Public information: no personal data.

/// <summary>One agency's current version in the register (cơ quan; communes are receiving units and agencies alike).</summary>
public sealed record RegisteredAgency(string Id, int Version, string Name, string Kind, DateOnly? EffectiveFrom, DateOnly? EffectiveTo);

/// <summary>
/// Agencies of the register as they now stand: the whole register when Intake starts (a new consumer, or one whose
/// projection was lost, catches up), one agency when it is created or changed. A consumer keeps the highest version
/// of each: copies and late arrivals are harmless.
/// </summary>
public sealed record AgencyRegisterPublished(IReadOnlyList<RegisteredAgency> Agencies, DateTimeOffset At);

namespace Procedures.Contracts;

// Internal integration events (MassTransit). Past tense, no behaviour. The public CloudEvents contract
// for integrators is versioned separately by Notifications and never exposes these types directly.

/// <summary>Intake stored a submission and issued its code (status 1).</summary>
public sealed record DossierSubmitted(
    string DossierCode,
    string ProcedureCode,
    string ReceivingUnit,
    SubmissionChannel Channel,
    string ApplicantName,
    DateTimeOffset SubmittedAt);

/// <summary>Processing changed a dossier's status; <see cref="Sequence"/> orders a dossier's events downstream.</summary>
public sealed record DossierStatusChanged(
    string DossierCode,
    long Sequence,
    DossierStatus Status,
    DateTimeOffset OccurredAt,
    string? Content);

/// <summary>PortalSync got the national portal's acknowledgement for a dossier up to <see cref="Sequence"/>.</summary>
public sealed record DossierSynced(
    string DossierCode,
    long Sequence,
    DateTimeOffset AcknowledgedAt);

namespace Procedures.Contracts;

// Satisfaction and feedback (phản ánh, kiến nghị), issue 10. Processing publishes them through its outbox; Reporting
// counts them for the index's satisfaction group. Levels travel as their configured code plus whether the level counts
// as satisfied, so consumers need not share Processing's configuration.

/// <summary>
/// A returned dossier's signed rating link was issued (with the return, status event <see cref="Sequence"/>): the page
/// where the applicant rates the handling without an account, valid until <see cref="ExpiresAt"/>. Notifications' public
/// stream carries it to the dossier's agencies' integrators, who send it to the applicant with the result.
/// </summary>
public sealed record DossierRatingLinkIssued(
    string DossierCode,
    long Sequence,
    string Url,
    DateTimeOffset ExpiresAt,
    DateTimeOffset IssuedAt,
    string ReceivingUnit,
    string? DecidingAgency,
    string? ProcedureCode);

/// <summary>The applicant rated the handling of a returned dossier (once). Channel: "agency" or "link".</summary>
public sealed record DossierRated(
    string DossierCode,
    string ReceivingUnit,
    string? DecidingAgency,
    string? ProcedureCode,
    string Level,
    bool Satisfied,
    IReadOnlyList<string> Reasons,
    string Channel,
    DateTimeOffset RatedAt);

/// <summary>Feedback was filed about a dossier or a procedure and assigned to <paramref name="Agency"/> with a handling deadline.</summary>
public sealed record FeedbackFiled(
    Guid FeedbackId,
    string Agency,
    string? DossierCode,
    string? ProcedureCode,
    string Category,
    string Channel,
    DateTimeOffset FiledAt,
    DateTimeOffset DueAt);

/// <summary>The responsible agency answered; <paramref name="OnTime"/> iff no later than the deadline.</summary>
public sealed record FeedbackAnswered(
    Guid FeedbackId,
    string Agency,
    string? ProcedureCode,
    DateTimeOffset FiledAt,
    DateTimeOffset DueAt,
    DateTimeOffset AnsweredAt,
    bool OnTime);

/// <summary>The applicant rated the answer (once, after it was given).</summary>
public sealed record FeedbackRated(
    Guid FeedbackId,
    string Agency,
    string? ProcedureCode,
    string Level,
    bool Satisfied,
    IReadOnlyList<string> Reasons,
    string Channel,
    DateTimeOffset RatedAt);

/// <summary>Feedback still unanswered at its deadline (raised once by the scan).</summary>
public sealed record FeedbackOverdue(
    Guid FeedbackId,
    string Agency,
    string? DossierCode,
    string? ProcedureCode,
    DateTimeOffset DueAt,
    DateTimeOffset RaisedAt);

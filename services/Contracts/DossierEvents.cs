namespace Procedures.Contracts;

// Internal integration events (MassTransit). Past tense, no behaviour. The public CloudEvents contract
// for integrators is versioned separately by Notifications and never exposes these types directly.

/// <summary>
/// Intake stored a submission and issued its code (status 1). Carries what Processing, PortalSync and Reporting
/// need, including the applicant's identity as the national portal expects it (PortalSync sends it there);
/// nothing more (no address, no document content). <see cref="PaperResult"/> is the procedure version's fact (must
/// the result be a paper original; null = not recorded), for the 766 index.
/// <see cref="FieldCode"/> and <see cref="FieldName"/> are the procedure's
/// field (MaLinhVuc, TenLinhVuc) in the version the dossier was submitted under; the code is null when the catalogue has none.
/// </summary>
public sealed record DossierSubmitted(
    string DossierCode,
    string ProcedureCode,
    string ReceivingUnit,
    SubmissionChannel Channel,
    string ApplicantName,
    DateTimeOffset SubmittedAt,
    ApplicantIdentity? Applicant = null,
    int? ProcedureVersion = null,
    string? DecidingAgency = null,
    string? Summary = null,
    IReadOnlyList<SubmittedDocument>? Documents = null,
    IReadOnlyList<DossierFee>? Fees = null,
    ProcessingTerm? ProcessingTime = null,
    string? ProcedureName = null,
    string? ReceivingUnitName = null,
    bool? PaperResult = null,
    string? FieldCode = null,
    string? FieldName = null);

/// <summary>The legal processing time that applies to the dossier (its channel's term): amount + unit
/// (<c>working-days</c>, <c>calendar-days</c> or <c>working-hours</c>).</summary>
public sealed record ProcessingTerm(int Amount, string Unit);

/// <summary>LoaiDoiTuong (1 citizen, 2 enterprise), SoGiayToChuHoSo, contacts, TaiKhoanDuocXacThucVoiVNeID.</summary>
public sealed record ApplicantIdentity(int Kind, string IdNumber, string? Phone, string? Email, bool VneidLevel2);

/// <summary>
/// TaiLieuNop: a submitted document (by id) or one reused from an earlier result / the citizen's store.
/// <see cref="ComponentName"/> is the component's name in the procedure version (the receipt lists it).
/// </summary>
public sealed record SubmittedDocument(string ComponentCode, Guid? DocumentId, string? FileName, bool Digitised, bool Reused,
    bool FromCitizenStore, string? Sha256, string? ComponentName = null);

/// <summary>DanhSachLePhi: a fee of the procedure version the dossier was submitted under (whole VND).</summary>
public sealed record DossierFee(string Code, string Name, long AmountVnd);

/// <summary>Processing changed a dossier's status; <see cref="Sequence"/> orders a dossier's events downstream.</summary>
public sealed record DossierStatusChanged(
    string DossierCode,
    long Sequence,
    DossierStatus Status,
    DateTimeOffset OccurredAt,
    string? Content,
    DateTimeOffset? AppointmentAt = null,
    DateTimeOffset? OriginalAppointmentAt = null,
    int SupplementRequests = 0,
    string? Actor = null,
    string? Role = null,
    string? Department = null,
    string? ReceivingUnit = null,
    string? DecidingAgency = null,
    DateTimeOffset? ReceivedAt = null,
    long PausedSeconds = 0,
    IReadOnlyList<SupplementRound>? Supplements = null,
    IReadOnlyList<ResultDocument>? Results = null,
    int? PaidOnline = null,
    bool LateReception = false,
    SubmissionChannel? ReturnChannel = null,
    string? ProcedureCode = null,
    DossierApology? Apology = null,
    DossierCompletionRequest? CompletionRequest = null);

/// <summary>
/// A status step of a dossier that has fees, as Payment needs it: sent beside the step's <see cref="DossierStatusChanged"/>
/// (same sequence) so Payment, which only follows fee-bearing dossiers, is not sent every dossier's every step.
/// </summary>
public sealed record FeeBearingStatusChanged(string DossierCode, long Sequence, DossierStatus Status, DateTimeOffset OccurredAt);

/// <summary>
/// A dossier was returned (status 10) with electronic results: sent beside that step's <see cref="DossierStatusChanged"/>
/// (same sequence), with only those results, for Intake, which registers them for reuse, instead of every status step.
/// </summary>
public sealed record ElectronicResultsReturned(string DossierCode, long Sequence, DateTimeOffset ReturnedAt,
    IReadOnlyList<ResultDocument> Results);

/// <summary>DanhSachHoSoBoSung: one supplementation round (request, the applicant's answer, appointment before and after).</summary>
public sealed record SupplementRound(DateTimeOffset RequestedAt, DateTimeOffset? ReceivedAt, DateTimeOffset? PreviousAppointmentAt,
    DateTimeOffset? NewAppointmentAt);

/// <summary>DanhSachGiayToKetQua: a result document; an electronic result carries its code and file reference.</summary>
public sealed record ResultDocument(string Name, string? ElectronicResultCode, string? FileReference);

/// <summary>Form 04 facts on the status event that carries an apology (the status is unchanged, the appointment moves).</summary>
public sealed record DossierApology(string Reason, string SignedBy, DateTimeOffset NewAppointmentAt, bool OnTime);

/// <summary>
/// Form 02 facts on the status event of a completion request: before reception the desk asked, in writing, for the dossier
/// to be completed by <see cref="DueAt"/>. The status stays 1 (submitted); the sequence moves so the step reaches the
/// portal's history and the public stream.
/// </summary>
public sealed record DossierCompletionRequest(DateTimeOffset DueAt)
{
    /// <summary>How the step is named where a person reads it (the portal's history, the citizen's lookup).</summary>
    public const string TitleVi = "Hướng dẫn bổ sung, hoàn thiện hồ sơ (Mẫu 02)";
    public const string TitleEn = "Completion of the dossier requested (form 02)";

    /// <summary>A step's legal end (NgayKetThucTheoQuyDinh): the completion due date of a form-02 step, else the appointment date.</summary>
    public static DateTimeOffset? StepLegalEnd(DossierStatusChanged change) => change.CompletionRequest?.DueAt ?? change.AppointmentAt;
}

/// <summary>An open dossier's legal due moment is near (the configured lead time before it).</summary>
public sealed record DossierAtRisk(string DossierCode, DateTimeOffset DueAt, string ReceivingUnit, string? DecidingAgency,
    string? ProcedureCode, DateTimeOffset RaisedAt);

/// <summary>An open dossier passed its legal due moment (original appointment date plus supplementation pauses).</summary>
public sealed record DossierOverdue(string DossierCode, DateTimeOffset DueAt, string ReceivingUnit, string? DecidingAgency,
    string? ProcedureCode, DateTimeOffset RaisedAt);

/// <summary>
/// Form 04: the agency apologised and set a new appointment date. <see cref="OnTime"/> is false when it was issued after
/// the legal due moment; a late dossier without an on-time apology is non-compliant.
/// </summary>
public sealed record ApologyIssued(string DossierCode, long Sequence, DateTimeOffset IssuedAt, DateTimeOffset DueAt,
    DateTimeOffset NewAppointmentAt, string Reason, string SignedBy, bool OnTime, string ReceivingUnit, string? DecidingAgency);

/// <summary>
/// PortalSync got the national portal's acknowledgement for a dossier up to <see cref="Sequence"/>. It names the dossier's
/// route (receiving unit, deciding agency, procedure) so a consumer that files it by agency (the public stream) needs no
/// status event to have arrived first; absent on acknowledgements sent before they were carried.
/// </summary>
public sealed record DossierSynced(
    string DossierCode,
    long Sequence,
    DateTimeOffset AcknowledgedAt,
    string? ReceivingUnit = null,
    string? DecidingAgency = null,
    string? ProcedureCode = null);

namespace Procedures.Contracts;

// Internal integration events (MassTransit). Past tense, no behaviour. The public CloudEvents contract
// for integrators is versioned separately by Notifications and never exposes these types directly.

/// <summary>
/// Intake stored a submission and issued its code (status 1). Carries what Processing, PortalSync and Reporting
/// need, including the applicant's identity as the national portal expects it (PortalSync sends it there);
/// nothing more (no address, no document content).
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
    ProcessingTerm? ProcessingTime = null);

/// <summary>The legal processing time that applies to the dossier (its channel's term): amount + unit
/// (<c>working-days</c>, <c>calendar-days</c> or <c>working-hours</c>).</summary>
public sealed record ProcessingTerm(int Amount, string Unit);

/// <summary>LoaiDoiTuong (1 citizen, 2 enterprise), SoGiayToChuHoSo, contacts, TaiKhoanDuocXacThucVoiVNeID.</summary>
public sealed record ApplicantIdentity(int Kind, string IdNumber, string? Phone, string? Email, bool VneidLevel2);

/// <summary>TaiLieuNop: a submitted document (by id) or one reused from an earlier result / the citizen's store.</summary>
public sealed record SubmittedDocument(string ComponentCode, Guid? DocumentId, string? FileName, bool Digitised, bool Reused,
    bool FromCitizenStore, string? Sha256);

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
    string? DecidingAgency = null);

/// <summary>PortalSync got the national portal's acknowledgement for a dossier up to <see cref="Sequence"/>.</summary>
public sealed record DossierSynced(
    string DossierCode,
    long Sequence,
    DateTimeOffset AcknowledgedAt);

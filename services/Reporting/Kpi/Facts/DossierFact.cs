namespace Procedures.Reporting.Kpi.Facts;

/// <summary>
/// What the Decision 766 indicators need to know about one dossier, as of the events seen so far. Derived only from
/// Reporting's own event log (<see cref="DossierFold"/>), so it can be rebuilt at any time; also what an agency posts
/// to <c>POST /api/v1/kpi/evaluate</c>.
/// </summary>
public sealed record DossierFact
{
    public required string Code { get; init; }
    public string? ProcedureCode { get; init; }
    public string? ReceivingUnit { get; init; }
    /// <summary>DonViXuLy: the agency that decides (and is ranked for) the dossier; the receiving unit when not known.</summary>
    public string? DecidingAgency { get; init; }
    /// <summary>KenhThucHien: 1 in person, 2 online, 3 public postal; null treated as in person.</summary>
    public int? Channel { get; init; }
    public DateTimeOffset? SubmittedAt { get; init; }
    /// <summary>NgayTiepNhan; null for a dossier never received (status 1, or refused at reception).</summary>
    public DateTimeOffset? ReceivedAt { get; init; }
    /// <summary>The appointment date set at reception: the on-time test's deadline (never moved by pauses or apologies).</summary>
    public DateTimeOffset? OriginalDueAt { get; init; }
    /// <summary>The citizen-facing appointment date now (extended by pauses, moved by an apology).</summary>
    public DateTimeOffset? DueAt { get; init; }
    /// <summary>NgayKetThucXuLy: time of the step <see cref="Procedures.Contracts.DossierStatusRules.EndOfProcessing"/> names (only once received).</summary>
    public DateTimeOffset? EndedAt { get; init; }
    public int? EndStatus { get; init; }
    /// <summary>Status of the highest sequence seen.</summary>
    public int Status { get; init; } = 1;
    public long LastSequence { get; init; }
    public int SupplementRequests { get; init; }
    /// <summary>Σ (supplement received − requested) over the completed supplementation rounds.</summary>
    public long PausedSeconds { get; init; }
    /// <summary>Request time of a supplementation round the applicant never answered (still pending, or ended by 8/3/7).</summary>
    public DateTimeOffset? PendingSupplementSince { get; init; }
    /// <summary>Σ of the fees (whole VND) of the procedure version the dossier was submitted under; 0 = no fee.</summary>
    public long FeeTotal { get; init; }
    public bool PaidOnline { get; init; }
    public bool Digitised { get; init; }
    public bool Reused { get; init; }
    public bool FromCitizenStore { get; init; }
    /// <summary>An electronic result of the dossier reached the applicant's data store at the portal (ResultStoredForCitizen).</summary>
    public bool ResultInCitizenStore { get; init; }
    /// <summary>Used population data: VNeID level-2 account or a component from the citizen's store.</summary>
    public bool PopulationData { get; init; }
    /// <summary>The applicant is a citizen (LoaiDoiTuong 1).</summary>
    public bool Citizen { get; init; }
    public bool ElectronicResult { get; init; }
    public bool LateReception { get; init; }
    /// <summary>Null: no apology issued; else whether one was issued no later than the due moment.</summary>
    public bool? ApologyOnTime { get; init; }
    /// <summary>Highest sequence the national portal acknowledged; 0 = never synced.</summary>
    public long SyncedSequence { get; init; }

    /// <summary>When the portal acknowledged step <see cref="SyncedSequence"/>; null while nothing is synced.</summary>
    public DateTimeOffset? SyncedAt { get; init; }

    /// <summary>
    /// Whether the result of the procedure version the dossier was submitted under must be a paper original; null: not
    /// recorded. A recorded fact changes what 3.3, 4.1 and 4.2 count; an unrecorded one changes nothing (the dossier is
    /// counted as before the fact existed) and is shown as unknown (docs/kpi766-choices.md).
    /// </summary>
    public bool? PaperResult { get; init; }

    /// <summary>
    /// The e-result condition of 3.3 and 4.2: a dossier of a procedure that requires a paper original counts only with
    /// an electronic result; any other dossier (no paper original required, or not recorded) meets it.
    /// </summary>
    public bool MeetsPaperResultCondition => PaperResult != true || ElectronicResult;

    /// <summary>4.1's cohort: dossiers of procedures that require a paper original; only a recorded "not required" leaves it.</summary>
    public bool InPaperResultCohort => PaperResult != false;

    /// <summary>The unit the dossier is ranked under.</summary>
    public string Agency => DecidingAgency ?? ReceivingUnit ?? "";

    public bool FeeBearing => FeeTotal > 0;

    /// <summary>Decided (status 9 or 10 reached).</summary>
    public bool Decided => EndStatus is 9 or 10;

    /// <summary>The legal due moment for an open dossier: the original appointment extended by the completed pauses.</summary>
    public DateTimeOffset? LegalDueAt => OriginalDueAt?.AddSeconds(PausedSeconds);

    /// <summary>Received, not ended, and not waiting on a supplementation: its verdict depends on when it is judged.</summary>
    public bool Open => ReceivedAt is not null && EndedAt is null && PendingSupplementSince is null;

    public DateOnly? ReceivedDay => ReceivedAt is { } at ? Contracts.VietnamTime.VietnamDate(at) : null;
}

using System.Text.Json.Serialization;
using Procedures.Contracts;

namespace Procedures.Intake.Catalogue;

/// <summary>
/// The unit of a processing time. The text forms are those of Procedures.Calendar's DurationUnits
/// (<c>working-days</c>, <c>calendar-days</c>, <c>working-hours</c>), so a deadline can be computed from them.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<ProcessingUnit>))]
public enum ProcessingUnit
{
    [JsonStringEnumMemberName("working-days")] WorkingDays = 1,
    [JsonStringEnumMemberName("calendar-days")] CalendarDays = 2,
    [JsonStringEnumMemberName("working-hours")] WorkingHours = 3,
}

/// <summary>Thời hạn giải quyết: an amount of a unit.</summary>
public sealed record ProcessingTime(int Amount, ProcessingUnit Unit);

/// <summary>Hình thức kết quả: paper, electronic, both, or not derivable from what was published.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ResultForm>))]
public enum ResultForm
{
    [JsonStringEnumMemberName("unknown")] Unknown = 0,
    [JsonStringEnumMemberName("paper")] Paper = 1,
    [JsonStringEnumMemberName("electronic")] Electronic = 2,
    [JsonStringEnumMemberName("both")] Both = 3,
}

/// <summary>
/// Whether the result must be issued as a paper original (the national database's "yêu cầu kết quả bản giấy"), as the
/// API and the CSV write it: <c>true</c>, <c>false</c>, or <c>unknown</c> (not recorded; never taken for false).
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<PaperResult>))]
public enum PaperResult
{
    [JsonStringEnumMemberName("unknown")] Unknown = 0,
    [JsonStringEnumMemberName("true")] True = 1,
    [JsonStringEnumMemberName("false")] False = 2,
}

/// <summary>Between the stored fact (null = unknown) and its written form.</summary>
public static class PaperResults
{
    public static PaperResult Of(bool? fact) => fact switch { true => PaperResult.True, false => PaperResult.False, null => PaperResult.Unknown };

    public static bool? Fact(PaperResult written) => written switch { PaperResult.True => true, PaperResult.False => false, _ => null };
}

/// <summary>When a fee is paid: with the submission, or when the result is returned.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FeePayable>))]
public enum FeePayable
{
    [JsonStringEnumMemberName("on-submission")] OnSubmission = 1,
    [JsonStringEnumMemberName("on-result")] OnResult = 2,
}

/// <summary>Draft: listed, but missing what a dossier needs (processing time or deciding agency); published otherwise.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ProcedureStatus>))]
public enum ProcedureStatus
{
    [JsonStringEnumMemberName("draft")] Draft = 1,
    [JsonStringEnumMemberName("published")] Published = 2,
}

/// <summary>
/// How the law lists a component: always <c>required</c>; <c>conditional</c>, required only in a stated case the
/// submission declares; one of an <c>alternatives</c> group, of which a dossier carries at least one; or <c>optional</c>.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<ComponentKind>))]
public enum ComponentKind
{
    [JsonStringEnumMemberName("required")] Required = 1,
    [JsonStringEnumMemberName("conditional")] Conditional = 2,
    [JsonStringEnumMemberName("alternatives")] Alternatives = 3,
    [JsonStringEnumMemberName("optional")] Optional = 4,
}

/// <summary>The case a conditional component applies to: a key a submission declares, and its text in Vietnamese and English.</summary>
public sealed record DocumentCase(string Key, string Vi, string En);

/// <summary>
/// Thành phần hồ sơ (MaThanhPhanHoSo = <see cref="Code"/>). The two flags say whether the applicant may instead
/// point to an earlier result (DuocTaiSuDung) or to the citizen's digital store (DuocLayTuKhoDMQG).
/// <see cref="Required"/> is true only for a component every dossier carries; a <see cref="Case"/> makes it
/// conditional, an <see cref="Alternatives"/> group key one of a group (<see cref="Kind"/>, docs/domain.md#components).
/// </summary>
public sealed record RequiredDocument(
    string Code, string Name, bool Required, bool ReusableFromPreviousResult = false, bool AvailableFromCitizenStore = false,
    DocumentCase? Case = null, string? Alternatives = null)
{
    public ComponentKind Kind => Case is not null ? ComponentKind.Conditional
        : Alternatives is not null ? ComponentKind.Alternatives
        : Required ? ComponentKind.Required : ComponentKind.Optional;
}

/// <summary>A channel a fee applies to (the catalogue's words for the portal's channel codes 1, 2, 3).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FeeChannel>))]
public enum FeeChannel
{
    [JsonStringEnumMemberName("in-person")] InPerson = SubmissionChannel.InPerson,
    [JsonStringEnumMemberName("online")] Online = SubmissionChannel.Online,
    [JsonStringEnumMemberName("postal")] Postal = SubmissionChannel.PublicPostal,
}

/// <summary>
/// Phí, lệ phí (MaPhiLePhi, TenPhiLePhi, Gia in whole VND); PayableWhen null: not published. <see cref="Channels"/>
/// null: charged on every channel; else only on a dossier submitted on one of them (e.g. a lower online rate).
/// </summary>
public sealed record Fee(string Code, string Name, long AmountVnd, FeePayable? PayableWhen, IReadOnlyList<FeeChannel>? Channels = null)
{
    public bool AppliesTo(SubmissionChannel channel) => Channels is null || Channels.Contains((FeeChannel)channel);
}

/// <summary>
/// Everything a version of a procedure states. Null means "not published", never "none": Fees null = the fee is
/// unknown (an empty list = no fee), ProcessingTime null = no published term, Level null = the source lists both
/// levels, OnlineProcessingTime null = no separate online term, PaperResult null = not recorded whether the result must
/// be a paper original, OnlineLevelSince null = not recorded when <see cref="OnlineLevel"/> took effect.
/// FieldCode null = the field's code (MaLinhVuc) is not known.
/// </summary>
public sealed record ProcedureContent(
    string Name,
    string Field,
    ProcedureLevel? Level,
    string? DecidingAgency,
    IReadOnlyList<RequiredDocument> Documents,
    IReadOnlyList<Fee>? Fees,
    ProcessingTime? ProcessingTime,
    ProcessingTime? OnlineProcessingTime,
    OnlineServiceLevel OnlineLevel,
    string? ResultText,
    ResultForm ResultForm,
    bool? BoundaryFree,
    DateOnly? EffectiveFrom,
    DateOnly? PublishedOn,
    string? Source,
    string? Notes,
    bool? PaperResult = null,
    DateOnly? OnlineLevelSince = null,
    string? FieldCode = null);

/// <summary>One immutable version of a procedure. A dossier records the version it was submitted under.</summary>
public sealed record ProcedureVersion(string Code, int Version, ProcedureContent Content, DateTimeOffset CreatedAt)
{
    /// <summary>A draft lacks a published processing time or a deciding agency: no dossier can be computed for it.</summary>
    public bool IsDraft => Content.ProcessingTime is null || Content.DecidingAgency is null;

    public ProcedureStatus Status => IsDraft ? ProcedureStatus.Draft : ProcedureStatus.Published;

    /// <summary>Dossiers may be submitted under this version only when it is complete (not a draft).</summary>
    public bool IsOpenForSubmission => !IsDraft;

    /// <summary>True when some fee is above zero, false when free, null when the fee is not published.</summary>
    public bool? FeeBearing => Content.Fees is null ? null : Content.Fees.Any(f => f.AmountVnd > 0);

    /// <summary>Decision 766 "published on time": publication date ≤ effective date; null while either date is missing.</summary>
    public bool? PublishedOnTime
        => Content.PublishedOn is { } published && Content.EffectiveFrom is { } effective ? published <= effective : null;

    /// <summary>The processing time that applies to a dossier on <paramref name="channel"/> (the online term where one is published).</summary>
    public ProcessingTime? ProcessingTimeFor(SubmissionChannel channel)
        => channel == SubmissionChannel.Online && Content.OnlineProcessingTime is { } online ? online : Content.ProcessingTime;

    /// <summary>What a dossier on <paramref name="channel"/> is charged: the fees above zero that apply to its channel.</summary>
    public IReadOnlyList<Fee> FeesFor(SubmissionChannel channel)
        => [.. (Content.Fees ?? []).Where(f => f.AmountVnd > 0 && f.AppliesTo(channel))];

    public ProcedurePublished ToPublished() => new(Code, Version, Content.Name, Content.Field, Content.Level, Content.OnlineLevel,
        FeeBearing, Content.PublishedOn, Content.EffectiveFrom, PublishedOnTime, Content.PaperResult, Content.OnlineLevelSince);

    public ProcedureChanged ToChanged() => new(Code, Version, Content.Name, Content.Field, Content.Level, Content.OnlineLevel,
        FeeBearing, Content.PublishedOn, Content.EffectiveFrom, PublishedOnTime, Content.PaperResult, Content.OnlineLevelSince);
}

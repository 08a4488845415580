using System.Text.RegularExpressions;
using Procedures.Contracts;
using Procedures.ServiceDefaults;

namespace Procedures.Intake.Catalogue;

/// <summary>
/// The body of POST /api/v1/procedures and PUT /api/v1/procedures/{code}: every field of a procedure as text, so that
/// each wrong value is answered with a field error naming the field and the rule (not an unreadable-JSON error).
/// <see cref="BaseVersion"/> (PUT only, optional) is the version the change was made from: a newer current version
/// answers 409 instead of silently overwriting someone else's change. <see cref="PaperResult"/> (true, false, unknown)
/// and <see cref="OnlineLevelSince"/> (yyyy-MM-dd, only with a known online level) are the facts the 766 index needs.
/// <see cref="FieldCode"/> (MaLinhVuc) absent: the
/// register's code for <see cref="Field"/> (<see cref="ProcedureFields"/>), none for a field it does not list.
/// </summary>
public sealed record ProcedureInput(
    string? Code = null,
    string? Name = null,
    string? Field = null,
    string? Level = null,
    string? DecidingAgency = null,
    IReadOnlyList<DocumentInput>? Documents = null,
    IReadOnlyList<FeeInput>? Fees = null,
    DurationInput? ProcessingTime = null,
    DurationInput? OnlineProcessingTime = null,
    string? OnlineLevel = null,
    string? ResultText = null,
    string? ResultForm = null,
    bool? BoundaryFree = null,
    string? EffectiveFrom = null,
    string? PublishedOn = null,
    string? Source = null,
    string? Notes = null,
    int? BaseVersion = null,
    string? PaperResult = null,
    string? OnlineLevelSince = null,
    string? FieldCode = null);

/// <summary>
/// A component: <see cref="Kind"/> (required, conditional, alternatives, optional) or, as before kinds existed,
/// <see cref="Required"/>; a conditional one names its <see cref="Case"/> (Vietnamese; <see cref="CaseEn"/> English),
/// one of an alternatives group its <see cref="Alternatives"/> group key.
/// </summary>
public sealed record DocumentInput(
    string? Code = null, string? Name = null, bool? Required = null, bool? ReusableFromPreviousResult = null, bool? AvailableFromCitizenStore = null,
    string? Kind = null, string? Case = null, string? CaseEn = null, string? Alternatives = null);

/// <summary>A fee; <see cref="Channels"/> (in-person, online, postal) limits it to those channels, absent = every channel.</summary>
public sealed record FeeInput(string? Code = null, string? Name = null, long? AmountVnd = null, string? PayableWhen = null,
    IReadOnlyList<string>? Channels = null);

public sealed record DurationInput(int? Amount = null, string? Unit = null);

/// <summary>Turns a <see cref="ProcedureInput"/> into <see cref="ProcedureContent"/>, or lists every rule it breaks.</summary>
public static partial class ProcedureInputRules
{
    public const int MaxName = 1000, MaxField = 200, MaxAgency = 100, MaxDocuments = 100, MaxFees = 20, MaxResult = 2000,
        MaxSource = 2000, MaxNotes = 4000, MaxCode = 50, MaxDays = 3650;

    public const long MaxFeeVnd = 1_000_000_000_000;

    public static readonly IReadOnlyDictionary<string, ProcedureLevel> Levels =
        new Dictionary<string, ProcedureLevel>(StringComparer.Ordinal) { ["province"] = ProcedureLevel.Province, ["commune"] = ProcedureLevel.Commune };

    public static readonly IReadOnlyDictionary<string, OnlineServiceLevel> OnlineLevels = new Dictionary<string, OnlineServiceLevel>(StringComparer.Ordinal)
    {
        ["unknown"] = OnlineServiceLevel.Unknown, ["none"] = OnlineServiceLevel.None,
        ["partial"] = OnlineServiceLevel.Partial, ["full"] = OnlineServiceLevel.Full,
    };

    public static readonly IReadOnlyDictionary<string, ProcessingUnit> Units = new Dictionary<string, ProcessingUnit>(StringComparer.Ordinal)
    {
        ["working-days"] = ProcessingUnit.WorkingDays, ["calendar-days"] = ProcessingUnit.CalendarDays, ["working-hours"] = ProcessingUnit.WorkingHours,
    };

    public static readonly IReadOnlyDictionary<string, ResultForm> ResultForms = new Dictionary<string, ResultForm>(StringComparer.Ordinal)
    {
        ["unknown"] = Catalogue.ResultForm.Unknown, ["paper"] = Catalogue.ResultForm.Paper,
        ["electronic"] = Catalogue.ResultForm.Electronic, ["both"] = Catalogue.ResultForm.Both,
    };

    public static readonly IReadOnlyDictionary<string, PaperResult> PaperResultValues = new Dictionary<string, PaperResult>(StringComparer.Ordinal)
    {
        ["unknown"] = Catalogue.PaperResult.Unknown, ["true"] = Catalogue.PaperResult.True, ["false"] = Catalogue.PaperResult.False,
    };

    public static readonly IReadOnlyDictionary<string, ComponentKind> Kinds = new Dictionary<string, ComponentKind>(StringComparer.Ordinal)
    {
        ["required"] = ComponentKind.Required, ["conditional"] = ComponentKind.Conditional,
        ["alternatives"] = ComponentKind.Alternatives, ["optional"] = ComponentKind.Optional,
    };

    public static readonly IReadOnlyDictionary<string, FeeChannel> FeeChannels = new Dictionary<string, FeeChannel>(StringComparer.Ordinal)
    {
        ["in-person"] = FeeChannel.InPerson, ["online"] = FeeChannel.Online, ["postal"] = FeeChannel.Postal,
    };

    public static readonly IReadOnlyDictionary<string, FeePayable> Payables = new Dictionary<string, FeePayable>(StringComparer.Ordinal)
    {
        ["on-submission"] = FeePayable.OnSubmission, ["on-result"] = FeePayable.OnResult,
    };

    /// <summary>Validates a creation: the code is required and well-formed.</summary>
    public static (ProcedureCode? Code, ProcedureContent? Content, IReadOnlyList<FieldError> Errors) ForCreate(ProcedureInput input)
    {
        var errors = new List<FieldError>();
        var code = CheckCode(input.Code, errors);
        if (input.BaseVersion is not null)
            errors.Add(new("baseVersion", "not-allowed", "Phiên bản gốc chỉ dùng khi sửa đổi thủ tục", "The base version is only used when changing a procedure"));
        var content = ToContent(input, errors);
        return errors.Count > 0 ? (null, null, errors) : (code, content, errors);
    }

    /// <summary>Validates a change of the procedure at <paramref name="routeCode"/>: a code in the body must be that code.</summary>
    public static (ProcedureContent? Content, IReadOnlyList<FieldError> Errors) ForChange(string routeCode, ProcedureInput input)
    {
        var errors = new List<FieldError>();
        var bodyCode = Rules.Text(input.Code, "code", errors);
        if (bodyCode is not null && bodyCode != routeCode)
            errors.Add(new("code", "matches-route", "Mã thủ tục trong nội dung phải trùng mã trên đường dẫn",
                "The code in the body must be the code in the path"));
        if (input.BaseVersion is < 1)
            errors.Add(Rules.Range("baseVersion", "Phiên bản gốc", "The base version", 1, int.MaxValue));
        var content = ToContent(input, errors);
        return errors.Count > 0 ? (null, errors) : (content, errors);
    }

    public static ProcedureCode? CheckCode(string? text, List<FieldError> errors)
    {
        var clean = Rules.Text(text, "code", errors);
        if (errors.Any(e => e.Field == "code")) return null;
        if (clean is null) { errors.Add(Rules.Required("code", "Mã thủ tục", "The procedure code")); return null; }
        if (ProcedureCode.TryParse(clean, out var code)) return code;
        errors.Add(Rules.Format("code", "Mã thủ tục", "The procedure code", "ví dụ 1.000948 hoặc 1.000948.H29", "e.g. 1.000948 or 1.000948.H29"));
        return null;
    }

    private static ProcedureContent? ToContent(ProcedureInput r, List<FieldError> errors)
    {
        var before = errors.Count;
        var name = Rules.Text(r.Name, "name", errors);
        if (name is null && !errors.Any(e => e.Field == "name")) errors.Add(Rules.Required("name", "Tên thủ tục", "The name"));
        else if (name is { Length: > MaxName }) errors.Add(Rules.MaxLength("name", "Tên thủ tục", "The name", MaxName));

        var field = Rules.Text(r.Field, "field", errors);
        if (field is null && !errors.Any(e => e.Field == "field")) errors.Add(Rules.Required("field", "Lĩnh vực", "The field"));
        else if (field is { Length: > MaxField }) errors.Add(Rules.MaxLength("field", "Lĩnh vực", "The field", MaxField));
        var fieldCode = ProcedureFields.Check(r.FieldCode, "fieldCode", errors) ?? ProcedureFields.CodeOf(field);

        var level = OneOf(r.Level, "level", "Cấp thực hiện", "The level", Levels, errors);
        var agency = CheckAgency(r.DecidingAgency, errors);
        var documents = CheckDocuments(r.Documents, errors);
        var fees = CheckFees(r.Fees, errors);
        var time = CheckDuration(r.ProcessingTime, "processingTime", "Thời hạn giải quyết", "The processing time", errors);
        var online = CheckDuration(r.OnlineProcessingTime, "onlineProcessingTime", "Thời hạn giải quyết trực tuyến", "The online processing time", errors);
        var onlineLevel = OneOf(r.OnlineLevel, "onlineLevel", "Mức độ dịch vụ công trực tuyến", "The online service level", OnlineLevels, errors)
            ?? OnlineServiceLevel.Unknown;

        var resultText = Rules.Text(r.ResultText, "resultText", errors);
        if (resultText is { Length: > MaxResult }) errors.Add(Rules.MaxLength("resultText", "Kết quả", "The result", MaxResult));
        var resultForm = OneOf(r.ResultForm, "resultForm", "Hình thức kết quả", "The result form", ResultForms, errors)
            ?? SourceRules.ResultFormOf(resultText);

        var paperResult = OneOf(r.PaperResult, "paperResult", "Kết quả phải là bản giấy (bản chính)", "Whether the result must be a paper original",
            PaperResultValues, errors) ?? Catalogue.PaperResult.Unknown;
        var levelSince = CheckDate(r.OnlineLevelSince, "onlineLevelSince", "Ngày áp dụng mức độ dịch vụ công trực tuyến",
            "The date the online level took effect", errors);
        if (levelSince is not null) CheckLevelSince(onlineLevel, "onlineLevelSince", errors);

        var effective = CheckDate(r.EffectiveFrom, "effectiveFrom", "Ngày có hiệu lực", "The effective date", errors);
        var published = CheckDate(r.PublishedOn, "publishedOn", "Ngày công bố", "The publication date", errors);

        var source = Rules.Text(r.Source, "source", errors);
        if (source is { Length: > MaxSource }) errors.Add(Rules.MaxLength("source", "Nguồn", "The source", MaxSource));
        var notes = Rules.Text(r.Notes, "notes", errors);
        if (notes is { Length: > MaxNotes }) errors.Add(Rules.MaxLength("notes", "Ghi chú", "The notes", MaxNotes));

        if (errors.Count > before) return null;
        return new ProcedureContent(name!, field!, level, agency, documents!, fees, time, online, onlineLevel, resultText, resultForm,
            r.BoundaryFree, effective, published, source, notes, Catalogue.PaperResults.Fact(paperResult), levelSince, fieldCode);
    }

    /// <summary>A date says when a level took effect: an unknown level has none (the CSV reader applies the same rule).</summary>
    internal static void CheckLevelSince(OnlineServiceLevel level, string field, List<FieldError> errors)
    {
        if (level == OnlineServiceLevel.Unknown)
            errors.Add(new(field, "needs-online-level", "Chỉ ghi ngày áp dụng khi đã biết mức độ dịch vụ công trực tuyến (không phải unknown)",
                "A date the online level took effect needs a known online level (not unknown)"));
    }

    private static T? OneOf<T>(string? text, string field, string vi, string en, IReadOnlyDictionary<string, T> allowed, List<FieldError> errors)
        where T : struct
    {
        var clean = Rules.Text(text, field, errors);
        if (clean is null) return null;
        if (allowed.TryGetValue(clean, out var value)) return value;
        errors.Add(Rules.OneOf(field, vi, en, allowed.Keys));
        return null;
    }

    private static string? CheckAgency(string? text, List<FieldError> errors)
    {
        var agency = Rules.Text(text, "decidingAgency", errors);
        if (agency is null || DecidingAgencies.IsMarker(agency)) return agency;
        if (agency.Length > MaxAgency) errors.Add(Rules.MaxLength("decidingAgency", "Cơ quan giải quyết", "The deciding agency", MaxAgency));
        else if (!AgencyIdentifier().IsMatch(agency))
            errors.Add(Rules.Format("decidingAgency", "Cơ quan giải quyết", "The deciding agency",
                $"mã định danh cơ quan như 000.20.32.H29, hoặc {string.Join(", ", DecidingAgencies.Markers)}",
                $"an agency identifier such as 000.20.32.H29, or {string.Join(", ", DecidingAgencies.Markers)}"));
        return agency;
    }

    private static List<RequiredDocument>? CheckDocuments(IReadOnlyList<DocumentInput>? input, List<FieldError> errors)
    {
        if (input is null) return [];
        if (input.Count > MaxDocuments)
        {
            errors.Add(Rules.MaxItems("documents", "Thành phần hồ sơ", "The documents", MaxDocuments));
            return null;
        }
        var cleaned = new List<(string? Code, string? Name, bool Required, bool Reusable, bool Store, DocumentCase? Case, string? Group)>();
        for (var i = 0; i < input.Count; i++)
        {
            var at = $"documents[{i}]";
            var d = input[i];
            if (d is null) { errors.Add(Rules.Required(at, "Thành phần hồ sơ", "The document")); continue; }
            var code = CheckItemCode(d.Code, $"{at}.code", "Mã thành phần hồ sơ", "The document code", errors);
            var name = Rules.Text(d.Name, $"{at}.name", errors);
            if (name is null && !errors.Any(e => e.Field == $"{at}.name")) errors.Add(Rules.Required($"{at}.name", "Tên thành phần hồ sơ", "The document name"));
            else if (name is { Length: > MaxName }) errors.Add(Rules.MaxLength($"{at}.name", "Tên thành phần hồ sơ", "The document name", MaxName));
            var (kind, @case, group) = CheckKind(d, at, errors);
            cleaned.Add((code, name, kind == ComponentKind.Required, d.ReusableFromPreviousResult ?? false, d.AvailableFromCitizenStore ?? false,
                @case, group));
        }
        CheckUnique(cleaned.Select(c => c.Code).ToList(), "documents", "Mã thành phần hồ sơ", "The document code", errors);
        foreach (var lone in cleaned.Select((c, i) => (c.Group, i)).Where(g => g.Group is not null).GroupBy(g => g.Group).Where(g => g.Count() == 1))
            errors.Add(new($"documents[{lone.Single().i}].alternatives", "alternatives-group",
                $"Nhóm thay thế {lone.Key} phải có ít nhất hai thành phần", $"The alternatives group {lone.Key} needs at least two components"));
        var codes = ItemCodes(cleaned.Select(c => c.Code).ToList(), SourceRules.DocumentCodePrefix);
        return cleaned.Select((c, i) => new RequiredDocument(codes[i], c.Name ?? "", c.Required, c.Reusable, c.Store, c.Case, c.Group)).ToList();
    }

    /// <summary>
    /// The component's kind, from <c>kind</c> or (as before kinds) <c>required</c>, with the case a conditional one
    /// applies to and the group an alternative belongs to; a member that does not fit the kind is refused.
    /// </summary>
    private static (ComponentKind Kind, DocumentCase? Case, string? Group) CheckKind(DocumentInput d, string at, List<FieldError> errors)
    {
        var caseVi = Rules.Text(d.Case, $"{at}.case", errors);
        var caseEn = Rules.Text(d.CaseEn, $"{at}.caseEn", errors);
        var group = CheckItemCode(d.Alternatives, $"{at}.alternatives", "Nhóm thay thế", "The alternatives group", errors);
        var kind = OneOf(d.Kind, $"{at}.kind", "Loại thành phần hồ sơ", "The component kind", Kinds, errors);
        if (kind is null && errors.Any(e => e.Field == $"{at}.kind")) return (ComponentKind.Required, null, null);
        kind ??= caseVi is not null ? ComponentKind.Conditional : group is not null ? ComponentKind.Alternatives
            : d.Required is { } r ? (r ? ComponentKind.Required : ComponentKind.Optional) : null;
        if (kind is null)
        {
            errors.Add(new($"{at}.required", "required", "Phải nêu loại thành phần hồ sơ (kind) hoặc thành phần có bắt buộc hay không (required)",
                "Say the component's kind (required, conditional, alternatives, optional) or whether it is required (true) or optional (false)"));
            return (ComponentKind.Required, null, null);
        }
        if (d.Required is { } stated && stated != (kind == ComponentKind.Required))
            errors.Add(new($"{at}.required", "matches-kind", "Trường required phải khớp với loại thành phần (chỉ loại required là true)",
                "required must agree with kind (true only for kind required)"));
        if (kind == ComponentKind.Conditional && caseVi is null && !errors.Any(e => e.Field == $"{at}.case"))
            errors.Add(Rules.Required($"{at}.case", "Trường hợp áp dụng của thành phần có điều kiện", "The case of a conditional component"));
        if (kind != ComponentKind.Conditional && (caseVi ?? caseEn) is not null)
            errors.Add(new($"{at}.case", "not-allowed", "Chỉ thành phần có điều kiện (conditional) mới nêu trường hợp",
                "Only a conditional component states a case"));
        if (kind == ComponentKind.Alternatives && group is null && !errors.Any(e => e.Field == $"{at}.alternatives"))
            errors.Add(Rules.Required($"{at}.alternatives", "Nhóm thay thế", "The alternatives group"));
        if (kind != ComponentKind.Alternatives && group is not null)
            errors.Add(new($"{at}.alternatives", "not-allowed", "Chỉ thành phần thay thế (alternatives) mới thuộc nhóm",
                "Only a component of kind alternatives belongs to a group"));
        if (new[] { caseVi, caseEn }.Any(t => t is { Length: > MaxName }))
            errors.Add(Rules.MaxLength($"{at}.case", "Trường hợp áp dụng", "The case", MaxName));
        var documentCase = kind == ComponentKind.Conditional && caseVi is not null
            ? ComponentCases.Case(caseVi) is var derived && caseEn is not null ? derived with { En = caseEn } : derived
            : null;
        return (kind.Value, documentCase, kind == ComponentKind.Alternatives ? group : null);
    }

    private static List<Fee>? CheckFees(IReadOnlyList<FeeInput>? input, List<FieldError> errors)
    {
        if (input is null) return null; // not published
        if (input.Count > MaxFees)
        {
            errors.Add(Rules.MaxItems("fees", "Phí, lệ phí", "The fees", MaxFees));
            return null;
        }
        var cleaned = new List<(string? Code, string? Name, long Amount, FeePayable? When, IReadOnlyList<FeeChannel>? Channels)>();
        for (var i = 0; i < input.Count; i++)
        {
            var at = $"fees[{i}]";
            var f = input[i];
            if (f is null) { errors.Add(Rules.Required(at, "Khoản phí, lệ phí", "The fee")); continue; }
            var code = CheckItemCode(f.Code, $"{at}.code", "Mã phí, lệ phí", "The fee code", errors);
            var name = Rules.Text(f.Name, $"{at}.name", errors);
            if (name is null && !errors.Any(e => e.Field == $"{at}.name")) errors.Add(Rules.Required($"{at}.name", "Tên phí, lệ phí", "The fee name"));
            else if (name is { Length: > MaxField }) errors.Add(Rules.MaxLength($"{at}.name", "Tên phí, lệ phí", "The fee name", MaxField));
            if (f.AmountVnd is null) errors.Add(Rules.Required($"{at}.amountVnd", "Mức phí (VNĐ)", "The amount in VND"));
            else if (f.AmountVnd is < 0 or > MaxFeeVnd) errors.Add(Rules.Range($"{at}.amountVnd", "Mức phí (VNĐ)", "The amount in VND", 0, MaxFeeVnd));
            var when = OneOf(f.PayableWhen, $"{at}.payableWhen", "Thời điểm nộp phí", "When the fee is payable", Payables, errors);
            cleaned.Add((code, name, f.AmountVnd ?? 0, when, CheckChannels(f.Channels, $"{at}.channels", errors)));
        }
        CheckUnique(cleaned.Select(c => c.Code).ToList(), "fees", "Mã phí, lệ phí", "The fee code", errors);
        var codes = ItemCodes(cleaned.Select(c => c.Code).ToList(), SourceRules.FeeCodePrefix);
        return cleaned.Select((c, i) => new Fee(codes[i], c.Name ?? "", c.Amount, c.When, c.Channels)).ToList();
    }

    private static IReadOnlyList<FeeChannel>? CheckChannels(IReadOnlyList<string>? channels, string field, List<FieldError> errors)
    {
        if (channels is null) return null;
        if (channels.Count == 0 || channels.Any(c => c is null || !FeeChannels.ContainsKey(c)) || channels.Distinct().Count() != channels.Count)
        {
            errors.Add(new(field, "channels", "Kênh áp dụng phí là danh sách không trùng của in-person (trực tiếp), online (trực tuyến), postal (bưu chính)",
                "The fee's channels are a non-empty list without repeats of in-person, online, postal"));
            return null;
        }
        return [.. channels.Select(c => FeeChannels[c]).Order()];
    }

    private static string? CheckItemCode(string? text, string field, string vi, string en, List<FieldError> errors)
    {
        var code = Rules.Text(text, field, errors);
        if (code is not null && !ItemCode().IsMatch(code))
            errors.Add(Rules.Format(field, vi, en, $"chữ, số, dấu chấm, gạch ngang; tối đa {MaxCode} ký tự",
                $"letters, digits, dots, hyphens, underscores; at most {MaxCode} characters"));
        return code;
    }

    private static void CheckUnique(List<string?> codes, string list, string vi, string en, List<FieldError> errors)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < codes.Count; i++)
            if (codes[i] is { } code && !seen.Add(code)) errors.Add(Rules.Unique($"{list}[{i}].code", vi, en));
    }

    /// <summary>Keeps the given codes and numbers the missing ones PREFIX01, PREFIX02… by position, skipping codes in use.</summary>
    private static List<string> ItemCodes(List<string?> given, string prefix)
    {
        var used = given.Where(c => c is not null).ToHashSet(StringComparer.Ordinal);
        var result = new List<string>(given.Count);
        for (var i = 0; i < given.Count; i++)
        {
            if (given[i] is { } code) { result.Add(code); continue; }
            var n = i + 1;
            string generated;
            while (used.Contains(generated = SourceRules.ItemCode(prefix, n))) n++;
            used.Add(generated);
            result.Add(generated);
        }
        return result;
    }

    private static ProcessingTime? CheckDuration(DurationInput? d, string field, string vi, string en, List<FieldError> errors)
    {
        if (d is null) return null;
        var unitVi = $"Đơn vị tính ({vi})";
        if (string.IsNullOrWhiteSpace(d.Unit)) errors.Add(Rules.Required($"{field}.unit", unitVi, $"{en}'s unit"));
        var unit = OneOf(d.Unit, $"{field}.unit", unitVi, $"{en}'s unit", Units, errors);
        if (d.Amount is null) errors.Add(Rules.Required($"{field}.amount", vi, $"{en}'s amount"));
        else if (d.Amount is < 1 or > MaxDays) errors.Add(Rules.Range($"{field}.amount", vi, $"{en}'s amount", 1, MaxDays));
        return unit is { } u && d.Amount is { } a ? new ProcessingTime(a, u) : null;
    }

    private static DateOnly? CheckDate(string? text, string field, string vi, string en, List<FieldError> errors)
    {
        var clean = Rules.Text(text, field, errors);
        if (clean is null) return null;
        if (Rules.TryParseDate(clean, out var date)) return date;
        errors.Add(Rules.Date(field, vi, en));
        return null;
    }

    [GeneratedRegex(@"^[0-9A-Za-z]{1,20}(\.[0-9A-Za-z]{1,20}){0,5}\z")]
    private static partial Regex AgencyIdentifier();

    [GeneratedRegex(@"^[0-9A-Za-z][0-9A-Za-z._-]{0,49}\z")]
    private static partial Regex ItemCode();
}

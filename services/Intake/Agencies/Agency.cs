using Procedures.Intake.Catalogue;
using Procedures.ServiceDefaults;

namespace Procedures.Intake.Agencies;

/// <summary>
/// What a version of an agency states. <see cref="EffectiveTo"/> is exclusive; null dates are open. <see cref="LocalScheme"/>:
/// the identifier follows our documented local scheme (docs/agencies.md), not a confirmed national identifier.
/// </summary>
public sealed record AgencyContent(
    string Name, string Kind, bool Decides, DateOnly? EffectiveFrom, DateOnly? EffectiveTo, bool LocalScheme, string? Source);

/// <summary>One stored version of an agency.</summary>
public sealed record AgencyVersion(string Id, int Version, AgencyContent Content, DateTimeOffset CreatedAt)
{
    /// <summary>True when the agency exists on <paramref name="day"/> (Vietnam date) and decides procedures.</summary>
    public bool MayDecideOn(DateOnly day) => Content.Decides && Agency.InForce(Content, day);
}

/// <summary>An agency as the API shows it: the current version, flat.</summary>
public sealed record AgencyView(
    string Id, int Version, string Name, string Kind, bool Decides, DateOnly? EffectiveFrom, DateOnly? EffectiveTo, bool LocalScheme,
    string? Source, DateTimeOffset CreatedAt)
{
    public static AgencyView From(AgencyVersion v) => new(v.Id, v.Version, v.Content.Name, v.Content.Kind, v.Content.Decides,
        v.Content.EffectiveFrom, v.Content.EffectiveTo, v.Content.LocalScheme, v.Content.Source, v.CreatedAt);
}

/// <summary>GET /api/v1/agencies/{id}: the current version and every version, oldest first.</summary>
public sealed record AgencyDetail(AgencyView Current, IReadOnlyList<AgencyView> Versions);

/// <summary>POST/PUT body of an agency. On PUT, <see cref="Id"/> may be omitted (the path names it); BaseVersion guards lost updates.</summary>
public sealed record AgencyInput(
    string? Id = null, string? Name = null, string? Kind = null, bool? Decides = null, DateOnly? EffectiveFrom = null,
    DateOnly? EffectiveTo = null, bool? LocalScheme = null, string? Source = null, int? BaseVersion = null);

/// <summary>The register's rules, as pure functions: kinds, input validation, and whether an agency may decide.</summary>
public static partial class Agency
{
    public const string CityPeopleCommittee = "city-people-committee";
    public const string CommunePeopleCommittee = "commune-people-committee";
    public const string CommunePolice = "commune-police";
    public const string Department = "department";
    public const string Police = "police";

    public static readonly IReadOnlyList<string> Kinds = [CityPeopleCommittee, CommunePeopleCommittee, CommunePolice, Department, Police];

    public const int MaxName = 300, MaxSource = 2000, MaxId = 100;

    public static bool InForce(AgencyContent c, DateOnly day)
        => (c.EffectiveFrom is not { } from || from <= day) && (c.EffectiveTo is not { } to || day < to);

    /// <summary>
    /// The refusal of <paramref name="field"/> naming <paramref name="id"/> as deciding agency when the register does not
    /// hold it (<paramref name="agency"/> null) or holds it as not deciding on <paramref name="day"/>; null when it may decide.
    /// </summary>
    public static FieldError? CheckDeciding(string field, string id, AgencyVersion? agency, DateOnly day) => agency switch
    {
        null => new(field, "unknown-agency", $"Cơ quan {id} không có trong danh mục cơ quan của Thành phố",
            $"Agency {id} is not in the city's register of agencies"),
        _ when !agency.MayDecideOn(day) => new(field, "unknown-agency",
            $"Cơ quan {id} không (hoặc không còn) giải quyết thủ tục hành chính", $"Agency {id} does not (or no longer) decide procedures"),
        _ => null,
    };

    /// <summary>Validates an agency body; the identifier from the path (PUT) wins over the body's.</summary>
    public static (string? Id, AgencyContent? Content, IReadOnlyList<FieldError> Errors) Validate(AgencyInput input, string? pathId = null)
    {
        var errors = new List<FieldError>();
        var id = pathId ?? Rules.Text(input.Id, "id", errors);
        if (pathId is not null && input.Id is { Length: > 0 } bodyId && bodyId.Trim() != pathId)
            errors.Add(new("id", "mismatch", "Mã cơ quan trong nội dung khác với đường dẫn", "The id in the body differs from the path"));
        if (id is null) errors.Add(Rules.Required("id", "Mã cơ quan", "The agency id"));
        else if (id.Length > MaxId || !Identifier().IsMatch(id))
            errors.Add(Rules.Format("id", "Mã cơ quan", "The agency id", "mã định danh như 000.00.00.H29", "an identifier such as 000.00.00.H29"));
        var name = Rules.Text(input.Name, "name", errors);
        if (name is null) errors.Add(Rules.Required("name", "Tên cơ quan", "The name"));
        else if (name.Length > MaxName) errors.Add(Rules.MaxLength("name", "Tên cơ quan", "The name", MaxName));
        var kind = Rules.Text(input.Kind, "kind", errors);
        if (kind is null) errors.Add(Rules.Required("kind", "Loại cơ quan", "The kind"));
        else if (!Kinds.Contains(kind)) errors.Add(Rules.OneOf("kind", "Loại cơ quan", "The kind", Kinds));
        var source = Rules.Text(input.Source, "source", errors);
        if (source is { Length: > MaxSource }) errors.Add(Rules.MaxLength("source", "Nguồn", "The source", MaxSource));
        if (input.EffectiveFrom is { } from && input.EffectiveTo is { } to && to <= from)
            errors.Add(new("effectiveTo", "after-effective-from", "Ngày hết hiệu lực phải sau ngày có hiệu lực",
                "effectiveTo must be later than effectiveFrom"));
        if (input.BaseVersion is < 1)
            errors.Add(Rules.Range("baseVersion", "Phiên bản gốc", "The base version", 1, int.MaxValue));
        return errors.Count > 0
            ? (id, null, errors)
            : (id, new AgencyContent(name!, kind!, input.Decides ?? true, input.EffectiveFrom, input.EffectiveTo, input.LocalScheme ?? true, source),
                errors);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[0-9A-Za-z]{1,20}(\.[0-9A-Za-z]{1,20}){0,5}\z")]
    private static partial System.Text.RegularExpressions.Regex Identifier();
}

using System.Text;
using System.Text.RegularExpressions;
using Procedures.ServiceDefaults;

namespace Procedures.Intake.Catalogue;

/// <summary>
/// The register of fields (lĩnh vực): each field's code and name as the national portal receives them (MaLinhVuc,
/// TenLinhVuc). Data/hcmc-fields.csv (<c>code,name,ministry</c>; source and scheme: docs/data-sources.md#fields) lists
/// the fields of the seeded procedures. A procedure states its field code, or takes the register's code for its field name.
/// </summary>
public static partial class ProcedureFields
{
    public const string Resource = "Procedures.Intake.Data.hcmc-fields.csv";
    public const int MaxCode = 50;

    private static readonly Lazy<IReadOnlyDictionary<string, string>> Embedded = new(() => Parse(ReadResource()));

    /// <summary>The register's code for <paramref name="fieldName"/> (matched ignoring case), or null for a field it does not list.</summary>
    public static string? CodeOf(string? fieldName)
        => fieldName is not null && Embedded.Value.TryGetValue(fieldName.Trim().Normalize(NormalizationForm.FormC), out var code) ? code : null;

    /// <summary>Every field of the register: name → code.</summary>
    public static IReadOnlyDictionary<string, string> All => Embedded.Value;

    /// <summary>Checks a stated field code (letters, digits, '.', '-', '_'; at most <see cref="MaxCode"/>); null when absent.</summary>
    public static string? Check(string? text, string at, List<FieldError> errors)
    {
        var code = Rules.Text(text, at, errors);
        if (code is null) return null;
        if (code.Length > MaxCode) errors.Add(Rules.MaxLength(at, "Mã lĩnh vực", "The field code", MaxCode));
        else if (!CodeShape().IsMatch(code))
            errors.Add(Rules.Format(at, "Mã lĩnh vực", "The field code", "chữ, số, '.', '-', '_', ví dụ BTP-HOTICH",
                "letters, digits, '.', '-', '_', e.g. BTP-HOTICH"));
        else return code;
        return null;
    }

    /// <summary>Reads the register's CSV; a malformed file is a build defect, so it throws.</summary>
    public static IReadOnlyDictionary<string, string> Parse(string csv)
    {
        var errors = new List<FieldError>();
        var records = ProcedureCsv.Split(csv, errors);
        if (errors.Count > 0 || records.Count == 0 || !records[0].Fields.SequenceEqual(["code", "name", "ministry"]))
            throw new InvalidDataException("hcmc-fields.csv: the header must be code,name,ministry and the text RFC 4180 CSV.");
        var byName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (line, fields) in records.Skip(1).Where(r => r.Fields is not [""]))
        {
            if (fields.Count != 3 || Check(fields[0], "code", errors) is not { } code || fields[1].Trim().Length == 0
                || !byName.TryAdd(fields[1].Trim().Normalize(NormalizationForm.FormC), code))
                throw new InvalidDataException($"hcmc-fields.csv line {line}: a row is a valid code, a name not listed before, and a ministry.");
        }
        return byName;
    }

    private static string ReadResource()
    {
        using var stream = typeof(ProcedureFields).Assembly.GetManifestResourceStream(Resource)
            ?? throw new InvalidOperationException($"Embedded resource {Resource} is missing (Intake.csproj embeds Data\\*.csv).");
        using var reader = new StreamReader(stream, new UTF8Encoding(false, throwOnInvalidBytes: true));
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex CodeShape();
}

using Procedures.ServiceDefaults;

namespace Procedures.Intake.Dossiers;

/// <summary>
/// The cases a submission declares apply (the keys of the procedure's conditional components, e.g.
/// <c>cho-o-thue-muon-o-nho</c>): each one's components must then be present (ProcedureRules.Check).
/// </summary>
public static class DeclaredCases
{
    public const int MaxCases = 20;

    public static IReadOnlyList<string> Normalize(IReadOnlyList<string>? cases, List<FieldError> errors)
    {
        if (cases is null) return [];
        if (cases.Count > MaxCases)
        {
            errors.Add(new("cases", "max-items", $"Tối đa {MaxCases} trường hợp", $"At most {MaxCases} cases"));
            return [];
        }
        var clean = new List<string>(cases.Count);
        for (var i = 0; i < cases.Count; i++)
        {
            var key = TextInput.Clean(cases[i], $"cases[{i}]", errors);
            if (string.IsNullOrEmpty(key) || key.Length > 200)
                errors.Add(new($"cases[{i}]", "required", "Mã trường hợp là bắt buộc (tối đa 200 ký tự)", "A case key is required (at most 200 characters)"));
            else if (!clean.Contains(key, StringComparer.Ordinal)) clean.Add(key);
        }
        return clean;
    }
}

using Procedures.Intake.Catalogue;
using Procedures.ServiceDefaults;

namespace Procedures.Intake.Dossiers;

/// <summary>
/// The component rule of a submission (docs/domain.md#components): every required component, at least one of each
/// alternatives group, and every conditional component whose case the submission declares; a declared case must be
/// one of the procedure's. Each error names what is missing and why.
/// </summary>
public static class Components
{
    public static IReadOnlyList<FieldError> Missing(IReadOnlyList<RequiredDocument> components, IReadOnlyList<DocumentReference> documents,
        IReadOnlyList<string> cases)
    {
        var errors = new List<FieldError>();
        var present = documents.Select(d => d.ComponentCode).ToHashSet(StringComparer.Ordinal);
        var declared = cases.ToHashSet(StringComparer.Ordinal);
        var offered = components.Where(c => c.Case is not null).Select(c => c.Case!.Key).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < cases.Count; i++)
            if (!offered.Contains(cases[i]))
                errors.Add(new($"cases[{i}]", "unknown-case",
                    $"Thủ tục không có trường hợp {cases[i]}; các trường hợp: {List(offered)}",
                    $"The procedure has no case {cases[i]}; its cases: {List(offered)}"));

        foreach (var c in components.Where(c => !present.Contains(c.Code)))
        {
            if (c.Kind == ComponentKind.Required)
                errors.Add(new("documents", "missing-document",
                    $"Thiếu thành phần hồ sơ bắt buộc {c.Code}: {c.Name}",
                    $"Missing required component {c.Code}: {c.Name}"));
            else if (c is { Kind: ComponentKind.Conditional, Case: { } @case } && declared.Contains(@case.Key))
                errors.Add(new("documents", "missing-conditional-document",
                    $"Thiếu thành phần hồ sơ {c.Code}: {c.Name}: bắt buộc vì hồ sơ khai trường hợp \"{@case.Vi}\" ({@case.Key})",
                    $"Missing component {c.Code}: {c.Name}: required because the dossier declares the case \"{@case.En}\" ({@case.Key})"));
        }
        foreach (var group in components.Where(c => c.Kind == ComponentKind.Alternatives).GroupBy(c => c.Alternatives!, StringComparer.Ordinal))
            if (!group.Any(c => present.Contains(c.Code)))
                errors.Add(new("documents", "missing-alternative",
                    $"Thiếu một trong các thành phần hồ sơ thay thế nhau (nhóm {group.Key}): {string.Join("; ", group.Select(c => $"{c.Code}: {c.Name}"))}",
                    $"Missing one of the alternative components (group {group.Key}): {string.Join("; ", group.Select(c => $"{c.Code}: {c.Name}"))}"));
        return errors;
    }

    private static string List(IEnumerable<string> keys) => keys.Any() ? string.Join(", ", keys.Order(StringComparer.Ordinal)) : "—";
}

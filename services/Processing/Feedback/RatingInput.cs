using Procedures.ServiceDefaults;

namespace Procedures.Processing.Feedback;

/// <summary>A rating as posted: a level code and, when the level asks for them, reason codes from the configured list.</summary>
public sealed record RatingRequest(string? Level, IReadOnlyList<string?>? Reasons);

/// <summary>A validated rating.</summary>
public sealed record Rating(RatingLevel Level, IReadOnlyList<string> Reasons);

public static class RatingInput
{
    /// <summary>Checks the level and reasons against the configured lists; null (and errors) when wrong.</summary>
    public static Rating? Validate(RatingRequest? request, RatingSettings settings, List<FieldError> errors)
    {
        var code = TextInput.Clean(request?.Level, "level", errors);
        var level = settings.EffectiveLevels.FirstOrDefault(l => string.Equals(l.Code, code, StringComparison.Ordinal));
        if (level is null)
            errors.Add(new("level", "one-of", "Mức độ hài lòng không hợp lệ",
                $"level is one of {string.Join(", ", settings.EffectiveLevels.Select(l => l.Code))}"));
        var reasons = new List<string>();
        var known = settings.EffectiveReasons.Select(r => r.Code).ToHashSet(StringComparer.Ordinal);
        foreach (var (reason, i) in (request?.Reasons ?? []).Select((r, i) => (r, i)))
        {
            var r = TextInput.Clean(reason, $"reasons[{i}]", errors);
            if (r is null || !known.Contains(r))
                errors.Add(new($"reasons[{i}]", "one-of", "Lý do không nằm trong danh mục", $"A reason is one of {string.Join(", ", known)}"));
            else if (!reasons.Contains(r)) reasons.Add(r);
        }
        if (request?.Reasons is { Count: > 20 })
            errors.Add(new("reasons", "max-items", "Quá nhiều lý do", "At most 20 reasons"));
        if (level is { ReasonsRequired: true } && reasons.Count == 0 && !errors.Any(e => e.Field.StartsWith("reasons", StringComparison.Ordinal)))
            errors.Add(new("reasons", "required-when-dissatisfied", "Cần chọn ít nhất một lý do không hài lòng",
                "At least one reason is required for this level"));
        return level is null || errors.Count > 0 ? null : new Rating(level, reasons);
    }
}

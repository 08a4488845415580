using System.Globalization;
using Procedures.ServiceDefaults;

namespace Procedures.Intake.Catalogue;

/// <summary>The catalogue's field errors: one rule name and one bilingual sentence per kind of mistake.</summary>
internal static class Rules
{
    public static FieldError Required(string field, string vi, string en)
        => new(field, "required", $"{vi} là bắt buộc", $"{en} is required");

    public static FieldError MaxLength(string field, string vi, string en, int max)
        => new(field, "max-length", $"{vi} tối đa {max} ký tự", $"{en} has at most {max} characters");

    public static FieldError OneOf(string field, string vi, string en, IEnumerable<string> allowed)
    {
        var list = string.Join(", ", allowed);
        return new(field, "one-of", $"{vi} phải là một trong các giá trị: {list}", $"{en} must be one of: {list}");
    }

    public static FieldError Format(string field, string vi, string en, string shapeVi, string shapeEn)
        => new(field, "format", $"{vi} không đúng định dạng ({shapeVi})", $"{en} is malformed ({shapeEn})");

    public static FieldError Range(string field, string vi, string en, long min, long max)
        => new(field, "range", $"{vi} phải từ {min.ToString(CultureInfo.InvariantCulture)} đến {max.ToString(CultureInfo.InvariantCulture)}",
            $"{en} must be between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}");

    public static FieldError Date(string field, string vi, string en)
        => new(field, "date", $"{vi} phải là ngày dạng yyyy-MM-dd", $"{en} must be a date written yyyy-MM-dd");

    public static FieldError Unique(string field, string vi, string en)
        => new(field, "unique", $"{vi} bị trùng lặp", $"{en} occurs more than once");

    public static FieldError MaxItems(string field, string vi, string en, int max)
        => new(field, "max-items", $"{vi} tối đa {max} mục", $"{en} has at most {max} items");

    /// <summary>Cleans (NFC, trimmed, no control characters) and treats blank as absent.</summary>
    public static string? Text(string? text, string field, List<FieldError> errors)
        => TextInput.Clean(text, field, errors) is { Length: > 0 } clean ? clean : null;

    public static bool TryParseDate(string? text, out DateOnly date)
        => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);
}

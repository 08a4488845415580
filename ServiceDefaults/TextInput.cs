using System.Text;

namespace Procedures.ServiceDefaults;

/// <summary>
/// Text from clients before validation and storage: Unicode NFC (Vietnamese arrives both precomposed and with
/// combining marks, and "Nguyễn" must equal "Nguyễn"), trimmed, and refused when it carries lone surrogates
/// (invalid Unicode, which Postgres cannot store) or control characters (NUL cannot be stored either).
/// </summary>
public static class TextInput
{
    public enum Problem { None, InvalidUnicode, ControlCharacter }

    public static Problem Check(string? text, out string normalized)
    {
        normalized = "";
        if (text is null) return Problem.None;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
            if (char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF') return Problem.InvalidUnicode; // lone surrogates, noncharacters
            if (char.IsControl(c)) return Problem.ControlCharacter;
        }
        try
        {
            normalized = text.Normalize(NormalizationForm.FormC).Trim();
        }
        catch (ArgumentException)
        {
            return Problem.InvalidUnicode; // anything else Normalize cannot handle
        }
        return Problem.None;
    }

    /// <summary>Normalises <paramref name="text"/> or adds the field error saying which rule it broke.</summary>
    public static string? Clean(string? text, string field, List<FieldError> errors)
    {
        switch (Check(text, out var normalized))
        {
            case Problem.InvalidUnicode:
                errors.Add(new(field, "invalid-unicode", "Chuỗi ký tự Unicode không hợp lệ", "Invalid Unicode text"));
                return null;
            case Problem.ControlCharacter:
                errors.Add(new(field, "control-character", "Không được chứa ký tự điều khiển", "Control characters are not allowed"));
                return null;
            default:
                return text is null ? null : normalized;
        }
    }
}

using System.Globalization;
using System.Text;

namespace Procedures.ServiceDefaults;

/// <summary>
/// Text from clients before validation and storage: Unicode NFC (Vietnamese arrives both precomposed and with
/// combining marks, and "Nguyễn" must equal "Nguyễn"), trimmed, and refused when it carries lone surrogates
/// (invalid Unicode, which Postgres cannot store), control characters (NUL cannot be stored either) or format
/// characters (category Cf: bidirectional overrides and isolates, zero-width space/joiners, BOM, soft hyphen, tags).
/// Format characters are invisible: a name carrying U+202E displays reversed, one carrying U+200B looks equal to another
/// it is not equal to. Vietnamese needs none of them (U+200C/U+200D, the joiners, serve Indic scripts and emoji
/// sequences, neither of which a name, an address or a note here needs), so all of Cf is refused, with no exceptions.
/// </summary>
public static class TextInput
{
    public enum Problem { None, InvalidUnicode, ControlCharacter, FormatCharacter }

    public static Problem Check(string? text, out string normalized)
    {
        normalized = "";
        if (text is null) return Problem.None;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                if (CharUnicodeInfo.GetUnicodeCategory(text, i) == UnicodeCategory.Format) return Problem.FormatCharacter; // e.g. tags U+E0001
                i++;
                continue;
            }
            if (char.IsSurrogate(c) || c is '\uFFFE' or '\uFFFF') return Problem.InvalidUnicode; // lone surrogates, noncharacters
            if (char.IsControl(c)) return Problem.ControlCharacter;
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format) return Problem.FormatCharacter;
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
            case Problem.FormatCharacter:
                errors.Add(new(field, "format-character", "Không được chứa ký tự định dạng vô hình (đảo chiều, độ rộng bằng không, BOM)",
                    "Invisible format characters (bidirectional controls, zero-width characters, BOM) are not allowed"));
                return null;
            default:
                return text is null ? null : normalized;
        }
    }
}

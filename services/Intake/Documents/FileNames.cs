using System.Globalization;
using System.Text;

namespace Procedures.Intake.Documents;

/// <summary>
/// The client's file name is display metadata only: documents are stored under a server-generated id, and no
/// file-system path is ever built from a name. It is still cleaned, because it is shown to officials and handed
/// back in Content-Disposition, where a path, a control character or a right-to-left override would mislead.
/// </summary>
public static class FileNames
{
    public const int MaxLength = 255;

    /// <summary>Longest extension (with its dot) kept when a long name is shortened.</summary>
    private const int MaxKeptExtension = 16;

    private static readonly HashSet<string> DeviceNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    };

    /// <summary>
    /// The name to keep for display, or null when nothing usable remains: control, format (bidi overrides, zero-width)
    /// and separator characters and invalid UTF-16 removed, other spaces made plain, Unicode NFC, only the part after
    /// the last '/' or '\' kept, characters Windows forbids in names replaced by '_', leading and trailing dots and
    /// spaces trimmed, a device name (CON, NUL…) prefixed with '_', at most 255 characters (cut at a character
    /// boundary, extension kept).
    /// </summary>
    public static string? Display(string? raw)
    {
        if (string.IsNullOrEmpty(raw)) return null;
        var kept = new StringBuilder(Math.Min(raw.Length, 4 * MaxLength));
        foreach (var rune in raw.EnumerateRunes()) // a lone surrogate arrives as U+FFFD
        {
            if (rune == Rune.ReplacementChar) continue;
            switch (Rune.GetUnicodeCategory(rune))
            {
                case UnicodeCategory.Control:
                case UnicodeCategory.Format:
                case UnicodeCategory.LineSeparator:
                case UnicodeCategory.ParagraphSeparator:
                case UnicodeCategory.Surrogate:
                case UnicodeCategory.PrivateUse:
                case UnicodeCategory.OtherNotAssigned:
                    continue;
                case UnicodeCategory.SpaceSeparator:
                    kept.Append(' ');
                    continue;
                default:
                    kept.Append(rune.ToString());
                    continue;
            }
        }

        var name = kept.ToString().Normalize(NormalizationForm.FormC);
        name = name[(name.LastIndexOfAny(['/', '\\']) + 1)..];
        foreach (var reserved in "<>:\"|?*") name = name.Replace(reserved, '_');
        name = name.Trim().Trim('.', ' ');
        if (name.Length == 0) return null;

        var stemEnd = name.IndexOf('.');
        if (DeviceNames.Contains((stemEnd < 0 ? name : name[..stemEnd]).TrimEnd())) name = "_" + name;
        return Fit(name);
    }

    /// <summary>Shortens <paramref name="name"/> to <see cref="MaxLength"/> characters, cutting the stem at a text-element boundary.</summary>
    private static string Fit(string name)
    {
        if (name.Length <= MaxLength) return name;
        var dot = name.LastIndexOf('.');
        var extension = dot > 0 && name.Length - dot <= MaxKeptExtension ? name[dot..] : "";
        var stem = extension.Length > 0 ? name[..dot] : name;
        var budget = MaxLength - extension.Length;
        var length = 0;
        while (length < stem.Length)
        {
            var next = StringInfo.GetNextTextElementLength(stem, length);
            if (length + next > budget) break;
            length += next;
        }
        return stem[..length].TrimEnd('.', ' ') + extension;
    }

    /// <summary>
    /// A Content-Disposition value (RFC 6266) that makes the browser save, not show, the document: an ASCII
    /// <c>filename</c> for old clients (Vietnamese diacritics dropped, anything unsafe as '_') and the exact name as
    /// RFC 8187 <c>filename*</c>. The name ends with the extension of the content's real type, so a document is
    /// never saved as, say, ".html"; without a display name it is "document-{id}".
    /// </summary>
    public static string ContentDisposition(string? displayName, string mediaType, Guid id)
    {
        var name = displayName is { Length: > 0 } ? displayName : $"document-{id:N}";
        var extensions = DocumentTypes.Extensions(mediaType);
        if (extensions.Count > 0 && !extensions.Contains(DocumentTypes.DeclaredExtension(name) ?? ""))
            name = Fit(name + extensions[0]);
        return $"attachment; filename=\"{AsciiFallback(name)}\"; filename*=UTF-8''{Rfc8187(name)}";
    }

    /// <summary>"Giấy khai sinh Đặng.pdf" → "Giay khai sinh Dang.pdf"; what remains outside printable ASCII, and " \ %, becomes '_'.</summary>
    private static string AsciiFallback(string name)
    {
        var ascii = new StringBuilder(name.Length);
        foreach (var c in name.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            var mapped = c switch { 'đ' => 'd', 'Đ' => 'D', _ => c };
            ascii.Append(mapped is >= ' ' and <= '~' and not '"' and not '\\' and not '%' ? mapped : '_');
        }
        return ascii.ToString();
    }

    /// <summary>RFC 8187 ext-value body: UTF-8, every byte outside attr-char percent-encoded.</summary>
    private static string Rfc8187(string name)
    {
        var encoded = new StringBuilder(name.Length * 3);
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || "!#$&+-.^_`|~".Contains((char)b, StringComparison.Ordinal)) encoded.Append((char)b);
            else encoded.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return encoded.ToString();
    }
}

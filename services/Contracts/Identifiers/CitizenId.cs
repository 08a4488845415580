using System.Diagnostics.CodeAnalysis;

namespace Procedures.Contracts.Identifiers;

/// <summary>
/// Số định danh cá nhân / CCCD: 12 digits = birth-registration province (3, from the pre-2025 list of 63
/// provinces: numbers issued before the merger stay valid), sex + century (1), birth year (2), serial (6).
/// There is no check digit, so validity means: length, digits, a known province, a birth year not in the future.
/// </summary>
public readonly record struct CitizenId
{
    public string Value { get; }

    private CitizenId(string value) => Value = value;

    public enum Problem { None, Format, Province, BirthYear }

    /// <summary>The 63 province codes of CCCD numbers (Circular 07/2016/TT-BCA, pre-2025 provinces).</summary>
    public static readonly IReadOnlySet<string> ProvinceCodes = new HashSet<string>(StringComparer.Ordinal)
    {
        "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020", "022", "024", "025",
        "026", "027", "030", "031", "033", "034", "035", "036", "037", "038", "040", "042", "044", "045", "046", "048",
        "049", "051", "052", "054", "056", "058", "060", "062", "064", "066", "067", "068", "070", "072", "074", "075",
        "077", "079", "080", "082", "083", "084", "086", "087", "089", "091", "092", "093", "094", "095", "096",
    };

    public static Problem Check(string? text, DateOnly today, [NotNullWhen(true)] out CitizenId? id)
    {
        id = null;
        if (text is null || text.Length != 12 || !text.All(char.IsAsciiDigit)) return Problem.Format;
        if (!ProvinceCodes.Contains(text[..3])) return Problem.Province;
        var centuryDigit = text[3] - '0';
        // 0/1: 1900s, 2/3: 2000s, 4/5: 2100s, 6/7: 2200s, 8/9: 1800s (odd = female).
        var century = centuryDigit switch { 0 or 1 => 1900, 2 or 3 => 2000, 4 or 5 => 2100, 6 or 7 => 2200, _ => 1800 };
        var year = century + int.Parse(text.AsSpan(4, 2), System.Globalization.CultureInfo.InvariantCulture);
        if (year > today.Year) return Problem.BirthYear;
        id = new CitizenId(text);
        return Problem.None;
    }

    /// <summary>For logs and screens that must not show the number: the province code only.</summary>
    public string Masked => Mask(Value);

    public static string Mask(string? text) => text is { Length: >= 3 } ? text[..3] + new string('*', Math.Max(0, text.Length - 3)) : "***";

    public string Last4 => Value[^4..];

    public override string ToString() => Masked; // never print the number by accident
}

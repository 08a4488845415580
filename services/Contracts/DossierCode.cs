using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Procedures.Contracts;

/// <summary>
/// Mã hồ sơ: <c>{receiving unit identifier}-{yyMMdd}-{daily sequence, ≥ 4 digits}</c>, e.g. <c>38.98.H29-210519-0003</c>.
/// The sequence widens to 5+ digits rather than wrapping after 9999.
/// </summary>
public readonly partial record struct DossierCode
{
    public string Value { get; }

    /// <summary>The receiving unit that issued the code (its prefix).</summary>
    public string ReceivingUnit { get; }

    /// <summary>The Vietnam date the code was issued on.</summary>
    public DateOnly IssuedOn { get; }

    private DossierCode(string value, string receivingUnit, DateOnly issuedOn) => (Value, ReceivingUnit, IssuedOn) = (value, receivingUnit, issuedOn);

    public static DossierCode Create(string unitIdentifier, DateOnly vietnamDate, long dailySequence)
    {
        if (!UnitPattern().IsMatch(unitIdentifier))
            throw new ArgumentException($"'{unitIdentifier}' is not a receiving-unit identifier.", nameof(unitIdentifier));
        ArgumentOutOfRangeException.ThrowIfLessThan(dailySequence, 1);
        var date = vietnamDate.ToString("yyMMdd", CultureInfo.InvariantCulture);
        return new DossierCode($"{unitIdentifier}-{date}-{dailySequence.ToString("D4", CultureInfo.InvariantCulture)}", unitIdentifier,
            vietnamDate);
    }

    public static bool TryParse(string? text, [NotNullWhen(true)] out DossierCode? code)
    {
        code = null;
        if (text is null) return false;
        var m = CodePattern().Match(text);
        if (!m.Success) return false;
        if (!DateOnly.TryParseExact(m.Groups["date"].Value, "yyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var issuedOn))
            return false;
        code = new DossierCode(text, m.Groups["unit"].Value, issuedOn);
        return true;
    }

    public override string ToString() => Value;

    [GeneratedRegex(@"^[0-9A-Za-z]+(\.[0-9A-Za-z]+)*\z")]
    private static partial Regex UnitPattern();

    [GeneratedRegex(@"^(?<unit>[0-9A-Za-z]+(\.[0-9A-Za-z]+)*)-(?<date>[0-9]{6})-(?<seq>(?!0+\z)[0-9]{4,})\z")]
    private static partial Regex CodePattern();
}

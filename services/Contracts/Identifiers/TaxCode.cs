using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Procedures.Contracts.Identifiers;

/// <summary>
/// Mã số thuế doanh nghiệp: 10 digits, optionally "-NNN" for a branch. Check digit
/// N10 = 10 − (Σ Nᵢ·Wᵢ mod 11), W = 31, 29, 23, 19, 17, 13, 7, 5, 3 (a result of 10 cannot be a digit: invalid).
/// </summary>
public readonly partial record struct TaxCode
{
    private static readonly int[] Weights = [31, 29, 23, 19, 17, 13, 7, 5, 3];

    public string Value { get; }

    private TaxCode(string value) => Value = value;

    public enum Problem { None, Format, CheckDigit }

    public static Problem Check(string? text, [NotNullWhen(true)] out TaxCode? code)
    {
        code = null;
        if (text is null || !Pattern().IsMatch(text)) return Problem.Format;
        var sum = 0;
        for (var i = 0; i < 9; i++) sum += (text[i] - '0') * Weights[i];
        var check = 10 - sum % 11;
        if (check == 10 || check != text[9] - '0') return Problem.CheckDigit;
        code = new TaxCode(text);
        return Problem.None;
    }

    public override string ToString() => Value;

    [GeneratedRegex(@"^[0-9]{10}(-[0-9]{3})?\z")]
    private static partial Regex Pattern();
}

using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Procedures.Intake.Catalogue;

/// <summary>
/// Mã thủ tục: a national code <c>1.000948</c> (one digit, a dot, six digits) or HCMC's local variant of it with
/// the city's portal suffix, <c>1.000948.H29</c> (docs/domain.md#procedure-codes).
/// </summary>
public readonly partial record struct ProcedureCode
{
    public const string CitySuffix = ".H29";

    public string Value { get; }

    private ProcedureCode(string value) => Value = value;

    public bool IsLocalVariant => Value.EndsWith(CitySuffix, StringComparison.Ordinal);

    /// <summary>The online service code (MaDVC): the procedure code + <c>.01</c>.</summary>
    public string OnlineServiceCode => Value + ".01";

    public static bool TryParse(string? text, [NotNullWhen(true)] out ProcedureCode? code)
    {
        code = text is not null && Pattern().IsMatch(text) ? new ProcedureCode(text) : null;
        return code is not null;
    }

    public static ProcedureCode Parse(string text)
        => TryParse(text, out var code) ? code.Value : throw new FormatException($"'{text}' is not a procedure code.");

    public override string ToString() => Value;

    [GeneratedRegex(@"^[0-9]\.[0-9]{6}(\.H29)?\z")]
    private static partial Regex Pattern();
}

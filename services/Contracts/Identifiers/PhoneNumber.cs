using System.Text.RegularExpressions;

namespace Procedures.Contracts.Identifiers;

/// <summary>Vietnamese mobile numbers: <c>^(0|\+84)(3|5|7|8|9)\d{8}$</c> (DOMAIN.md), ASCII digits only.</summary>
public static partial class PhoneNumber
{
    public static bool IsValid(string? text) => text is not null && Pattern().IsMatch(text);

    /// <summary>For logs: the last three digits only.</summary>
    public static string Mask(string? text) => text is { Length: > 3 } ? new string('*', text.Length - 3) + text[^3..] : "***";

    [GeneratedRegex(@"^(0|\+84)(3|5|7|8|9)[0-9]{8}\z")]
    private static partial Regex Pattern();
}

using System.Text.RegularExpressions;

namespace Procedures.Contracts.Identifiers;

/// <summary>
/// Vietnamese phone numbers, ASCII digits only, written 0… or +84…: mobiles <c>(0|\+84)(3|5|7|8|9)\d{8}</c>
/// (docs/domain.md#identifiers) and landlines <c>(0|\+84)2\d{9}</c> — since 2017 a landline is a two-digit area code starting with 2
/// (28 for Hồ Chí Minh City, 24 for Hà Nội) and eight digits, e.g. 028 3829 1234. Applicants of the offices give
/// either, so both are accepted; the rule lives here only.
/// </summary>
public static partial class PhoneNumber
{
    public static bool IsValid(string? text) => text is not null && Pattern().IsMatch(text);

    /// <summary>For logs: the last three digits only.</summary>
    public static string Mask(string? text) => text is { Length: > 3 } ? new string('*', text.Length - 3) + text[^3..] : "***";

    [GeneratedRegex(@"^(0|\+84)((3|5|7|8|9)[0-9]{8}|2[0-9]{9})\z")]
    private static partial Regex Pattern();
}

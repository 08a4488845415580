using System.Globalization;
using Procedures.Contracts;

namespace Procedures.Services.Tests;

[Trait("Kind", "Pure")]
public sealed class DossierCodeTests
{
    private static readonly DateOnly May19th2021 = new(2021, 5, 19);

    [Fact]
    public void Code_joins_unit_Vietnam_date_and_four_digit_sequence()
    {
        var code = DossierCode.Create("38.98.H29", May19th2021, 3);

        Assert.Equal("38.98.H29-210519-0003", code.Value);
        Assert.Equal(code.Value, code.ToString());
    }

    [Theory]
    [InlineData(1, "0001")]
    [InlineData(42, "0042")]
    [InlineData(9999, "9999")]
    [InlineData(10000, "10000")]
    [InlineData(123456, "123456")]
    public void Code_sequence_is_zero_padded_to_four_digits_and_widens_past_9999_instead_of_wrapping(long sequence, string expected)
    {
        var code = DossierCode.Create("26734", May19th2021, sequence);

        Assert.Equal($"26734-210519-{expected}", code.Value);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Code_sequence_below_one_is_rejected(long sequence)
        => Assert.Throws<ArgumentOutOfRangeException>(() => DossierCode.Create("38.98.H29", May19th2021, sequence));

    [Theory]
    [InlineData("")]
    [InlineData(".H29")]
    [InlineData("H29.")]
    [InlineData("38..98")]
    [InlineData("38 98")]
    [InlineData("38-98")]
    [InlineData("Phường Sài Gòn")]
    [InlineData("38/98")]
    [InlineData("H29\n")]
    public void Code_for_a_malformed_unit_identifier_is_rejected(string unit)
    {
        var error = Assert.Throws<ArgumentException>(() => DossierCode.Create(unit, May19th2021, 1));
        Assert.Equal("unitIdentifier", error.ParamName);
    }

    [Fact]
    public void Code_date_is_gregorian_two_digit_year_whatever_the_current_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            // The Thai culture counts years in the Buddhist era (2564 for 2021) and would give "640519".
            CultureInfo.CurrentCulture = new CultureInfo("th-TH");
            Assert.Equal("38.98.H29-210519-0007", DossierCode.Create("38.98.H29", May19th2021, 7).Value);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Theory]
    [InlineData("38.98.H29-210519-0003")]
    [InlineData("38.98.H29-210519-10000")]
    [InlineData("26734-251129-0001")]
    [InlineData("H29-240229-0001")] // 29 Feb of a leap year
    public void Well_formed_code_parses_to_the_same_text(string text)
    {
        Assert.True(DossierCode.TryParse(text, out var code));
        Assert.Equal(text, code!.Value.Value);
    }

    [Theory]
    [InlineData("38.98.H29-210519-003")]    // sequence shorter than 4 digits
    [InlineData("38.98.H29-21051-0003")]    // date of 5 digits
    [InlineData("38.98.H29-2105190-0003")]  // date of 7 digits
    [InlineData("38.98.H29-211319-0003")]   // month 13
    [InlineData("38.98.H29-210230-0003")]   // 30 February
    [InlineData("38.98.H29-230229-0003")]   // 29 February of a common year
    [InlineData("38.98.H29-210500-0003")]   // day 0
    [InlineData("-210519-0003")]            // no unit
    [InlineData("38..98-210519-0003")]      // empty unit segment
    [InlineData(".H29-210519-0003")]
    [InlineData("38 98-210519-0003")]
    [InlineData("38.98.H29-210519-0003\n")]   // a trailing newline ($ would match before it)
    [InlineData("38.98.H29-210519-٠٠٠٣")]      // Arabic-Indic digits (\d would match them)
    [InlineData("38.98.H29-210519-0000")]      // sequence zero is never issued
    [InlineData("38.98.H29-210519")]        // no sequence
    [InlineData("38.98.H29-210519-00A3")]
    [InlineData("38.98.H29_210519_0003")]
    [InlineData(" 38.98.H29-210519-0003")]
    [InlineData("")]
    [InlineData(null)]
    public void Malformed_code_does_not_parse(string? text)
    {
        Assert.False(DossierCode.TryParse(text, out var code));
        Assert.Null(code);
    }

    [Fact]
    public void Created_code_parses_back_to_itself()
    {
        foreach (var sequence in new long[] { 1, 9999, 10000, 99999, 100000 })
        {
            var created = DossierCode.Create("38.98.H29", new DateOnly(2025, 12, 31), sequence);
            Assert.True(DossierCode.TryParse(created.Value, out var parsed), created.Value);
            Assert.Equal(created, parsed);
        }
    }
}

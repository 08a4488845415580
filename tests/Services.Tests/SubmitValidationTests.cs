using Procedures.Intake.Dossiers;
using Procedures.ServiceDefaults;

namespace Procedures.Services.Tests;

public sealed class SubmitValidationTests
{
    private static readonly Submit.Request Valid = new("1.000948.H29", "38.98.H29", 2, "Nguyễn Văn An");

    private static FieldError Single(Submit.Request request)
    {
        var errors = Submit.Validate(request);
        return Assert.Single(errors);
    }

    private static void AssertBilingual(FieldError error)
    {
        Assert.False(string.IsNullOrWhiteSpace(error.Vi), $"{error.Field}/{error.Rule} has no Vietnamese message");
        Assert.False(string.IsNullOrWhiteSpace(error.En), $"{error.Field}/{error.Rule} has no English message");
        Assert.NotEqual(error.Vi, error.En);
        // Vietnamese text carries diacritics; an English text copied into the Vietnamese slot would not.
        Assert.Contains(error.Vi, c => c > '\u007f');
        Assert.All(error.En, c => Assert.True(c <= '\u007f', $"non-ASCII '{c}' in the English message of {error.Field}/{error.Rule}"));
    }

    [Fact]
    public void Complete_request_has_no_errors()
        => Assert.Empty(Submit.Validate(Valid));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Missing_procedure_code_is_required(string? procedureCode)
    {
        var error = Single(Valid with { ProcedureCode = procedureCode });

        Assert.Equal(("procedureCode", "required"), (error.Field, error.Rule));
        AssertBilingual(error);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" \t")]
    public void Missing_receiving_unit_is_required(string? unit)
    {
        var error = Single(Valid with { ReceivingUnit = unit });

        Assert.Equal(("receivingUnit", "required"), (error.Field, error.Rule));
        AssertBilingual(error);
    }

    [Theory]
    [InlineData("38..98")]
    [InlineData(".H29")]
    [InlineData("H29.")]
    [InlineData("38 98")]
    [InlineData("38-98.H29")]             // a hyphen would make the dossier code ambiguous
    [InlineData("Phường Bến Thành")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTU")] // a segment of 21 characters
    [InlineData("1.2.3.4.5.6.7")]         // seven segments
    public void Malformed_receiving_unit_breaks_the_format_rule(string unit)
    {
        var error = Single(Valid with { ReceivingUnit = unit });

        Assert.Equal(("receivingUnit", "format"), (error.Field, error.Rule));
        AssertBilingual(error);
    }

    [Theory]
    [InlineData("26734")]
    [InlineData("H29")]
    [InlineData("ABCDEFGHIJKLMNOPQRST")] // 20 characters
    [InlineData("1.2.3.4.5.6")]          // six segments
    public void Receiving_unit_of_up_to_six_segments_of_up_to_twenty_characters_is_accepted(string unit)
        => Assert.Empty(Submit.Validate(Valid with { ReceivingUnit = unit }));

    [Theory]
    [InlineData(null)]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(-1)]
    public void Channel_outside_1_to_3_breaks_the_one_of_rule(int? channel)
    {
        var error = Single(Valid with { Channel = channel });

        Assert.Equal(("channel", "one-of"), (error.Field, error.Rule));
        AssertBilingual(error);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Channels_in_person_online_and_postal_are_accepted(int channel)
        => Assert.Empty(Submit.Validate(Valid with { Channel = channel }));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Missing_applicant_name_is_required(string? name)
    {
        var error = Single(Valid with { ApplicantName = name });

        Assert.Equal(("applicantName", "required"), (error.Field, error.Rule));
        AssertBilingual(error);
    }

    [Fact]
    public void Applicant_name_over_200_characters_breaks_the_max_length_rule()
    {
        var error = Single(Valid with { ApplicantName = new string('ễ', 201) });

        Assert.Equal(("applicantName", "max-length"), (error.Field, error.Rule));
        AssertBilingual(error);
    }

    [Fact]
    public void Applicant_name_of_exactly_200_characters_is_accepted()
        => Assert.Empty(Submit.Validate(Valid with { ApplicantName = new string('ễ', 200) }));

    [Fact]
    public void Applicant_name_length_is_counted_after_trimming_as_it_is_stored()
        => Assert.Empty(Submit.Validate(Valid with { ApplicantName = "  " + new string('a', 200) + "  " }));

    [Fact]
    public void Every_broken_field_is_reported_at_once()
    {
        var errors = Submit.Validate(new Submit.Request(null, "38..98", 9, null));

        Assert.Equal(
            [("procedureCode", "required"), ("receivingUnit", "format"), ("channel", "one-of"), ("applicantName", "required")],
            errors.Select(e => (e.Field, e.Rule)).ToArray());
        Assert.All(errors, AssertBilingual);
    }
}

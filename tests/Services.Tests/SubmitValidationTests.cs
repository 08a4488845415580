using Procedures.Intake.Dossiers;
using Procedures.ServiceDefaults;

namespace Procedures.Services.Tests;

[Trait("Kind", "Pure")]
public sealed class SubmitValidationTests
{
    private static readonly Applicant Citizen = new("citizen", "Nguyễn Văn An", "079203001234", null, "0912345678", "an@example.vn", null, true);
    private static readonly Submit.Request Valid = new("1.000948.H29", "38.98.H29", 2, Citizen);
    private static readonly DateOnly Today = new(2026, 11, 28);

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

    [Fact]
    public void Every_broken_field_is_reported_at_once()
    {
        var (_, errors) = Submit.Normalize(new Submit.Request(null, "38..98", 9, null), Today);

        Assert.Equal(
            [("applicant", "required"), ("procedureCode", "required"), ("receivingUnit", "format"), ("channel", "one-of")],
            errors.Select(e => (e.Field, e.Rule)).ToArray());
        Assert.All(errors, AssertBilingual);
    }

    private static (string Field, string Rule)[] ApplicantErrors(Applicant applicant)
        => Submit.Normalize(Valid with { Applicant = applicant }, Today).Errors.Select(e => (e.Field, e.Rule)).ToArray();

    [Fact]
    public void Valid_citizen_and_enterprise_applicants_pass()
    {
        Assert.Empty(ApplicantErrors(Citizen));
        Assert.Empty(ApplicantErrors(new Applicant("enterprise", "Công ty TNHH A", null, "0100109106", null, null, null, false)));
        Assert.Empty(ApplicantErrors(new Applicant("enterprise", "Chi nhánh B", null, "0300588569-001", "+84912345678", null, null, null)));
    }

    [Theory]
    [InlineData("07920300123", "citizen-id-format")]    // 11 digits
    [InlineData("07920300123a", "citizen-id-format")]
    [InlineData("０７９２０３００１２３４", "citizen-id-format")] // full-width digits are not ASCII digits
    [InlineData("003203001234", "citizen-id-province")] // 003 is not a province code
    [InlineData("079299001234", "citizen-id-birth-year")] // 2099: in the future
    [InlineData("079430001234", "citizen-id-birth-year")] // 2130: in the future
    public void Citizen_id_rules_each_have_their_own_rule_name(string citizenId, string rule)
        => Assert.Equal([("applicant.citizenId", rule)], ApplicantErrors(Citizen with { CitizenId = citizenId }));

    [Theory]
    [InlineData("079026001234")] // 1926, male
    [InlineData("001189000001")] // 1989, Hà Nội, female
    [InlineData("077325000001")] // 2025, Bà Rịa–Vũng Tàu code from before the merger stays valid
    public void Citizen_ids_of_any_pre_2025_province_and_past_year_are_valid(string citizenId)
        => Assert.Empty(ApplicantErrors(Citizen with { CitizenId = citizenId }));

    [Theory]
    [InlineData("0100109107", "tax-code-check-digit")]
    [InlineData("010010910", "tax-code-format")]
    [InlineData("0100109106-01", "tax-code-format")]
    public void Tax_code_rules_each_have_their_own_rule_name(string taxCode, string rule)
        => Assert.Equal([("applicant.taxCode", rule)],
            ApplicantErrors(new Applicant("enterprise", "Công ty", null, taxCode, null, null, null, null)));

    [Theory]
    [InlineData("0212345678")]   // landline prefix with a mobile's length (a landline has 11 digits)
    [InlineData("091234567")]    // 9 digits
    [InlineData("+8491234567")]
    [InlineData("028382912345")] // landline with 9 digits after the area code
    [InlineData("0183829123")]   // 01x: neither a mobile prefix (since 2018) nor a landline area code
    [InlineData("06838291234")]  // 11 digits but the area code does not start with 2
    [InlineData("84912345678")]  // country code without +
    public void Invalid_phone_is_refused(string phone)
        => Assert.Equal([("applicant.phone", "phone-format")], ApplicantErrors(Citizen with { Phone = phone }));

    [Theory]
    [InlineData("0912345678")]   // mobile
    [InlineData("0312345678")]
    [InlineData("+84912345678")]
    [InlineData("02838291234")]  // Hồ Chí Minh City landline: 028 + 8 digits
    [InlineData("02439421234")]  // Hà Nội landline: 024 + 8 digits
    [InlineData("+842838291234")]
    public void Mobile_and_landline_phones_are_accepted(string phone)
        => Assert.Empty(ApplicantErrors(Citizen with { Phone = phone }));

    [Fact]
    public void Invalid_email_and_unknown_kind_and_missing_name_are_named()
    {
        Assert.Equal([("applicant.email", "email-format")], ApplicantErrors(Citizen with { Email = "not an email" }));
        Assert.Equal([("applicant.kind", "one-of")], ApplicantErrors(Citizen with { Kind = "alien" }));
        Assert.Equal([("applicant.name", "required")], ApplicantErrors(Citizen with { Name = "  " }));
    }

    [Fact]
    public void Name_is_normalised_to_nfc_and_control_characters_are_refused()
    {
        var decomposed = "Nguye\u0302\u0303n"; // "Nguyễn" with combining marks
        var (clean, errors) = Submit.Normalize(Valid with { Applicant = Citizen with { Name = decomposed } }, Today);
        Assert.Empty(errors);
        Assert.Equal("Nguyễn", clean.Applicant!.Name);
        Assert.Equal([("applicant.name", "control-character")], ApplicantErrors(Citizen with { Name = "A\u0000B" }));
        Assert.Equal([("applicant.name", "format-character")], ApplicantErrors(Citizen with { Name = "Nguyễn \u202EnAV\u202C An" }));
        Assert.Equal([("applicant.address", "format-character")], ApplicantErrors(Citizen with { Address = "12\u200B Lê Lợi" }));
        Assert.Equal([("applicant.name", "invalid-unicode")], ApplicantErrors(Citizen with { Name = "A\ud800B" }));
    }
}

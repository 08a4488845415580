using System.Text;
using Procedures.Contracts;
using Procedures.Intake.Catalogue;
using static Procedures.Services.Tests.Catalogue.CatalogueTesting;

namespace Procedures.Services.Tests.Catalogue;

/// <summary>The admin input rules and the seed-format rules, without a database.</summary>
[Trait("Kind", "Pure")]
public sealed class CatalogueValidationTests
{
    private static readonly ProcedureInput Valid = new(
        Code: "1.000948.H29", Name: "Thủ tục thử", Field: "Hộ tịch", Level: "province", DecidingAgency: "000.20.32.H29",
        Documents: [new(Name: "Tờ khai", Required: true)], Fees: [new(Name: "Lệ phí", AmountVnd: 0)],
        ProcessingTime: new(5, "working-days"), OnlineLevel: "partial", EffectiveFrom: "2026-01-01", PublishedOn: "2025-12-15");

    private static IReadOnlyList<(string, string)> Broken(ProcedureInput input)
    {
        var (_, content, errors) = ProcedureInputRules.ForCreate(input);
        Assert.All(errors, AssertBilingual);
        if (errors.Count > 0) Assert.Null(content);
        return errors.Select(e => (e.Field, e.Rule)).ToList();
    }

    [Fact]
    public void Complete_input_has_no_errors_and_keeps_every_value()
    {
        var (code, content, errors) = ProcedureInputRules.ForCreate(Valid);

        Assert.Empty(errors);
        Assert.Equal("1.000948.H29", code!.Value.Value);
        Assert.Equal((ProcedureLevel.Province, OnlineServiceLevel.Partial, new ProcessingTime(5, ProcessingUnit.WorkingDays)),
            (content!.Level, content.OnlineLevel, content.ProcessingTime!));
        Assert.Equal(new Fee("PL01", "Lệ phí", 0, null), Assert.Single(content.Fees!));
        Assert.Equal(new RequiredDocument("TP01", "Tờ khai", true), Assert.Single(content.Documents));
    }

    [Theory]
    [InlineData(null, "required")]
    [InlineData(" ", "required")]
    [InlineData("1.00094", "format")]
    [InlineData("1.000948.H30", "format")]
    [InlineData("1.000948.000.00.00.H29", "format")]
    [InlineData("1.000948\n", "control-character")]
    public void Code_is_required_and_national_or_city_local(string? code, string rule)
        => Assert.Equal([("code", rule)], Broken(Valid with { Code = code }));

    [Fact]
    public void Every_broken_field_is_named_with_its_rule()
    {
        var errors = Broken(new ProcedureInput(
            Code: "1.000948", Name: new string('ễ', 1001), Field: null, Level: "district", DecidingAgency: "Sở Tư pháp",
            Documents: [new(Name: null, Required: null), new(Code: "TP 1", Name: "x", Required: true), new(Code: "A", Name: "y", Required: false), new(Code: "A", Name: "z", Required: true)],
            Fees: [new(Name: "Lệ phí", AmountVnd: -1, PayableWhen: "later"), new(Name: null, AmountVnd: null)],
            ProcessingTime: new(0, "weeks"), OnlineProcessingTime: new(null, null), OnlineLevel: "toan-trinh", ResultForm: "digital",
            EffectiveFrom: "01/07/2025", PublishedOn: "2025-02-30"));

        Assert.Equal(
        [
            ("name", "max-length"), ("field", "required"), ("level", "one-of"), ("decidingAgency", "format"),
            ("documents[0].name", "required"), ("documents[0].required", "required"), ("documents[1].code", "format"), ("documents[3].code", "unique"),
            ("fees[0].amountVnd", "range"), ("fees[0].payableWhen", "one-of"), ("fees[1].name", "required"), ("fees[1].amountVnd", "required"),
            ("processingTime.unit", "one-of"), ("processingTime.amount", "range"),
            ("onlineProcessingTime.unit", "required"), ("onlineProcessingTime.amount", "required"),
            ("onlineLevel", "one-of"), ("resultForm", "one-of"), ("effectiveFrom", "date"), ("publishedOn", "date"),
        ], errors);
        Assert.Equal(20, errors.Count);
    }

    [Fact]
    public void Text_is_stored_in_nfc_and_trimmed()
    {
        var decomposed = "  Đăng ký kết hôn  ".Normalize(NormalizationForm.FormD);

        var (_, content, errors) = ProcedureInputRules.ForCreate(Valid with { Name = decomposed });

        Assert.Empty(errors);
        Assert.Equal("Đăng ký kết hôn".Normalize(NormalizationForm.FormC), content!.Name);
    }

    [Fact]
    public void Missing_fees_mean_unknown_and_empty_fees_mean_free()
    {
        Assert.Null(ProcedureInputRules.ForCreate(Valid with { Fees = null }).Content!.Fees);
        Assert.Empty(ProcedureInputRules.ForCreate(Valid with { Fees = [] }).Content!.Fees!);
    }

    [Fact]
    public void Rule_markers_and_agency_identifiers_are_accepted_as_deciding_agency()
    {
        Assert.Empty(Broken(Valid with { DecidingAgency = DecidingAgencies.CommunePeopleCommittee }));
        Assert.Empty(Broken(Valid with { DecidingAgency = DecidingAgencies.CommunePolice }));
        Assert.Empty(Broken(Valid with { DecidingAgency = null }));
    }

    [Fact]
    public void A_change_names_the_code_it_changes_and_refuses_a_different_one()
    {
        var (_, errors) = ProcedureInputRules.ForChange("1.000948", Valid with { Code = "1.000949", BaseVersion = 0 });

        Assert.Equal([("code", "matches-route"), ("baseVersion", "range")], errors.Select(e => (e.Field, e.Rule)));
        Assert.All(errors, AssertBilingual);
        Assert.Empty(ProcedureInputRules.ForChange("1.000948.H29", Valid).Errors);
    }

    [Fact]
    public void Base_version_is_refused_on_create()
        => Assert.Equal([("baseVersion", "not-allowed")], Broken(Valid with { BaseVersion = 1 }));

    [Theory]
    [InlineData("Văn bản ủy quyền (trường hợp ủy quyền)", false)]
    [InlineData("Danh sách chủ sở hữu hưởng lợi của doanh nghiệp (nếu có)", false)]
    [InlineData("Giấy tờ chứng minh thông tin về cư trú (khi không khai thác được từ cơ sở dữ liệu)", false)]
    [InlineData("Giấy chứng sinh (nếu không có: văn bản của người làm chứng hoặc giấy cam đoan về việc sinh)", true)]
    [InlineData("Tờ khai đăng ký khai sinh theo mẫu (nộp trực tiếp/bưu chính)", true)]
    public void A_component_with_a_case_condition_is_optional(string component, bool required)
        => Assert.Equal(required, SourceRules.Documents(component).Single().Required);

    [Theory]
    [InlineData("Record lists direct 5, online 15, postal 20 ngày làm việc (as published).", 15)]
    [InlineData("Direct 15 \"Ngày\"; online and postal 20 \"Ngày\".", 20)]
    [InlineData("Fee: direct 20,000 đ, online 10,000 đ per registration.", null)]
    [InlineData("Record lists direct 5, online 5, postal 20 ngày làm việc.", null)]
    [InlineData(null, null)]
    public void Only_a_differing_online_term_quoted_in_the_notes_is_taken(string? notes, int? online)
        => Assert.Equal(online, SourceRules.OnlineProcessingTime(notes, new ProcessingTime(5, ProcessingUnit.WorkingDays))?.Amount);

    [Theory]
    [InlineData("Giấy khai sinh", ResultForm.Unknown)]
    [InlineData("Cập nhật thông tin trong Cơ sở dữ liệu về cư trú", ResultForm.Electronic)]
    [InlineData("Giấy phép điện tử; Bản giấy của giấy phép", ResultForm.Both)]
    [InlineData("Cập nhật thông tin trong Cơ sở dữ liệu về cư trú; Thông báo kết quả giải quyết thủ tục về cư trú", ResultForm.Unknown)]
    [InlineData(null, ResultForm.Unknown)]
    public void Result_form_is_derived_only_when_unambiguous(string? text, ResultForm form)
        => Assert.Equal(form, SourceRules.ResultFormOf(text));

    [Fact]
    public void Published_on_time_needs_both_dates()
    {
        ProcedureVersion V(DateOnly? published, DateOnly? effective) => new("1.000948", 1,
            ProcedureInputRules.ForCreate(Valid).Content! with { PublishedOn = published, EffectiveFrom = effective }, Now);

        Assert.True(V(new(2025, 6, 1), new(2025, 7, 1)).PublishedOnTime);
        Assert.True(V(new(2025, 7, 1), new(2025, 7, 1)).PublishedOnTime);
        Assert.False(V(new(2025, 7, 2), new(2025, 7, 1)).PublishedOnTime);
        Assert.Null(V(null, new(2025, 7, 1)).PublishedOnTime);
        Assert.Null(V(new(2025, 7, 1), null).PublishedOnTime);
    }

    [Fact]
    public void The_seed_file_reads_as_57_valid_rows()
    {
        var (rows, errors) = ProcedureCsv.Read(SeedData.ProceduresCsv);

        Assert.Empty(errors);
        Assert.Equal(57, rows.Count);
        Assert.Equal(6, rows.Count(r => r.Level is null));
        Assert.Equal(169, ReceivingUnits.FromCommunesCsv(SeedData.CommunesCsv).Count);
    }
}

using Procedures.Contracts;
using Procedures.Intake.Catalogue;
using Procedures.Intake.Dossiers;
using static Procedures.Services.Tests.Catalogue.CatalogueTesting;

namespace Procedures.Services.Tests.Catalogue;

/// <summary>
/// Components as the law writes them (issue 24 item 1): derived from the seeded texts, declared through the API, and the
/// submission rule (required, conditional on a declared case, one of an alternatives group); fees per channel (item 2).
/// </summary>
[Trait("Kind", "Pure")]
public sealed class ComponentRulesTests
{
    private static ProcedureCsvRow Seeded(string code)
    {
        var (rows, errors) = ProcedureCsv.Read(SeedRows(code));
        Assert.Empty(errors);
        return rows.Single();
    }

    private static IReadOnlyList<RequiredDocument> SeededComponents(string code) => SourceRules.Documents(Seeded(code).RequiredDocuments);

    private static string Kinds(IReadOnlyList<RequiredDocument> components)
        => string.Join(" ", components.Select(c => c.Kind.ToString().ToLowerInvariant()));

    [Fact]
    public void Residence_registration_requires_the_form_and_the_proof_of_residence_and_the_rest_only_in_their_case()
    {
        var components = SeededComponents("1.004222");

        Assert.Equal("required required conditional conditional conditional", Kinds(components));
        Assert.Equal(new DocumentCase("cho-o-thue-muon-o-nho", "chỗ ở thuê, mượn, ở nhờ", "the residence is rented, borrowed or lodged in"),
            components[2].Case);
        Assert.Equal("dang-ky-vao-ho-cua-nguoi-than", components[3].Case!.Key);
        Assert.StartsWith("co-so-tin-nguong-ton-giao", components[4].Case!.Key); // "các giấy tờ khác theo từng trường hợp (…)"
        Assert.All(components.Skip(2), c => Assert.False(c.Required));
    }

    [Theory]
    [InlineData("1.014063", "required required conditional", "nguoi-duoi-14-tuoi")]
    [InlineData("1.014064", "required required conditional", "nguoi-duoi-14-tuoi")]
    [InlineData("1.004194", "required required conditional conditional", "dang-ky-theo-danh-sach")]
    [InlineData("1.002755", "required conditional conditional", "gia-han-theo-danh-sach")]
    [InlineData("1.013978", "required required optional optional conditional conditional", "nhieu-nguoi-chung-quyen")]
    public void Case_specific_components_are_conditional_and_the_land_certificate_stays_required(string code, string kinds, string aCase)
    {
        var components = SeededComponents(code);

        Assert.Equal(kinds, Kinds(components));
        Assert.Contains(components, c => c.Case?.Key == aCase);
        Assert.All(components.Where(c => c.Case is not null), c => Assert.DoesNotContain("the case stated in Vietnamese", c.Case!.En));
    }

    [Theory]
    [InlineData("Văn bản ủy quyền (trường hợp ủy quyền)", ComponentKind.Conditional, "truong-hop-uy-quyen")]
    [InlineData("Giấy tờ chứng minh thông tin về cư trú (khi không khai thác được từ cơ sở dữ liệu)", ComponentKind.Conditional,
        "khi-khong-khai-thac-duoc-tu-co-so-du-lieu")]
    [InlineData("Danh sách chủ sở hữu hưởng lợi của doanh nghiệp (nếu có)", ComponentKind.Optional, null)]
    [InlineData("Giấy chứng sinh (nếu không có: văn bản của người làm chứng hoặc giấy cam đoan về việc sinh)", ComponentKind.Required, null)]
    [InlineData("Bản sao Giấy khai sinh hợp lệ (nếu có), hoặc bản sao giấy tờ tùy thân/hộ chiếu", ComponentKind.Required, null)]
    [InlineData("Tờ khai thay đổi thông tin cư trú (Mẫu CT01, Thông tư 53/2025/TT-BCA)", ComponentKind.Required, null)]
    [InlineData("Giấy tờ chứng minh chỗ ở hợp pháp (có thể khai thác từ căn cước điện tử/cơ sở dữ liệu)", ComponentKind.Required, null)]
    public void A_component_text_gives_its_kind_and_case(string text, ComponentKind kind, string? caseKey)
    {
        var component = ComponentCases.Classify("TP01", text);
        Assert.Equal((kind, caseKey), (component.Kind, component.Case?.Key));
        Assert.Equal(kind == ComponentKind.Required, component.Required);
    }

    private static readonly IReadOnlyList<RequiredDocument> Residence = SeededComponents("1.004222");

    private static List<DocumentReference> Carrying(params string[] codes) => [.. codes.Select(c => new DocumentReference(c, Guid.NewGuid(), null, false))];

    [Fact]
    public void An_owner_needs_no_rental_contract_but_the_declaration_form()
    {
        Assert.Empty(Components.Missing(Residence, Carrying("TP01", "TP02"), []));

        var withoutForm = Components.Missing(Residence, Carrying("TP02"), []);
        var missing = Assert.Single(withoutForm);
        Assert.Equal(("documents", "missing-document"), (missing.Field, missing.Rule));
        Assert.Contains("TP01", missing.En);
        Assert.Contains("Thiếu thành phần hồ sơ bắt buộc TP01", missing.Vi);
    }

    [Fact]
    public void A_renter_who_declares_the_case_needs_the_rental_contract_and_is_told_why()
    {
        var missing = Assert.Single(Components.Missing(Residence, Carrying("TP01", "TP02"), ["cho-o-thue-muon-o-nho"]));

        Assert.Equal("missing-conditional-document", missing.Rule);
        Assert.Contains("TP03", missing.En);
        Assert.Contains("the residence is rented, borrowed or lodged in", missing.En);
        Assert.Contains("chỗ ở thuê, mượn, ở nhờ", missing.Vi);
        Assert.Empty(Components.Missing(Residence, Carrying("TP01", "TP02", "TP03"), ["cho-o-thue-muon-o-nho"]));
    }

    [Fact]
    public void A_case_the_procedure_does_not_list_is_refused_naming_the_cases_it_has()
    {
        var unknown = Assert.Single(Components.Missing(Residence, Carrying("TP01", "TP02"), ["chu-so-huu"]));

        Assert.Equal(("cases[0]", "unknown-case"), (unknown.Field, unknown.Rule));
        Assert.Contains("cho-o-thue-muon-o-nho", unknown.En);
    }

    [Fact]
    public void One_of_each_alternatives_group_is_enough_and_none_is_refused_naming_the_group()
    {
        IReadOnlyList<RequiredDocument> components =
        [
            new("TP01", "Tờ khai", true),
            new("TP02", "Giấy khai sinh", false, Alternatives: "identity"),
            new("TP03", "Hộ chiếu", false, Alternatives: "identity"),
        ];

        Assert.Empty(Components.Missing(components, Carrying("TP01", "TP03"), []));
        var missing = Assert.Single(Components.Missing(components, Carrying("TP01"), []));
        Assert.Equal("missing-alternative", missing.Rule);
        Assert.Contains("identity", missing.En);
        Assert.Contains("TP02", missing.En);
        Assert.Contains("TP03", missing.En);
    }

    [Fact]
    public void The_api_declares_kinds_with_their_case_and_group_and_refuses_what_does_not_fit()
    {
        var valid = new ProcedureInput(Code: "1.000948", Name: "Thủ tục", Field: "Lĩnh vực", Documents:
        [
            new(Name: "Tờ khai", Required: true),
            new(Name: "Hợp đồng thuê", Kind: "conditional", Case: "chỗ ở thuê, mượn, ở nhờ"),
            new(Name: "Giấy khai sinh", Kind: "alternatives", Alternatives: "identity"),
            new(Name: "Hộ chiếu", Alternatives: "identity"),
            new(Name: "Sơ đồ", Kind: "optional"),
        ]);
        var (_, content, errors) = ProcedureInputRules.ForCreate(valid);
        Assert.Empty(errors);
        Assert.Equal("required conditional alternatives alternatives optional", Kinds(content!.Documents));
        Assert.Equal("the residence is rented, borrowed or lodged in", content.Documents[1].Case!.En); // the known English

        var (_, _, broken) = ProcedureInputRules.ForCreate(valid with
        {
            Documents =
            [
                new(Name: "Hợp đồng thuê", Kind: "conditional"),
                new(Name: "Giấy khai sinh", Kind: "alternatives", Alternatives: "identity"),
                new(Name: "Tờ khai", Kind: "required", Required: false, Case: "x"),
                new(Name: "Khác"),
                new(Name: "Lạ", Kind: "sometimes"),
            ],
        });
        Assert.Equal(
            [("documents[0].case", "required"), ("documents[2].required", "matches-kind"), ("documents[2].case", "not-allowed"),
             ("documents[3].required", "required"), ("documents[4].kind", "one-of"), ("documents[1].alternatives", "alternatives-group")],
            broken.Select(e => (e.Field, e.Rule)));
        Assert.All(broken, AssertBilingual);
    }

    [Fact]
    public void Residence_registration_costs_less_online_as_its_fee_notes_say()
    {
        var row = Seeded("1.004222");
        var version = new ProcedureVersion("1.004222", 1, SourceRules.ToContent(row), Now);

        Assert.Equal([20000L], version.FeesFor(SubmissionChannel.InPerson).Select(f => f.AmountVnd));
        Assert.Equal([20000L], version.FeesFor(SubmissionChannel.PublicPostal).Select(f => f.AmountVnd));
        Assert.Equal([10000L], version.FeesFor(SubmissionChannel.Online).Select(f => f.AmountVnd));
        Assert.Equal(20000, SourceRules.FeeCell(version.Content.Fees)); // what the CSV says: a re-import changes nothing
        Assert.Equal(version.Content, SourceRules.Merge(version.Content, row));
    }

    [Theory]
    [InlineData("Fee: direct 20,000 đ, online 10,000 đ per registration.", 20000, 10000L)]
    [InlineData("Fee (record): online 7,000 đ/lần (cá nhân, hộ gia đình)", 10000, 7000L)]
    [InlineData("Fee 50,000 đ/thẻ; 50% from 01/7/2025", 50000, null)]
    [InlineData("Fee: direct 20,000 đ, online 20,000 đ.", 20000, null)]
    [InlineData("Direct 27, online 17, postal 20 ngày làm việc (record).", 100, null)]
    public void Only_a_differing_online_fee_quoted_in_the_notes_becomes_an_online_fee(string notes, long inPerson, long? online)
        => Assert.Equal(online, SourceRules.OnlineFee(notes, inPerson));

    [Fact]
    public void A_fee_without_channels_is_charged_on_every_channel_and_the_api_checks_channels()
    {
        var (_, content, errors) = ProcedureInputRules.ForCreate(new ProcedureInput(Code: "1.000948", Name: "Thủ tục", Field: "Lĩnh vực",
            Fees: [new(Name: "Lệ phí", AmountVnd: 20000), new(Name: "Lệ phí trực tuyến", AmountVnd: 10000, Channels: ["online"])]));
        Assert.Empty(errors);
        var version = new ProcedureVersion("1.000948", 1, content!, Now);
        Assert.Equal([20000L, 10000L], version.FeesFor(SubmissionChannel.Online).Select(f => f.AmountVnd));
        Assert.Equal([20000L], version.FeesFor(SubmissionChannel.InPerson).Select(f => f.AmountVnd));

        var (_, _, broken) = ProcedureInputRules.ForCreate(new ProcedureInput(Code: "1.000948", Name: "Thủ tục", Field: "Lĩnh vực",
            Fees: [new(Name: "Lệ phí", AmountVnd: 1, Channels: ["online", "online"]), new(Name: "Lệ phí", AmountVnd: 1, Channels: ["2"]), new(Name: "x", AmountVnd: 1, Channels: [])]));
        Assert.Equal(["fees[0].channels", "fees[1].channels", "fees[2].channels"], broken.Select(e => e.Field));
    }

    [Fact]
    public void Reception_records_the_components_it_checked_only_on_accept()
    {
        var errors = new List<Procedures.ServiceDefaults.FieldError>();
        Assert.Equal(["TP01", "TP02"], Procedures.Processing.Dossiers.Actions.ValidateCompleteness("accept", [" TP01 ", "TP02"], errors));
        Assert.Empty(errors);

        Assert.Null(Procedures.Processing.Dossiers.Actions.ValidateCompleteness("refuse", ["TP01"], errors));
        Assert.Null(Procedures.Processing.Dossiers.Actions.ValidateCompleteness("accept", null, errors));
        Assert.Equal([("completeness", "not-allowed")], errors.Select(e => (e.Field, e.Rule)));
        Procedures.Processing.Dossiers.Actions.ValidateCompleteness("accept", [""], errors);
        Assert.Equal(("completeness[0]", "required"), (errors[^1].Field, errors[^1].Rule));
    }
}

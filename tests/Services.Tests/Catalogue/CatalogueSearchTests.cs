using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Procedures.Intake.Catalogue;
using Procedures.TestInfrastructure;
using static Procedures.Services.Tests.Catalogue.CatalogueTesting;

namespace Procedures.Services.Tests.Catalogue;

/// <summary>GET /api/v1/procedures and /api/v1/receiving-units through their handlers, on the seeded catalogue.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class CatalogueSearchTests(InfrastructureFixture infra) : IAsyncLifetime
{
    private Npgsql.NpgsqlDataSource _db = null!;

    public async Task InitializeAsync() => _db = await CreateSeededAsync(infra);

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<SearchPage<ProcedureSummary>> SearchAsync(
        string? q = null, string? field = null, string? level = null, string? onlineLevel = null, string? status = null,
        int? limit = 200, int? offset = null)
    {
        var result = await CatalogueApi.SearchAsync(_db, q, field, level, onlineLevel, status, limit, offset, CancellationToken.None);
        return Assert.IsType<Ok<SearchPage<ProcedureSummary>>>(result.Result).Value!;
    }

    private async Task<string[]> CodesAsync(string? q = null, string? field = null, string? level = null, string? onlineLevel = null, string? status = null)
        => (await SearchAsync(q, field, level, onlineLevel, status)).Items.Select(i => i.Code).ToArray();

    [Theory]
    [InlineData("khai sinh")]
    [InlineData("Khai Sinh")]
    [InlineData("khai sinh đăng ký")]
    public async Task Khai_sinh_finds_the_birth_registrations(string q)
    {
        var codes = await CodesAsync(q);

        Assert.Contains("1.001193", codes);
        Assert.Contains("1.004884", codes);
        Assert.Contains("2.000528", codes);
        Assert.All((await SearchAsync(q)).Items, i => Assert.Contains("khai sinh", i.Name, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Ket_hon_matches_with_and_without_diacritics()
    {
        var withMarks = await CodesAsync("kết hôn");

        Assert.Equal(["1.000894", "2.000806"], withMarks);
        Assert.Equal(withMarks, await CodesAsync("ket hon"));
        Assert.Equal(withMarks, await CodesAsync("KẾT HÔN"));
    }

    [Fact]
    public async Task Cap_giay_phep_xay_dung_without_diacritics_finds_the_construction_permits()
        => Assert.Equal(["1.013225", "1.013229", "1.013236"], await CodesAsync("cap giay phep xay dung"));

    [Fact]
    public async Task D_stroke_folds_to_d_so_dang_ky_finds_dang_ky_in_any_case()
    {
        var plain = await CodesAsync("dang ky");
        var marked = await CodesAsync("đăng ký");

        Assert.Equal(plain, marked);
        Assert.Equal(plain, await CodesAsync("ĐĂNG KÝ"));
        Assert.Contains("1.004222", plain); // "Đăng ký thường trú": capital Đ
        Assert.Contains("1.001193", plain); // "Thủ tục đăng ký khai sinh"
        Assert.True(plain.Length >= 20, $"only {plain.Length} matches");
    }

    [Theory]
    [InlineData("dang ki thuong tru")]
    [InlineData("dang ky thuong tru")]
    [InlineData("Đăng kí thường trú")]
    public async Task I_and_y_are_one_letter_after_a_consonant_so_dang_ki_finds_dang_ky(string q)
        => Assert.Equal(["1.003197", "1.004222"], await CodesAsync(q)); // "Xóa đăng ký thường trú", "Đăng ký thường trú"

    [Fact]
    public async Task Ki_and_ky_find_the_same_procedures()
    {
        var ky = await CodesAsync("ky");

        Assert.Equal(ky, await CodesAsync("ki"));
        Assert.Equal(ky, await CodesAsync("ký"));
        Assert.Contains("1.004222", ky);
    }

    private async Task<string[]> UnitIdsAsync(string q)
        => Assert.IsType<Ok<SearchPage<ReceivingUnit>>>((await CatalogueApi.SearchUnitsAsync(_db, q, 200, null, CancellationToken.None)).Result)
            .Value!.Items.Select(u => u.Id).ToArray();

    // The same folding serves the receiving units: mĩ/mỹ. After a vowel y stays y (ây is not ai), so "tai" does not
    // find "Tây". Each word need only occur somewhere in the name ("phu" is in "phường"), hence the sets, not one ward.
    [Fact]
    public async Task Receiving_unit_search_folds_i_and_y_after_a_consonant_but_not_after_a_vowel()
    {
        var phuMy = await UnitIdsAsync("Phú Mỹ");
        Assert.Equal(phuMy, await UnitIdsAsync("phu mi"));
        Assert.Contains("26704.H29", phuMy); // Phường Phú Mỹ
        var myTay = await UnitIdsAsync("mỹ tây");
        Assert.Equal(myTay, await UnitIdsAsync("mi tay"));
        Assert.Contains("26785.H29", myTay); // Phường Trung Mỹ Tây
        Assert.Contains("26956.H29", myTay); // Phường Thạnh Mỹ Tây
        Assert.Empty(await UnitIdsAsync("mi tai"));
    }

    [Fact]
    public async Task Text_in_decomposed_unicode_matches_like_precomposed()
        => Assert.Equal(await CodesAsync("kết hôn"), await CodesAsync("kết hôn".Normalize(NormalizationForm.FormD)));

    [Fact]
    public async Task Code_finds_exactly_that_procedure()
        => Assert.Equal(["1.001193"], await CodesAsync("1.001193"));

    [Fact]
    public async Task Like_wildcards_in_the_text_match_only_themselves()
    {
        Assert.Empty(await CodesAsync("%"));
        Assert.Empty(await CodesAsync("_"));
    }

    [Theory]
    [InlineData("Hộ tịch")]
    [InlineData("ho tich")]
    public async Task Field_filter_ignores_diacritics_and_case(string field)
    {
        var page = await SearchAsync(field: field);

        Assert.Equal(12, page.Total);
        Assert.All(page.Items, i => Assert.Equal("Hộ tịch", i.Field));
    }

    [Fact]
    public async Task Level_filter_counts_match_the_source()
    {
        Assert.Equal(34, (await SearchAsync(level: "commune")).Total);
        Assert.Equal(17, (await SearchAsync(level: "province")).Total);
    }

    [Fact]
    public async Task Online_level_filter_finds_the_full_and_partial_services()
    {
        Assert.Equal(["1.012575"], await CodesAsync(onlineLevel: "full"));
        Assert.Equal(["1.013076"], await CodesAsync(onlineLevel: "partial"));
        Assert.Equal(55, (await SearchAsync(onlineLevel: "unknown")).Total);
        Assert.Empty(await CodesAsync(onlineLevel: "none"));
    }

    [Fact]
    public async Task Drafts_are_listed_with_status_draft()
    {
        var drafts = await SearchAsync(status: "draft");
        var published = await SearchAsync(status: "published");

        Assert.Equal((40, 17), (drafts.Total, published.Total));
        Assert.All(drafts.Items, i => Assert.Equal(ProcedureStatus.Draft, i.Status));
        Assert.Contains(drafts.Items, i => i.Code == "1.001193");
    }

    [Fact]
    public async Task Filters_combine_with_the_text()
        => Assert.Equal(["1.013225", "1.013229"], await CodesAsync("giay phep xay dung", level: "commune", status: "published"));

    [Fact]
    public async Task Pages_cover_every_procedure_once_with_the_total_on_each_page()
    {
        var seen = new List<string>();
        for (var offset = 0; ; offset += 10)
        {
            var page = await SearchAsync(limit: 10, offset: offset);
            Assert.Equal(57, page.Total);
            Assert.Equal((10, offset), (page.Limit, page.Offset));
            if (page.Items.Count == 0) break;
            Assert.True(page.Items.Count <= 10);
            seen.AddRange(page.Items.Select(i => i.Code));
        }

        Assert.Equal(57, seen.Count);
        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);
        Assert.Equal(57, seen.Distinct().Count());
    }

    [Fact]
    public async Task Default_page_is_fifty_and_an_out_of_range_page_or_unknown_filter_is_refused_by_rule()
    {
        var page = Assert.IsType<Ok<SearchPage<ProcedureSummary>>>(
            (await CatalogueApi.SearchAsync(_db, null, null, null, null, null, null, null, CancellationToken.None)).Result).Value!;
        Assert.Equal((50, 57L), (page.Items.Count, page.Total));

        var result = await CatalogueApi.SearchAsync(_db, null, null, "district", "toan-trinh", "open", 0, -1, CancellationToken.None);
        var errors = FieldErrors(result.Result);
        Assert.Equal([("level", "one-of"), ("onlineLevel", "one-of"), ("status", "one-of"), ("limit", "range"), ("offset", "range")],
            errors.Select(e => (e.Field, e.Rule)));
        Assert.All(errors, AssertBilingual);
    }

    [Fact]
    public async Task Get_returns_the_current_version_with_its_versions_and_404_for_an_unknown_code()
    {
        var found = Assert.IsType<Ok<ProcedureDetail>>((await CatalogueApi.GetAsync("1.004222", _db, CancellationToken.None)).Result).Value!;
        Assert.Equal(("1.004222", 1, ProcedureStatus.Published, true), (found.Current.Code, found.Current.Version, found.Current.Status, found.Current.OpenForSubmission));
        Assert.Equal([1], found.Versions.Select(v => v.Version));

        Assert.IsType<Microsoft.AspNetCore.Http.HttpResults.NotFound>((await CatalogueApi.GetAsync("9.999999", _db, CancellationToken.None)).Result);
        Assert.IsType<Microsoft.AspNetCore.Http.HttpResults.NotFound>((await CatalogueApi.GetVersionAsync("1.004222", 2, _db, CancellationToken.None)).Result);
    }

    [Theory]
    [InlineData("ben thanh")]
    [InlineData("Bến Thành")]
    [InlineData("26743")]
    public async Task Receiving_units_are_found_with_or_without_diacritics_or_by_code(string q)
    {
        var result = await CatalogueApi.SearchUnitsAsync(_db, q, null, null, CancellationToken.None);
        var page = Assert.IsType<Ok<SearchPage<ReceivingUnit>>>(result.Result).Value!;

        Assert.Equal("26743.H29", Assert.Single(page.Items).Id);
    }

    [Fact]
    public async Task Receiving_unit_search_folds_d_stroke_and_lists_the_city_first()
    {
        var dacKhu = Assert.IsType<Ok<SearchPage<ReceivingUnit>>>((await CatalogueApi.SearchUnitsAsync(_db, "dac khu con dao", null, null, CancellationToken.None)).Result).Value!;
        Assert.Equal("26732.H29", Assert.Single(dacKhu.Items).Id);

        var all = Assert.IsType<Ok<SearchPage<ReceivingUnit>>>((await CatalogueApi.SearchUnitsAsync(_db, null, 200, null, CancellationToken.None)).Result).Value!;
        Assert.Equal(169, all.Total);
        Assert.Equal("000.00.00.H29", all.Items[0].Id);
    }
}

using Procedures.Contracts;
using Procedures.Intake.Catalogue;
using Procedures.TestInfrastructure;
using static Procedures.Services.Tests.Catalogue.CatalogueTesting;

namespace Procedures.Services.Tests.Catalogue;

/// <summary>The start-up seed on a real migrated Intake database (one seeded database for the read-only checks).</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class CatalogueSeedTests(InfrastructureFixture infra) : IAsyncLifetime
{
    private Npgsql.NpgsqlDataSource _db = null!;

    public async Task InitializeAsync() => _db = await CreateSeededAsync(infra);

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<ProcedureVersion> CurrentAsync(string code)
        => await CatalogueStore.GetCurrentAsync(_db, code, CancellationToken.None) ?? throw new Xunit.Sdk.XunitException($"{code} not seeded");

    [Fact]
    public async Task Seed_loads_exactly_the_57_procedures_each_as_version_1()
    {
        Assert.Equal(57, await CountAsync(_db, "SELECT count(*) FROM procedures"));
        Assert.Equal(57, await CountAsync(_db, "SELECT count(*) FROM procedure_versions WHERE version = 1"));
        Assert.Equal(0, await CountAsync(_db, "SELECT count(*) FROM procedure_versions WHERE version > 1"));
    }

    [Fact]
    public async Task Seed_loads_the_168_communes_and_the_city_level_as_local_scheme_units()
    {
        Assert.Equal(169, await CountAsync(_db, "SELECT count(*) FROM receiving_units"));
        Assert.Equal(169, await CountAsync(_db, "SELECT count(*) FROM receiving_units WHERE local_scheme"));
        Assert.Equal(113, await CountAsync(_db, "SELECT count(*) FROM receiving_units WHERE type = 'phuong'"));
        Assert.Equal(54, await CountAsync(_db, "SELECT count(*) FROM receiving_units WHERE type = 'xa'"));
        Assert.Equal(1, await CountAsync(_db, "SELECT count(*) FROM receiving_units WHERE type = 'dac_khu'"));

        var benThanh = await ReceivingUnits.GetAsync(_db, "26743.H29", CancellationToken.None);
        Assert.Equal(new ReceivingUnit("26743.H29", "Phường Bến Thành", "phuong", ProcedureLevel.Commune, "26743", LocalScheme: true), benThanh);
        var city = await ReceivingUnits.GetAsync(_db, "000.00.00.H29", CancellationToken.None);
        Assert.Equal(new ReceivingUnit("000.00.00.H29", "UBND Thành phố Hồ Chí Minh", "thanh_pho", ProcedureLevel.Province, "79", true), city);
    }

    [Fact]
    public async Task Seeding_again_or_from_two_instances_at_once_adds_nothing()
    {
        var results = await Task.WhenAll(
            CatalogueSeeder.SeedAsync(_db, SeedData, new TestClock(Now), CancellationToken.None),
            CatalogueSeeder.SeedAsync(_db, SeedData, new TestClock(Now), CancellationToken.None));

        Assert.All(results, r => Assert.Equal(new SeedResult(0, 0), r));
        Assert.Equal(57, await CountAsync(_db, "SELECT count(*) FROM procedure_versions"));
        Assert.Equal(169, await CountAsync(_db, "SELECT count(*) FROM receiving_units"));
    }

    [Fact]
    public async Task Two_instances_seeding_an_empty_database_at_once_seed_it_once()
    {
        await using var db = await CreateDatabaseAsync(infra);

        var results = await Task.WhenAll(
            CatalogueSeeder.SeedAsync(db, SeedData, new TestClock(Now), CancellationToken.None),
            CatalogueSeeder.SeedAsync(db, SeedData, new TestClock(Now), CancellationToken.None));

        Assert.Equal([57, 0], results.Select(r => r.ProceduresCreated).Order().Reverse());
        Assert.Equal(57, await CountAsync(db, "SELECT count(*) FROM procedure_versions"));
        Assert.Equal(57, (await OutboxAsync(db, typeof(ProcedurePublished))).Count);
    }

    [Fact]
    public async Task Every_seeded_procedure_carries_its_field_code_from_the_register_of_fields()
    {
        Assert.Equal(0, await CountAsync(_db, "SELECT count(*) FROM procedure_versions WHERE field_code IS NULL"));
        Assert.Equal(15, await CountAsync(_db, "SELECT count(DISTINCT field_code) FROM procedure_versions"));
        var residence = await CurrentAsync("1.004222");
        Assert.Equal(("BCA-CUTRU", "Đăng ký, quản lý cư trú"), (residence.Content.FieldCode, residence.Content.Field));
        Assert.Equal("BTP-HOTICH", (await CurrentAsync("1.001193")).Content.FieldCode);
    }

    [Fact]
    public async Task Fields_the_source_left_empty_stay_null()
    {
        var birth = await CurrentAsync("1.001193"); // no unit-bearing time, no fee amount, no dates
        Assert.Null(birth.Content.ProcessingTime);
        Assert.Null(birth.Content.OnlineProcessingTime);
        Assert.Null(birth.Content.Fees);
        Assert.Null(birth.FeeBearing);
        Assert.Null(birth.Content.EffectiveFrom);
        Assert.Null(birth.Content.PublishedOn);
        Assert.Null(birth.PublishedOnTime); // seed procedures cannot be judged "published on time"
        Assert.Null(birth.Content.BoundaryFree);
        Assert.Equal(OnlineServiceLevel.Unknown, birth.Content.OnlineLevel);

        var copies = await CurrentAsync("2.000635"); // both levels listed in the source
        Assert.Null(copies.Content.Level);
        Assert.Null(copies.Content.DecidingAgency);

        var insurance = await CurrentAsync("1.001613"); // documents left empty
        Assert.Empty(insurance.Content.Documents);

        Assert.Equal(0, await CountAsync(_db, "SELECT count(*) FROM procedure_versions WHERE effective_from IS NOT NULL OR published_on IS NOT NULL"));
    }

    [Fact]
    public async Task Fee_zero_is_free_and_an_amount_is_one_fee_of_unknown_payment_time()
    {
        var marriage = await CurrentAsync("1.000894");
        Assert.NotNull(marriage.Content.Fees);
        Assert.Empty(marriage.Content.Fees);
        Assert.False(marriage.FeeBearing);

        var copy = await CurrentAsync("2.000815");
        var fee = Assert.Single(copy.Content.Fees!);
        Assert.Equal(new Fee("PL01", "Phí, lệ phí", 2000, null), fee);
        Assert.True(copy.FeeBearing);
    }

    [Fact]
    public async Task Processing_time_and_unit_are_read_with_the_calendar_units()
    {
        Assert.Equal(new ProcessingTime(7, ProcessingUnit.WorkingDays), (await CurrentAsync("1.004222")).Content.ProcessingTime);
        Assert.Equal(new ProcessingTime(10, ProcessingUnit.CalendarDays), (await CurrentAsync("3.000333")).Content.ProcessingTime);
    }

    [Fact]
    public async Task Online_terms_quoted_in_the_notes_become_the_online_processing_time()
    {
        var withOnline = new Dictionary<string, ProcessingTime>();
        foreach (var code in await CodesAsync())
            if ((await CurrentAsync(code)).Content.OnlineProcessingTime is { } online) withOnline[code] = online;

        Assert.Equal(new Dictionary<string, ProcessingTime>
        {
            ["1.012783"] = new(15, ProcessingUnit.WorkingDays),
            ["1.012784"] = new(12, ProcessingUnit.WorkingDays),
            ["1.012786"] = new(10, ProcessingUnit.WorkingDays),
            ["1.013225"] = new(20, ProcessingUnit.CalendarDays),
            ["1.013229"] = new(20, ProcessingUnit.CalendarDays),
            ["1.013978"] = new(17, ProcessingUnit.WorkingDays),
        }, withOnline);
        var land = await CurrentAsync("1.012783");
        Assert.Equal(new ProcessingTime(15, ProcessingUnit.WorkingDays), land.ProcessingTimeFor(SubmissionChannel.Online));
        Assert.Equal(new ProcessingTime(5, ProcessingUnit.WorkingDays), land.ProcessingTimeFor(SubmissionChannel.InPerson));
    }

    [Fact]
    public async Task Drafts_are_the_procedures_without_processing_time_or_deciding_agency_per_the_rule()
    {
        var all = new List<ProcedureVersion>();
        foreach (var code in await CodesAsync()) all.Add(await CurrentAsync(code));

        // Rule: commune → the commune's People's Committee, or its police for residence and identity cards;
        // province or both levels → unknown.
        Assert.All(all.Where(p => p.Content.Level != ProcedureLevel.Commune), p => Assert.Null(p.Content.DecidingAgency));
        Assert.Equal(10, all.Count(p => p.Content.DecidingAgency == DecidingAgencies.CommunePolice));
        Assert.All(all.Where(p => p.Content.DecidingAgency == DecidingAgencies.CommunePolice),
            p => Assert.Contains(p.Content.Field, new[] { "Đăng ký, quản lý cư trú", "Cấp, quản lý căn cước" }));
        Assert.Equal(24, all.Count(p => p.Content.DecidingAgency == DecidingAgencies.CommunePeopleCommittee));

        Assert.Equal(
            ["1.001570", "1.001612", "1.002755", "1.003197", "1.003677", "1.004194", "1.004222", "1.004837", "1.010038", "1.012812",
             "1.013225", "1.013229", "1.013978", "1.014061", "1.014063", "1.014064", "1.014632"],
            all.Where(p => p.IsOpenForSubmission).Select(p => p.Code).Order(StringComparer.Ordinal));
        Assert.Equal(40, all.Count(p => p.Status == ProcedureStatus.Draft));
        Assert.All(all, p => Assert.Equal(p.IsDraft, p.Content.ProcessingTime is null || p.Content.DecidingAgency is null));

        var birth = await CurrentAsync("1.001193"); // commune, but no processing time: a draft with its agency known
        Assert.Equal(DecidingAgencies.CommunePeopleCommittee, birth.Content.DecidingAgency);
        Assert.False(birth.IsOpenForSubmission);
    }

    [Fact]
    public async Task Commune_people_committee_resolves_to_the_receiving_commune_and_nothing_else()
    {
        var unit = (await ReceivingUnits.GetAsync(_db, "26743.H29", CancellationToken.None))!;
        Assert.Equal("26743.H29", DecidingAgencies.IdentifierFor(await CurrentAsync("1.013225"), unit));
        Assert.Null(DecidingAgencies.IdentifierFor(await CurrentAsync("1.013225"), ReceivingUnits.City));
        Assert.Null(DecidingAgencies.IdentifierFor(await CurrentAsync("1.004222"), unit)); // commune police: no identifier known
        Assert.Null(DecidingAgencies.IdentifierFor(await CurrentAsync("2.001610"), unit)); // province: not known
    }

    [Fact]
    public async Task Required_documents_become_numbered_components_with_conditional_ones_kept_with_their_case()
    {
        var birth = await CurrentAsync("1.001193");

        Assert.Equal(["TP01", "TP02", "TP03", "TP04", "TP05", "TP06", "TP07"], birth.Content.Documents.Select(d => d.Code));
        Assert.Equal([true, true, false, false, false, true, false], birth.Content.Documents.Select(d => d.Required));
        Assert.StartsWith("Giấy chứng sinh (nếu không có:", birth.Content.Documents[1].Name); // a substitute, not optional
        Assert.All(birth.Content.Documents, d => Assert.False(d.ReusableFromPreviousResult || d.AvailableFromCitizenStore));

        var rebirth = await CurrentAsync("1.004884"); // "(nếu có), hoặc …": the "if any" qualifies one alternative, the item stays
        Assert.True(rebirth.Content.Documents[1].Required);

        // Issue 24: the seeded residence registration lists the rental contract for its case only.
        var residence = await CurrentAsync("1.004222");
        Assert.Equal([ComponentKind.Required, ComponentKind.Required, ComponentKind.Conditional, ComponentKind.Conditional, ComponentKind.Conditional],
            residence.Content.Documents.Select(d => d.Kind));
        Assert.Equal("cho-o-thue-muon-o-nho", residence.Content.Documents[2].Case!.Key);
        Assert.Equal([20000L, 10000L], residence.Content.Fees!.Select(f => f.AmountVnd));
    }

    [Fact]
    public async Task Result_text_is_kept_and_its_form_derived_only_when_unambiguous()
    {
        var stay = await CurrentAsync("2.001159");
        Assert.Equal("Cập nhật thông tin trong Cơ sở dữ liệu về cư trú", stay.Content.ResultText);
        Assert.Equal(ResultForm.Electronic, stay.Content.ResultForm);

        var birth = await CurrentAsync("1.001193");
        Assert.Equal("Giấy khai sinh", birth.Content.ResultText);
        Assert.Equal(ResultForm.Unknown, birth.Content.ResultForm);
    }

    [Fact]
    public async Task Seed_announces_each_procedure_once_through_the_outbox_without_personal_data()
    {
        var published = await OutboxAsync(_db, typeof(ProcedurePublished));

        Assert.Equal(57, published.Count);
        Assert.Equal(await CodesAsync(), published.Select(e => e.GetProperty("procedureCode").GetString()!).Order(StringComparer.Ordinal));
        var birth = published.Single(e => e.GetProperty("procedureCode").GetString() == "1.001193");
        Assert.Equal(
            ["effectiveFrom", "feeBearing", "field", "level", "name", "onlineLevel", "onlineLevelSince", "paperResult", "procedureCode", "publishedOn",
             "publishedOnTime", "version"],
            birth.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("commune", birth.GetProperty("level").GetString());
        Assert.Equal("unknown", birth.GetProperty("onlineLevel").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, birth.GetProperty("feeBearing").ValueKind);
        Assert.Equal(57, await CountAsync(_db, "SELECT count(*) FROM audit.entries WHERE action = 'procedure.publish' AND NOT personal_data"));
    }

    [Fact]
    public void Seed_data_is_embedded_in_the_Intake_assembly_and_equals_the_copies_in_Data()
    {
        // Needs in Intake.csproj: <EmbeddedResource Include="Data\*.csv" LogicalName="Procedures.Intake.Data.%(Filename)%(Extension)" />
        var embedded = CatalogueSeedData.Embedded();

        Assert.Equal(SeedData, embedded);
    }

    private async Task<List<string>> CodesAsync()
    {
        await using var c = await _db.OpenConnectionAsync();
        return (await Dapper.SqlMapper.QueryAsync<string>(c, "SELECT code FROM procedures")).Order(StringComparer.Ordinal).ToList();
    }
}

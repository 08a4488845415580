using Dapper;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Procedures.Intake.Agencies;
using Procedures.Intake.Catalogue;
using Procedures.ServiceDefaults;
using Procedures.TestInfrastructure;
using static Procedures.Services.Tests.Catalogue.CatalogueTesting;

namespace Procedures.Services.Tests.Agencies;

/// <summary>
/// The register of agencies against a real Intake database: its seed, its versions (old ones kept, every write audited),
/// and the catalogue refusing a deciding agency the register does not hold.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class AgencyRegisterTests(InfrastructureFixture infra) : IAsyncLifetime
{
    private NpgsqlDataSource _db = null!;
    private readonly TestClock _time = new(Now);

    public async Task InitializeAsync() => _db = await CreateSeededAsync(infra);

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private static readonly DateOnly Today = new(2026, 3, 2);

    [Fact]
    public async Task The_seed_holds_every_commune_with_its_police_the_city_and_the_city_level_agencies()
    {
        var units = ReceivingUnits.FromCommunesCsv(SeedData.CommunesCsv);
        var csvRows = File.ReadAllLines(Path.Combine(DataDirectory, AgencySeed.FileName)).Skip(1).Count(l => l.Length > 0);
        Assert.Equal(168, units.Count(u => u.Level == Procedures.Contracts.ProcedureLevel.Commune));
        Assert.Equal(1 + 168 * 2 + csvRows, await CountAsync(_db, "SELECT count(*) FROM agencies"));
        Assert.Equal(168, await CountAsync(_db, "SELECT count(*) FROM agency_versions WHERE kind = 'commune-police'"));
        foreach (var unit in units) // every receiving unit is also a deciding agency (its People's Committee)
            Assert.True((await AgencyStore.GetCurrentAsync(_db, unit.Id, CancellationToken.None))?.MayDecideOn(Today), unit.Id);
        Assert.Equal("Công an Phường Sài Gòn", (await AgencyStore.GetCurrentAsync(_db, "26740.CA.H29", CancellationToken.None))?.Content.Name);
        Assert.Equal(Agency.Police, (await AgencyStore.GetCurrentAsync(_db, "000.CA.PC06.H29", CancellationToken.None))?.Content.Kind);
        // Seeding again adds nothing.
        await CatalogueSeeder.SeedAsync(_db, SeedData, _time, CancellationToken.None);
        Assert.Equal(1 + 168 * 2 + csvRows, await CountAsync(_db, "SELECT count(*) FROM agencies"));
    }

    [Theory]
    [InlineData("99999.H29")]
    [InlineData("000.20.32.H29")]
    public async Task A_procedure_naming_an_agency_outside_the_register_is_refused_naming_decidingAgency(string agency)
    {
        var result = (await CatalogueApi.ChangeAsync("2.001610", await DraftAsync() with { DecidingAgency = agency }, Admin,
            new DefaultHttpContext(), _db, _time, CancellationToken.None)).Result;
        var problem = Assert.IsType<ProblemHttpResult>(result);
        Assert.Equal("urn:procedures:problem:unknown-agency", problem.ProblemDetails.Type);
        var error = Assert.Single(FieldErrors(result));
        Assert.Equal(("decidingAgency", "unknown-agency"), (error.Field, error.Rule));
        AssertBilingual(error);
        Assert.Equal(1, (await CatalogueStore.GetCurrentAsync(_db, "2.001610", CancellationToken.None))!.Version); // nothing written
    }

    [Theory]
    [InlineData("000.SO.12.H29")]
    [InlineData("000.CA.PC06.H29")]
    [InlineData(DecidingAgencies.CommunePolice)]
    public async Task A_procedure_naming_a_registered_agency_or_a_marker_is_accepted(string agency)
    {
        var result = (await CatalogueApi.ChangeAsync("2.001610", await DraftAsync() with { DecidingAgency = agency }, Admin,
            new DefaultHttpContext(), _db, _time, CancellationToken.None)).Result;
        Assert.Equal(agency, Assert.IsType<Ok<ProcedureView>>(result).Value!.DecidingAgency);
    }

    [Fact]
    public async Task A_change_is_a_new_version_the_old_one_kept_and_a_dissolved_agency_no_longer_decides()
    {
        var created = await CreateAsync(new AgencyInput("000.SO.99.H29", "Sở Thử nghiệm", Agency.Department, true, null, null, true, "test"));
        Assert.Equal(1, created.Version);
        var conflict = await AgencyApi.CreateAsync(new AgencyInput("000.SO.99.H29", "Sở khác", Agency.Department), Admin, new DefaultHttpContext(), _db, _time, CancellationToken.None);
        Assert.Equal(StatusCodes.Status409Conflict, Assert.IsType<ProblemHttpResult>(conflict.Result).StatusCode);

        // Dissolved on 2026-03-01 (before Today): version 2, version 1 unchanged.
        var changed = await ChangeAsync("000.SO.99.H29", new AgencyInput(null, "Sở Thử nghiệm", Agency.Department, true, null, new DateOnly(2026, 3, 1),
            true, "test", BaseVersion: 1));
        Assert.Equal(2, Assert.IsType<Ok<AgencyView>>(changed).Value!.Version);
        var detail = Assert.IsType<Ok<AgencyDetail>>((await AgencyApi.GetAsync("000.SO.99.H29", _db, CancellationToken.None)).Result).Value!;
        Assert.Equal([1, 2], detail.Versions.Select(v => v.Version));
        Assert.Null(detail.Versions[0].EffectiveTo);
        Assert.Equal(new DateOnly(2026, 3, 1), detail.Current.EffectiveTo);
        var current = await AgencyStore.GetCurrentAsync(_db, "000.SO.99.H29", CancellationToken.None);
        Assert.Equal("unknown-agency", Agency.CheckDeciding("decidingAgency", "000.SO.99.H29", current, Today)?.Rule);
        Assert.Null(Agency.CheckDeciding("decidingAgency", "000.SO.99.H29", current, new DateOnly(2026, 2, 28)));

        // The same body again changes nothing; a stale base version is refused.
        Assert.Equal(2, Assert.IsType<Ok<AgencyView>>(await ChangeAsync("000.SO.99.H29", new AgencyInput(null, "Sở Thử nghiệm", Agency.Department, true,
            null, new DateOnly(2026, 3, 1), true, "test"))).Value!.Version);
        var stale = await ChangeAsync("000.SO.99.H29", new AgencyInput(null, "Sở Đổi tên", Agency.Department, BaseVersion: 1));
        Assert.Equal(StatusCodes.Status409Conflict, Assert.IsType<ProblemHttpResult>(stale).StatusCode);

        await using var c = await _db.OpenConnectionAsync();
        Assert.Equal(["agency.create", "agency.change"], (await c.QueryAsync<string>(
            "SELECT action FROM audit.entries WHERE resource = '000.SO.99.H29' ORDER BY id")).ToList());
        await Assert.ThrowsAsync<PostgresException>(() => c.ExecuteAsync("UPDATE agency_versions SET name = 'x' WHERE id = '000.SO.99.H29'"));
    }

    [Fact]
    public async Task The_register_is_published_whole_at_each_seed_and_one_agency_at_each_write()
    {
        var seeded = await OutboxMessages.ReadAsync<Procedures.Contracts.AgencyRegisterPublished>(_db);
        var whole = Assert.Single(seeded).Agencies;
        Assert.Equal(await CountAsync(_db, "SELECT count(*) FROM agencies"), whole.Count);
        Assert.Contains(whole, a => a is { Id: "26740.H29", Version: 1, Kind: Agency.CommunePeopleCommittee });

        await CreateAsync(new AgencyInput("000.SO.97.H29", "Sở Công bố", Agency.Department, true, null, null, true, "test"));
        await ChangeAsync("000.SO.97.H29", new AgencyInput(null, "Sở Công bố", Agency.Department, true, null, new DateOnly(2026, 3, 1), true, "test"));
        await CatalogueSeeder.SeedAsync(_db, SeedData, _time, CancellationToken.None); // a restart: the whole register again, with the change
        var published = await OutboxMessages.ReadAsync<Procedures.Contracts.AgencyRegisterPublished>(_db);
        Assert.Equal(4, published.Count);
        Assert.Equal([(1, (DateOnly?)null), (2, new DateOnly(2026, 3, 1))], published[1..3].Select(p => Assert.Single(p.Agencies))
            .Select(a => (a.Version, a.EffectiveTo)));
        Assert.Equal(whole.Count + 1, published[3].Agencies.Count);
        Assert.Contains(published[3].Agencies, a => a is { Id: "000.SO.97.H29", Version: 2 });
    }

    [Theory]
    [InlineData(null, "Sở", "department", "id", "required")]
    [InlineData("99999", "Sở", "nope", "kind", "one-of")]
    [InlineData("a b", "Sở", "department", "id", "format")]
    [InlineData("000.SO.98.H29", "Sở \u202EThử", "department", "name", "format-character")]
    public void Invalid_bodies_name_the_field_and_rule(string? id, string name, string kind, string field, string rule)
    {
        var (_, content, errors) = Agency.Validate(new AgencyInput(id, name, kind));
        Assert.Null(content);
        Assert.Contains(errors, e => (e.Field, e.Rule) == (field, rule));
        Assert.All(errors, AssertBilingual);
    }

    private async Task<AgencyView> CreateAsync(AgencyInput input)
    {
        var result = await AgencyApi.CreateAsync(input, Admin, new DefaultHttpContext(), _db, _time, CancellationToken.None);
        return Assert.IsType<Created<AgencyView>>(result.Result).Value!;
    }

    private async Task<IResult> ChangeAsync(string id, AgencyInput input)
        => (await AgencyApi.ChangeAsync(id, input, Admin, new DefaultHttpContext(), _db, _time, CancellationToken.None)).Result;

    /// <summary>The seeded draft 2.001610 (a province-level procedure without deciding agency) as a change body.</summary>
    private async Task<ProcedureInput> DraftAsync()
    {
        var v = (await CatalogueStore.GetCurrentAsync(_db, "2.001610", CancellationToken.None))!;
        Assert.Null(v.Content.DecidingAgency);
        return Catalogue.CatalogueVersioningTests.AsInput(v);
    }
}

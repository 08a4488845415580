using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Procedures.Contracts;
using Procedures.Reporting.Kpi.Agencies;
using Procedures.ServiceDefaults;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests.Reporting;

/// <summary>
/// Reporting's projection of the register of agencies (real consumer, inbox and Postgres) and the rule every KPI filter
/// naming an agency or unit goes through: unknown → 400 naming the parameter; nothing received yet → 503.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class KnownAgenciesTests(InfrastructureFixture infra)
{
    private static readonly DateTimeOffset At = DateTimeOffset.Parse("2026-03-02T02:30:00Z");

    private static RegisteredAgency Agency(string id, int version, string name = "UBND", DateOnly? to = null)
        => new(id, version, name, "commune-people-committee", null, to);

    [Fact]
    public async Task The_highest_version_of_each_agency_is_kept_whatever_the_order_and_copies()
    {
        await using var host = await ConsumerHarness.StartAsync(infra, "reporting", typeof(ProjectAgencies).Assembly, x => x.AddConsumer<ProjectAgencies>());
        var consumed = 0;
        async Task ArrivesAsync(params RegisteredAgency[] agencies)
        {
            await host.Harness.Bus.Publish(new AgencyRegisterPublished(agencies, At));
            var expected = ++consumed;
            await Eventually.Until(async () =>
            {
                await using var c = await host.Db.OpenConnectionAsync();
                return await c.ExecuteScalarAsync<long>("SELECT count(*) FROM messaging.inbox") == expected;
            }, TimeSpan.FromSeconds(20), $"message {expected} consumed");
        }

        await ArrivesAsync(Agency("26740.H29", 1), Agency("000.SO.99.H29", 2, "Sở mới", new DateOnly(2026, 3, 1)));
        await ArrivesAsync(Agency("000.SO.99.H29", 1, "Sở cũ")); // late: an older version never overwrites a newer one
        await ArrivesAsync(Agency("26740.H29", 2, "UBND Phường Sài Gòn"));
        await using var connection = await host.Db.OpenConnectionAsync();
        var rows = (await connection.QueryAsync<(string Id, int Version, string Name, DateOnly? To)>(
            "SELECT id, version, name, effective_to FROM agencies ORDER BY id")).ToList();
        Assert.Equal([("000.SO.99.H29", 2, "Sở mới", new DateOnly(2026, 3, 1)), ("26740.H29", 2, "UBND Phường Sài Gòn", null)], rows);

        // Known, dissolved (its past periods are still reported), absent parameters: nothing to refuse.
        Assert.Null(await KnownAgencies.CheckAsync(host.Db, [("agency", "000.SO.99.H29"), ("commune", "26740.H29"), ("procedure", null)], default));
        var refused = Assert.IsType<ProblemHttpResult>(await KnownAgencies.CheckAsync(host.Db,
            [("agency", "99999.H29"), ("commune", "26740.H29"), ("dossiers[3].receivingUnit", "26737.H29")], default));
        Assert.Equal((400, Problems.TypePrefix + "unknown-agency"), (refused.StatusCode, refused.ProblemDetails.Type));
        var errors = Assert.IsAssignableFrom<IEnumerable<FieldError>>(refused.ProblemDetails.Extensions["errors"]);
        Assert.Equal([("agency", "unknown-agency"), ("dossiers[3].receivingUnit", "unknown-agency")], errors.Select(e => (e.Field, e.Rule)));
    }

    [Fact]
    public async Task Before_the_register_arrives_every_agency_filter_is_answered_503_not_unknown()
    {
        await using var host = await ConsumerHarness.StartAsync(infra, "reporting", typeof(ProjectAgencies).Assembly, x => x.AddConsumer<ProjectAgencies>());
        var problem = Assert.IsType<ProblemHttpResult>(await KnownAgencies.CheckAsync(host.Db, [("agency", "26740.H29")], default));
        Assert.Equal((503, Problems.TypePrefix + KnownAgencies.NotLoaded), (problem.StatusCode, problem.ProblemDetails.Type));
        Assert.Null(await KnownAgencies.CheckAsync(host.Db, [("agency", null)], default)); // no filter: nothing to check
    }
}

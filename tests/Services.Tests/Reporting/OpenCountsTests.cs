using Dapper;
using Npgsql;
using Procedures.Reporting.Kpi;
using Procedures.Reporting.Kpi.Api;
using Procedures.Reporting.Kpi.Facts;
using Procedures.Reporting.Kpi.Indicators;
using Procedures.Reporting.Kpi.Rules;
using Procedures.TestInfrastructure;
using static Procedures.Services.Tests.Reporting.OnTimeTests;

namespace Procedures.Services.Tests.Reporting;

/// <summary>
/// The live index counts open dossiers in SQL (IndexQuery.OpenCountsAsync); the rule itself is OnTime.Judge. Over every
/// combination of due moment, pauses and supplementation rounds around the judging moment, both give the same counts.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class OpenCountsTests(InfrastructureFixture infra) : IAsyncLifetime
{
    private static readonly DateTimeOffset JudgedAt = At("2026-11-20T10:00");
    private NpgsqlDataSource _db = null!;
    private readonly List<DossierFact> _facts = [];

    public async Task InitializeAsync()
    {
        _db = await ServiceDatabase.CreateAsync(infra, "reporting", typeof(Projection).Assembly);
        var n = 0;
        // Due moments before, at and after the judging moment (to the second), with and without pauses that cross it.
        foreach (var dueOffset in new[] { -86_400L, -3_601, -1, 0, 1, 3_600, 86_400 })
        foreach (var paused in new[] { 0L, 1, 3_600, 90_000 })
        foreach (var requests in new[] { 0, 1, 2, 3 })
            _facts.Add(new DossierFact
            {
                Code = $"OPEN-{n++:D4}", DecidingAgency = "X.H29", ProcedureCode = n % 3 == 0 ? "1.000001" : "1.000002", ReceivedAt = Received.ToUniversalTime(),
                OriginalDueAt = JudgedAt.AddSeconds(dueOffset).ToUniversalTime(), PausedSeconds = paused, SupplementRequests = requests,
            });
        _facts.Add(new DossierFact { Code = "OPEN-NODUE", DecidingAgency = "X.H29", ProcedureCode = "1.000001", ReceivedAt = Received.ToUniversalTime() }); // never counted
        // Written as the projection writes them (UTC, as the fold gives them) (dossier_facts and the open dossiers' rows the counts read).
        await using var c = await _db.OpenConnectionAsync();
        await using var tx = await c.BeginTransactionAsync();
        foreach (var f in _facts) await FactStore.UpsertAsync(tx, f, CancellationToken.None);
        await tx.CommitAsync();
    }

    public Task DisposeAsync() => _db.DisposeAsync().AsTask();

    [Theory]
    [InlineData(RepeatedSupplement.Always)]
    [InlineData(RepeatedSupplement.OnlyWhilePending)]
    public async Task Counts_in_the_database_equal_the_verdicts_of_the_rule(RepeatedSupplement rule)
    {
        await using var c = await _db.OpenConnectionAsync();
        var counted = await IndexQuery.OpenCountsAsync(c, "coalesce(procedure_code, '')",
            new IndexFilter(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30), null, null, null), JudgedAt, rule, CancellationToken.None);

        var judged = _facts.GroupBy(f => f.ProcedureCode!).Select(g =>
        {
            var tally = g.Aggregate(Tally.Empty, (t, f) => t.AddOpen(f, JudgedAt, rule));
            return (g.Key, tally.OpenWithinTime, tally.OpenOverdue);
        }).OrderBy(x => x.Key).ToList();
        Assert.Equal(judged, counted.OrderBy(x => x.Key).ToList());
        Assert.True(judged.Sum(x => x.OpenWithinTime) > 0 && judged.Sum(x => x.OpenOverdue) > 0, "the grid covers both verdicts");
    }
}

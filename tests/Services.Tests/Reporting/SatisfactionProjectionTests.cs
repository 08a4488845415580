using Dapper;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging;
using Procedures.Reporting.Kpi;
using Procedures.Reporting.Kpi.Api;
using Procedures.Reporting.Kpi.Facts;
using Procedures.Reporting.Kpi.Indicators;
using Procedures.Reporting.Kpi.Rules;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests.Reporting;

/// <summary>
/// Ratings and feedback events through Reporting's real consumers, Postgres and RabbitMQ into the live index: the
/// satisfaction group moves with them, per agency and procedure, whatever the arrival order, and a redelivery counts once.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class SatisfactionProjectionTests(InfrastructureFixture infra) : IAsyncLifetime
{
    private static readonly DateTimeOffset Due = DateTimeOffset.Parse("2026-11-20T17:00:00+07:00");
    private readonly string _agency = "S" + Guid.NewGuid().ToString("N")[..8] + ".H29";
    private IHost _host = null!;

    public async Task InitializeAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:reportingtest"] = infra.NewDatabase("reporting"),
            ["ConnectionStrings:rabbitmq"] = infra.RabbitMq.ToString(),
        });
        builder.AddProceduresMessaging("t" + Guid.NewGuid().ToString("N")[..10], "reportingtest", typeof(ProjectStatus).Assembly, Projection.AddConsumers);
        _host = builder.Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    private Task<IndexResult> LiveAsync(string? procedure = null) => IndexQuery.ComputeAsync(_host.Services.GetRequiredService<NpgsqlDataSource>(),
        new IndexFilter(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30), _agency, null, procedure), DefaultRules.V2025,
        DateTimeOffset.Parse("2026-12-01T00:00:00+07:00"), CancellationToken.None);

    private static IndicatorResult Get(IndexResult r, string code) => r.Indicators.Single(i => i.Code == code);

    [Fact]
    public async Task The_satisfaction_indicators_move_with_ratings_and_feedback_events_each_counted_once()
    {
        var bus = _host.Services.GetRequiredService<IBus>();
        var (a, b, c) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var redelivered = Guid.NewGuid();
        DossierRated Rated(string code, bool satisfied, string procedure = "1.003677")
            => new(code, "26740.H29", _agency, procedure, satisfied ? "satisfied" : "dissatisfied", satisfied, satisfied ? [] : ["late"], "link", Due);
        // Answer and rating before the filing (arrival order must not matter); one dossier rating sent twice with one message id.
        object[] events =
        [
            new FeedbackAnswered(a, _agency, "1.003677", Due.AddDays(-14), Due, Due.AddDays(-1), true),
            new FeedbackRated(a, _agency, "1.003677", "very-satisfied", true, [], "agency", Due),
            new FeedbackFiled(a, _agency, null, "1.003677", "procedure", "agency", Due.AddDays(-14), Due),
            new FeedbackFiled(b, _agency, null, "1.003677", "staff", "public", Due.AddDays(-14), Due),           // never answered: late
            new FeedbackFiled(c, _agency, null, "2.000528", "procedure", "public", Due.AddDays(-14), Due),
            new FeedbackAnswered(c, _agency, "2.000528", Due.AddDays(-14), Due, Due.AddHours(1), false),
            new FeedbackRated(c, _agency, "2.000528", "dissatisfied", false, ["late"], "link", Due.AddHours(2)),
            Rated("D-1", true), Rated("D-2", true), Rated("D-3", false, "2.000528"),
        ];
        foreach (var e in events) await bus.Publish(e, e.GetType());
        for (var i = 0; i < 2; i++) await bus.Publish(Rated("D-4", true), ctx => ctx.MessageId = redelivered);

        IndexResult live = null!;
        await Eventually.Until(async () => Get(live = await LiveAsync(), IndicatorCodes.DossierSatisfaction).Denominator == 4
            && Get(live, IndicatorCodes.PetitionSatisfaction).Denominator == 2 && Get(live, IndicatorCodes.PetitionsOnTime).Denominator == 3
            && Get(live, IndicatorCodes.PetitionsOnTime).Numerator == 1,
            TimeSpan.FromSeconds(30), "the satisfaction events to be projected");
        Assert.Equal((1L, 3L), (Get(live, IndicatorCodes.PetitionsOnTime).Numerator, Get(live, IndicatorCodes.PetitionsOnTime).Denominator));
        Assert.Equal((1L, 2L), (Get(live, IndicatorCodes.PetitionSatisfaction).Numerator, Get(live, IndicatorCodes.PetitionSatisfaction).Denominator));
        var dossiers = Get(live, IndicatorCodes.DossierSatisfaction);
        Assert.Equal((3L, 4L, 5m), (dossiers.Numerator, dossiers.Denominator, dossiers.Points!.Value)); // 75 % of the 90 % threshold
        Assert.True(Get(live, IndicatorCodes.PetitionsOnTime).Tracked);

        // Per procedure: only that procedure's feedback and ratings.
        var one = await LiveAsync("1.003677");
        Assert.Equal((1L, 2L), (Get(one, IndicatorCodes.PetitionsOnTime).Numerator, Get(one, IndicatorCodes.PetitionsOnTime).Denominator));
        Assert.Equal((1L, 1L), (Get(one, IndicatorCodes.PetitionSatisfaction).Numerator, Get(one, IndicatorCodes.PetitionSatisfaction).Denominator));
        Assert.Equal((3L, 3L), (Get(one, IndicatorCodes.DossierSatisfaction).Numerator, Get(one, IndicatorCodes.DossierSatisfaction).Denominator));
    }

    /// <summary>
    /// The rebuild covers every table Reporting derives from events: each table of its schema but the log itself is
    /// filled by the projections, then emptied by hand, and the rebuild must bring every row back as it was.
    /// </summary>
    [Fact]
    public async Task The_rebuild_recomputes_every_derived_table_from_the_log_ratings_feedback_copies_and_agencies_included()
    {
        var bus = _host.Services.GetRequiredService<IBus>();
        var db = _host.Services.GetRequiredService<NpgsqlDataSource>();
        var (done, open, feedback) = ("26740.H29-261105-0001", "26740.H29-261105-0002", Guid.NewGuid());
        var agency = _agency;
        List<object> events =
        [
            .. LifecycleEvents.PausedButOnTime(done),
            LifecycleEvents.Submitted(open), LifecycleEvents.Status(open, 1, DossierStatus.Submitted, Due.AddDays(-3)),
            LifecycleEvents.Status(open, 2, DossierStatus.Received, Due.AddDays(-2)),
            new ProcedurePublished("1.000948", 1, "Cấp phép", "Xây dựng", ProcedureLevel.Province, OnlineServiceLevel.Full, true,
                new DateOnly(2026, 1, 5), new DateOnly(2026, 1, 10), true),
            new DossierRated(done, "26740.H29", agency, "1.000948", "satisfied", true, [], "link", Due),
            new FeedbackFiled(feedback, agency, null, "1.000948", "procedure", "public", Due.AddDays(-14), Due),
            new FeedbackAnswered(feedback, agency, "1.000948", Due.AddDays(-14), Due, Due.AddDays(-1), true),
            new FeedbackRated(feedback, agency, "1.000948", "satisfied", true, [], "link", Due),
            new CopyCertified(Guid.NewGuid(), agency, Due, "key-1"),
            new AgencyRegisterPublished([new RegisteredAgency(agency, 2, "Phường Thử", "ward", null, null)], Due),
            new AgencyRegisterPublished([new RegisteredAgency(agency, 1, "Phường Cũ", "ward", null, null)], Due.AddDays(1)), // older, later: logged, never applied
        ];
        foreach (var e in events) await bus.Publish(e, e.GetType());

        await using var c = await db.OpenConnectionAsync();
        var tables = (await c.QueryAsync<string>("""
            SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
              AND table_name NOT IN ('event_log', 'schemaversions') ORDER BY 1
            """)).ToList();
        Assert.Equal(tables, Rebuild.Derived.Order(StringComparer.Ordinal)); // a new derived table must be rebuilt too
        async Task<Dictionary<string, List<string>>> SnapshotAsync()
        {
            var snapshot = new Dictionary<string, List<string>>();
            foreach (var table in tables)
                snapshot[table] = (await c.QueryAsync<string>($"SELECT to_jsonb(t)::text FROM {table} t ORDER BY 1")).ToList();
            return snapshot;
        }
        // Each consumer logs and applies in one transaction: once every event is logged (the older agency version too), all are applied.
        await Eventually.Until(() => c.QuerySingleAsync<long>("SELECT count(*) FROM event_log"), n => n == events.Count, TimeSpan.FromSeconds(30),
            "every event to be projected");
        var before = await SnapshotAsync();
        Assert.All(tables, t => Assert.NotEmpty(before[t]));
        Assert.Contains(before["agencies"], r => r.Contains("Phường Thử", StringComparison.Ordinal));
        Console.WriteLine($"Rebuild compared {tables.Count} derived tables: {string.Join(", ", tables)}");

        foreach (var table in tables) await c.ExecuteAsync($"DELETE FROM {table}");
        var outcome = await Rebuild.RunAsync(db, CancellationToken.None);

        Assert.Equal((2L, 1L, 7L), (outcome.Dossiers, outcome.ProcedureVersions, outcome.SideEvents));
        var after = await SnapshotAsync();
        foreach (var table in tables)
            Assert.True(before[table].SequenceEqual(after[table]),
                $"{table} before the rebuild:\n{string.Join("\n", before[table])}\nafter:\n{string.Join("\n", after[table])}");
    }
}

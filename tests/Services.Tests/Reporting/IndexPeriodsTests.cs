using System.Text.Json;
using Dapper;
using MassTransit;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging;
using Procedures.Reporting.Kpi;
using Procedures.Reporting.Kpi.Api;
using Procedures.Reporting.Kpi.Facts;
using Procedures.Reporting.Kpi.Indicators;
using Procedures.Reporting.Kpi.Rules;
using Procedures.TestInfrastructure;
using static Procedures.Services.Tests.Reporting.OnTimeTests;

namespace Procedures.Services.Tests.Reporting;

/// <summary>
/// The live index sums whole months from monthly_facts, the days around them from daily_facts, and judges the open
/// dossiers from open_facts. Over dossiers received on both sides of month boundaries (Vietnam midnight), in every
/// state, projected through Reporting's real consumers in shuffled order, it gives for every kind of period and filter
/// exactly the index of the same facts computed one by one (FactsIndex, the /evaluate path) — and again after a rebuild.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class IndexPeriodsTests(InfrastructureFixture infra) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = At("2027-01-10T10:00"); // January is judged now, earlier periods at their end
    private const string AgencyA = "26740.H29", CommuneA2 = "26741.H29", AgencyB = "26737.H29";
    private static readonly string[] Procedures = ["1.000001", "1.000002", "1.000003"];

    /// <summary>Receptions around the month boundaries, Vietnam time (23:30 on 31 October is still October there).</summary>
    private static readonly string[] ReceivedAt =
    [
        "2026-10-31T23:30", "2026-11-01T00:10", "2026-11-15T10:00", "2026-11-30T23:59", "2026-12-01T00:00", "2026-12-15T09:00",
        "2026-12-31T23:00", "2027-01-01T08:00",
    ];

    private ConsumerHarness _host = null!;
    private int _published;

    private NpgsqlDataSource Db => _host.Db;

    public async Task InitializeAsync()
        => _host = await ConsumerHarness.StartAsync(infra, "reporting", typeof(Projection).Assembly, Projection.AddConsumers);

    public Task DisposeAsync() => _host.DisposeAsync().AsTask();

    private static readonly (string From, string To)[] Periods =
    [
        ("2026-11-01", "2026-11-30"), // one whole month
        ("2026-12-01", "2026-12-31"),
        ("2026-11-01", "2026-12-31"), // two
        ("2026-10-31", "2026-12-01"), // a whole month with a day before and after
        ("2026-10-15", "2027-01-05"), // two whole months, days on both sides, judged now
        ("2026-11-15", "2026-12-15"), // no whole month, across a boundary
        ("2026-11-30", "2026-12-01"), // the two days of a boundary
        ("2026-11-01", "2026-11-29"), // from a first day, not to a last
        ("2026-11-02", "2026-11-30"), // to a last day, not from a first
        ("2026-12-31", "2026-12-31"),
        ("2027-01-01", "2027-01-31"), // the current month, judged now
    ];

    [Fact]
    public async Task Every_period_and_filter_gives_the_index_of_the_facts_one_by_one_before_and_after_a_rebuild()
    {
        await ProjectAsync(Lifecycles(seed: 766, dossiers: 60));
        foreach (var (from, to) in Periods) await AssertSameIndexAsync(DateOnly.Parse(from), DateOnly.Parse(to));
        await AssertDerivedTablesKeptAsync();

        await Rebuild.RunAsync(Db, CancellationToken.None);
        foreach (var (from, to) in Periods) await AssertSameIndexAsync(DateOnly.Parse(from), DateOnly.Parse(to));
        await AssertDerivedTablesKeptAsync();
    }

    [Fact]
    public void A_period_splits_into_its_whole_months_and_the_days_around_them()
    {
        static MonthSplit Split(string from, string to) => MonthSplit.Of(DateOnly.Parse(from), DateOnly.Parse(to));
        Assert.Equal(new MonthSplit(new(2026, 11, 1), new(2026, 12, 1), new(2026, 10, 31), new(2027, 1, 1)), Split("2026-11-01", "2026-12-31"));
        Assert.Equal(new MonthSplit(new(2026, 11, 1), new(2026, 11, 1), new(2026, 10, 31), new(2026, 12, 1)), Split("2026-10-15", "2026-12-03"));
        Assert.Equal(new MonthSplit(new(2024, 2, 1), new(2024, 2, 1), new(2024, 1, 31), new(2024, 3, 1)), Split("2024-02-01", "2024-02-29"));
        Assert.Equal(new MonthSplit(null, null, new(2026, 11, 29), new(2026, 11, 30)), Split("2026-11-01", "2026-11-29"));
        Assert.Equal(new MonthSplit(null, null, new(2026, 12, 1), new(2026, 12, 2)), Split("2026-11-30", "2026-12-01"));
    }

    /// <summary>The same facts read back and indexed one by one, filtered as the query filters them.</summary>
    private async Task AssertSameIndexAsync(DateOnly from, DateOnly to)
    {
        FactStore.RegisterTypes();
        List<DossierFact> facts;
        await using (var c = await Db.OpenConnectionAsync()) facts = (await c.QueryAsync<DossierFact>(FactStore.SelectFacts)).AsList();
        Assert.Contains(facts, f => f.ReceivedDay is { } d && d >= from && d <= to);
        foreach (var (agency, commune, procedure) in new (string?, string?, string?)[]
                 {
                     (null, null, null), (AgencyA, null, null), (AgencyB, null, null), (null, CommuneA2, null), (null, null, Procedures[1]),
                     (AgencyA, null, Procedures[0]),
                 })
        {
            var mine = facts.Where(f => (agency is null || f.Agency == agency) && (commune is null || f.ReceivingUnit == commune)
                                        && (procedure is null || f.ProcedureCode == procedure)).ToList();
            // Both views: the portal's takes off the unsynced dossiers read from dossier_facts (a third of them here).
            foreach (var view in new[] { IndexView.Local, IndexView.Portal })
            {
                var filter = new IndexFilter(from, to, agency, commune, procedure, view);
                var live = await IndexQuery.ComputeAsync(Db, filter, DefaultRules.V2025, Now, CancellationToken.None);
                var expected = FactsIndex.Compute(mine, [], new Period(from, to), filter.JudgedAt(Now), DefaultRules.V2025, filter.UnitFiltered, view);
                // Every indicator of the dossiers (the catalogue's and satisfaction come from elsewhere, ProjectionTests).
                Assert.Equal((expected.View, expected.DossiersReceived, Json(FromDossiers(expected))),
                    (live.View, live.DossiersReceived, Json(FromDossiers(live))));
            }
        }
        await AssertSameTrendAsync(facts, from, to);
    }

    /// <summary>The scoreboard's on-time trend in both views: each received day's progress, as the facts of that day give it.</summary>
    private async Task AssertSameTrendAsync(List<DossierFact> facts, DateOnly from, DateOnly to)
    {
        foreach (var view in new[] { IndexView.Local, IndexView.Portal })
        {
            var filter = new IndexFilter(from, to, null, null, null, view);
            var trend = await IndexQuery.TrendAsync(Db, filter, DefaultRules.V2025, Now, CancellationToken.None);
            // Days with something judged (a day whose only dossiers the portal does not hold has nothing in the portal's view).
            var expected = facts.Where(f => f.ReceivedDay is { } d && d >= from && d <= to).Select(f => f.ReceivedDay!.Value).Distinct().Order()
                .Select(day => (Day: day, Progress: FactsIndex.Compute(facts, [], new Period(day, day), filter.JudgedAt(Now), DefaultRules.V2025, view: view)
                    .Indicators.Single(i => i.Code == IndicatorCodes.ProgressOnTime)))
                .Where(x => x.Progress.Denominator > 0).Select(x => (x.Day, x.Progress.Numerator, x.Progress.Denominator)).ToList();
            Assert.Equal(expected, trend.Where(t => t.Judged > 0).Select(t => (t.Day, t.OnTime, t.Judged)).ToList());
            Assert.Contains(trend, t => t.Judged > 0);
        }
    }

    /// <summary>The roll-up is the daily rows summed per month; open_facts is the open dossiers of dossier_facts.</summary>
    private async Task AssertDerivedTablesKeptAsync()
    {
        var columns = string.Join(", ", Tally.StoredColumns);
        var sums = string.Join(", ", Tally.StoredColumns.Select(c => $"sum({c})::bigint AS {c}"));
        await using var c = await Db.OpenConnectionAsync();
        var rolled = await c.QueryAsync($"""
            SELECT date_trunc('month', day)::date AS month, agency, unit, procedure_code, {sums} FROM daily_facts GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
            """);
        var monthly = await c.QueryAsync($"SELECT month, agency, unit, procedure_code, {columns} FROM monthly_facts ORDER BY 1, 2, 3, 4");
        Assert.Equal(JsonSerializer.Serialize(rolled), JsonSerializer.Serialize(monthly));
        Assert.NotEmpty(monthly);

        const string open = "code, received_day, agency, receiving_unit, procedure_code, legal_due_at, supplement_requests";
        var expected = await c.QueryAsync($"""
            SELECT {open} FROM dossier_facts
            WHERE received_at IS NOT NULL AND ended_at IS NULL AND pending_supplement_since IS NULL ORDER BY code
            """);
        var kept = await c.QueryAsync($"SELECT {open} FROM open_facts ORDER BY code");
        Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize(kept));
        Assert.NotEmpty(kept);
    }

    private async Task ProjectAsync(List<object> events)
    {
        foreach (var e in events)
        {
            _published++;
            await _host.Harness.Bus.Publish(e, e.GetType(), ctx => ctx.MessageId = Guid.NewGuid());
        }
        await Eventually.Until(async () =>
        {
            await using var c = await Db.OpenConnectionAsync();
            return await c.ExecuteScalarAsync<long>("SELECT count(*) FROM messaging.inbox") >= _published;
        }, TimeSpan.FromSeconds(120), "every event to be projected");
    }

    /// <summary>
    /// Dossiers of two agencies (one with a second receiving commune), three procedures, received around the month
    /// boundaries, ending on time, late, open (within time or overdue), waiting on a supplementation, paused and resumed,
    /// asked twice; events shuffled, so a dossier's statuses often arrive before its submission and its aggregate rows
    /// move (from no procedure to its procedure) as they do in production.
    /// </summary>
    private static List<object> Lifecycles(int seed, int dossiers)
    {
        var random = new Random(seed);
        var events = new List<object>();
        for (var i = 0; i < dossiers; i++)
        {
            var (agency, unit) = random.Next(3) switch { 0 => (AgencyA, AgencyA), 1 => (AgencyA, CommuneA2), _ => (AgencyB, AgencyB) };
            var code = $"{unit}-{seed}-{i:D4}";
            var received = At(ReceivedAt[random.Next(ReceivedAt.Length)]);
            var dueAt = new DateTimeOffset(received.Date.AddDays(random.Next(1, 25)).AddHours(17), received.Offset);
            var procedure = Procedures[random.Next(Procedures.Length)];
            var fee = random.Next(2) == 0 ? 0L : 30_000L;
            var seq = 0;
            DossierStatusChanged Status(DossierStatus status, DateTimeOffset at, int requests = 0)
                => new(code, ++seq, status, at, null, AppointmentAt: dueAt, OriginalAppointmentAt: dueAt, SupplementRequests: requests,
                    ReceivingUnit: unit, DecidingAgency: agency);
            var own = new List<object>
            {
                LifecycleEvents.Submitted(code, procedure, fee, random.Next(2) == 0 ? SubmissionChannel.Online : SubmissionChannel.InPerson,
                    received.AddHours(-2)) with { ReceivingUnit = unit, DecidingAgency = agency },
                Status(DossierStatus.Submitted, received.AddHours(-2)),
                Status(DossierStatus.Received, received),
            };
            switch (random.Next(7))
            {
                case 0: own.Add(Status(DossierStatus.Decided, dueAt.AddHours(-3))); break; // on time
                case 1: own.Add(Status(DossierStatus.Decided, dueAt.AddDays(2))); break;   // late
                case 2: break;                                                              // open
                case 3: own.Add(Status(DossierStatus.SupplementRequested, received.AddDays(1), 1)); break; // waiting on the applicant
                case 4:                                                                     // paused, resumed, open
                    own.Add(Status(DossierStatus.SupplementRequested, received.AddDays(1), 1));
                    own.Add(Status(DossierStatus.InProcessing, received.AddDays(4), 1));
                    break;
                case 5:                                                                     // asked twice, open
                    own.Add(Status(DossierStatus.SupplementRequested, received.AddHours(3), 1));
                    own.Add(Status(DossierStatus.InProcessing, received.AddHours(5), 1));
                    own.Add(Status(DossierStatus.SupplementRequested, received.AddHours(6), 2));
                    own.Add(Status(DossierStatus.InProcessing, received.AddHours(8), 2));
                    break;
                default:                                                                    // asked twice, decided in time
                    own.Add(Status(DossierStatus.SupplementRequested, received.AddHours(3), 1));
                    own.Add(Status(DossierStatus.InProcessing, received.AddHours(5), 1));
                    own.Add(Status(DossierStatus.SupplementRequested, received.AddHours(6), 2));
                    own.Add(Status(DossierStatus.InProcessing, received.AddHours(8), 2));
                    own.Add(Status(DossierStatus.Decided, dueAt.AddHours(-1), 2));
                    break;
            }
            if (fee > 0 && random.Next(2) == 0)
                own.Add(new PaymentSucceeded(code, "REF-" + code, "TX-" + code, fee, received.AddHours(1), PaidOnlineChannel.NationalPortal));
            if (random.Next(3) > 0) own.Add(new DossierSynced(code, random.Next(1, seq + 1), received.AddHours(1)));
            events.AddRange(own);
        }
        return events.OrderBy(_ => random.Next()).ToList();
    }

    private static IEnumerable<IndicatorResult> FromDossiers(IndexResult index)
        => index.Indicators.Where(i => !ProjectionTests.IsCatalogue(i) && i.Group != "satisfaction");

    private static string Json(object value) => JsonSerializer.Serialize(value, MessageJson.Options);
}

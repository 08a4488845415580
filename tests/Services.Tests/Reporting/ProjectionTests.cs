using System.Diagnostics.Metrics;
using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging;
using Procedures.Reporting.Kpi;
using Procedures.Reporting.Kpi.Api;
using Procedures.Reporting.Kpi.Facts;
using Procedures.Reporting.Kpi.Indicators;
using Procedures.Reporting.Kpi.Rules;
using Procedures.TestInfrastructure;
using static Procedures.Services.Tests.Reporting.LifecycleEvents;
using static Procedures.Services.Tests.Reporting.OnTimeTests;

namespace Procedures.Services.Tests.Reporting;

/// <summary>
/// Reporting's projection with its real consumers, database scripts, Postgres and RabbitMQ: events in (shuffled,
/// redelivered, re-published), facts and the index out; the rebuild from the event log gives the same numbers.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class ProjectionTests(InfrastructureFixture infra) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = At("2026-12-01T00:00"); // the November index, judged at the month's end
    private readonly string _agency = "T" + Guid.NewGuid().ToString("N")[..8] + ".H29";
    private IHost _host = null!;

    private NpgsqlDataSource Db => _host.Services.GetRequiredService<NpgsqlDataSource>();
    private IBus Bus => _host.Services.GetRequiredService<IBus>();

    public async Task InitializeAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:reportingtest"] = infra.NewDatabase("reporting"),
            ["ConnectionStrings:rabbitmq"] = infra.RabbitMq.ToString(),
            ["Messaging:ImmediateRetries"] = "3",
            ["Messaging:ImmediateRetryDelay"] = "00:00:00.010",
        });
        builder.AddProceduresMessaging("t" + Guid.NewGuid().ToString("N")[..10], "reportingtest", typeof(ProjectStatus).Assembly,
            Projection.AddConsumers);
        _host = builder.Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    /// <summary>The test's own agency on every event, so other tests' messages on the shared broker never count here.</summary>
    private object Own(object e) => e switch
    {
        DossierSubmitted s => s with { ReceivingUnit = _agency, DecidingAgency = _agency },
        DossierStatusChanged s => s with { ReceivingUnit = _agency, DecidingAgency = _agency },
        _ => e,
    };

    private Task PublishAsync(object message, Guid? messageId = null)
        => Bus.Publish(message, message.GetType(), ctx => ctx.MessageId = messageId ?? Guid.NewGuid());

    private Task<IndexResult> LiveAsync() => IndexQuery.ComputeAsync(Db,
        new IndexFilter(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30), _agency, null, null), DefaultRules.V2025, Now, CancellationToken.None);

    private async Task<List<DossierFact>> FactsAsync()
    {
        FactStore.RegisterTypes();
        await using var c = await Db.OpenConnectionAsync();
        return (await c.QueryAsync<DossierFact>(FactStore.SelectFacts + " WHERE agency = @agency ORDER BY code", new { agency = _agency })).ToList();
    }

    private async Task<string> DailyAsync()
    {
        await using var c = await Db.OpenConnectionAsync();
        // A row a dossier moved away from stays with zeros (every counter counts received dossiers); the rebuild never creates one.
        var rows = await c.QueryAsync("SELECT * FROM daily_facts WHERE agency = @agency AND received <> 0 ORDER BY day, unit, procedure_code",
            new { agency = _agency });
        return JsonSerializer.Serialize(rows);
    }

    [Fact]
    public async Task Shuffled_redelivered_and_republished_events_give_the_hand_worked_index_and_a_rebuild_gives_the_same()
    {
        var onTime = _agency + "-261105-0001"; // paused two days, finished two days after the deadline: on time
        var late = _agency + "-261105-0002";   // decided a day late
        var open = _agency + "-261105-0003";   // received, still open at the month's end: overdue
        var events = PausedButOnTime(onTime).Select(Own).ToList();
        events.AddRange(new object[]
        {
            Submitted(late, fee: 0, channel: SubmissionChannel.InPerson), Status(late, 1, DossierStatus.Submitted, Received.AddHours(-1)),
            Status(late, 2, DossierStatus.Received, Received), Status(late, 3, DossierStatus.InProcessing, Received.AddHours(1)),
            Status(late, 4, DossierStatus.Decided, Due.AddDays(1)), new DossierSynced(late, 2, Received.AddMinutes(5)),
            Submitted(open), Status(open, 1, DossierStatus.Submitted, Received.AddHours(-1)), Status(open, 2, DossierStatus.Received, Received),
        }.Select(Own));

        // Newest first, every message delivered twice with the same id (the inbox) and once more under a new id (the log key).
        var ids = events.Select(_ => Guid.NewGuid()).ToList();
        for (var i = events.Count - 1; i >= 0; i--) await PublishAsync(events[i], ids[i]);
        for (var i = 0; i < events.Count; i++) await PublishAsync(events[i], ids[i]);
        foreach (var e in events.Where((_, i) => i % 3 == 0)) await PublishAsync(e);

        await Eventually.Until(async () =>
        {
            await using var c = await Db.OpenConnectionAsync();
            return await c.ExecuteScalarAsync<long>("SELECT count(*) FROM event_log WHERE subject LIKE @p", new { p = _agency + "%" }) == events.Count;
        }, TimeSpan.FromSeconds(60), "every distinct event to be logged once");
        var live = await LiveAsync();
        Assert.Equal(3, live.DossiersReceived);

        await using (var c = await Db.OpenConnectionAsync())
        {
            // The log keeps the facts, not the applicant: no ID number, name or file name.
            var logged = string.Join("\n", await c.QueryAsync<string>("SELECT payload::text FROM event_log WHERE subject LIKE @p", new { p = _agency + "%" }));
            Assert.DoesNotContain("079203001234", logged, StringComparison.Ordinal);
            Assert.DoesNotContain("Nguyễn Văn A", logged, StringComparison.Ordinal);
            Assert.DoesNotContain("don.pdf", logged, StringComparison.Ordinal);
        }

        var progress = live.Indicators.Single(i => i.Code == IndicatorCodes.ProgressOnTime);
        Assert.Equal((1, 3), (progress.Numerator, progress.Denominator)); // on time; late; open and overdue at the month's end
        Assert.Equal(6.67m, progress.Points);
        var payment = live.Indicators.Single(i => i.Code == IndicatorCodes.DossiersPaidOnline);
        Assert.Equal((1, 2), (payment.Numerator, payment.Denominator)); // the zero-fee dossier is not in the denominator

        // The same facts through /evaluate's path give the same index.
        var facts = await FactsAsync();
        Assert.Equal(3, facts.Count);
        var evaluated = FactsIndex.Compute(facts, [], new Period(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30)), Now, DefaultRules.V2025,
            unitFiltered: true);
        // Satisfaction comes from ratings and feedback, which posted facts do not carry (SatisfactionProjectionTests).
        Assert.Equal(Json(live.Indicators.Where(i => !IsCatalogue(i) && i.Group != "satisfaction")),
            Json(evaluated.Indicators.Where(i => !IsCatalogue(i) && i.Group != "satisfaction")));

        var daily = await DailyAsync();
        Rebuild.Outcome outcome;
        // A dashboard's read still open (its transaction holds the month's roll-up): the rebuild does not wait for it.
        await using (var reader = await Db.OpenConnectionAsync())
        await using (var reading = await reader.BeginTransactionAsync())
        {
            await reader.ExecuteAsync("SELECT count(*) FROM monthly_facts", transaction: reading);
            using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            outcome = await Rebuild.RunAsync(Db, bounded.Token);
        }
        Assert.True(outcome.Dossiers >= 3);
        Assert.Equal(daily, await DailyAsync());
        Assert.Equal(facts, await FactsAsync());
        Assert.Equal(Json(live), Json(await LiveAsync()));

        // The dashboard gauges, on 30 November at noon: this month, per agency, from the same index.
        var metrics = new KpiMetrics(Db, new KpiRules(Options()), Options(), new TestClock(At("2026-11-30T12:00")),
            _host.Services.GetRequiredService<IMeterFactory>(), NullLogger<KpiMetrics>.Instance);
        var measured = new Dictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) => { if (instrument.Meter.Name == KpiMetrics.MeterName) l.EnableMeasurementEvents(instrument); };
        void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? _)
        {
            foreach (var tag in tags)
                if (tag.Key == "agency" && (string?)tag.Value == _agency) measured[instrument.Name] = Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
        }
        listener.SetMeasurementEventCallback<double>(Record);
        listener.SetMeasurementEventCallback<long>(Record);
        listener.Start();
        await SnapshotAsync(metrics);
        listener.RecordObservableInstruments();
        Assert.StartsWith("Procedures.", KpiMetrics.MeterName, StringComparison.Ordinal);
        Assert.Equal(0.3333, measured["procedures.kpi.on_time_rate"]);
        Assert.Equal(0.6667, measured["procedures.kpi.sync_rate"]);
        Assert.Equal(0.5, measured["procedures.kpi.online_payment_rate"]);
        Assert.Equal(1, measured["procedures.kpi.overdue_count"]); // the open dossier, past its deadline
    }

    private static IOptionsMonitor<KpiOptions> Options()
        => new ServiceCollection().Configure<KpiOptions>(_ => { }).BuildServiceProvider().GetRequiredService<IOptionsMonitor<KpiOptions>>();

    /// <summary>Runs the metrics' background loop once: its first snapshot is taken before the first wait.</summary>
    private static async Task SnapshotAsync(KpiMetrics metrics)
    {
        await metrics.StartAsync(CancellationToken.None);
        await Eventually.Until(() => Task.FromResult(metrics.Snapshot.Count > 0), TimeSpan.FromSeconds(10), "the first metrics snapshot");
        await metrics.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_status_arriving_before_the_submission_is_kept_and_completed_later()
    {
        var code = _agency + "-261106-0001";
        await PublishAsync(Own(Status(code, 2, DossierStatus.Received, Received)));
        await Eventually.Until(async () => (await FactsAsync()).Count == 1, TimeSpan.FromSeconds(30), "the early status to be projected");
        Assert.Null((await FactsAsync())[0].ProcedureCode);

        await PublishAsync(Own(Submitted(code, procedure: "1.003677")));
        var fact = await Eventually.Until(async () => (await FactsAsync()).Single(), f => f.ProcedureCode is not null, TimeSpan.FromSeconds(30),
            "the submission to complete the facts");
        Assert.Equal(("1.003677", 2, 50_000L), (fact.ProcedureCode, fact.Channel, fact.FeeTotal));
        // The aggregate moved the dossier from the no-procedure row to the procedure's row: one received in all.
        await using var c = await Db.OpenConnectionAsync();
        var rows = (await c.QueryAsync<(string Procedure, long Received)>(
            "SELECT procedure_code, received FROM daily_facts WHERE agency = @agency ORDER BY 1", new { agency = _agency })).ToList();
        Assert.Equal([("", 0L), ("1.003677", 1L)], rows);
    }

    /// <summary>Indicators not computed from dossier facts (the catalogue's, and certified copies per commune): /evaluate cannot know them.</summary>
    internal static bool IsCatalogue(IndicatorResult i) => i.Code is IndicatorCodes.PublishOnTime or IndicatorCodes.PublicUpdateOnTime
        or IndicatorCodes.PublicContentFull or IndicatorCodes.OnlineProcedures or IndicatorCodes.OnlineServicesWithDossiers
        or IndicatorCodes.FeeProceduresIntegrated or IndicatorCodes.ElectronicCertifiedCopy;

    private static string Json(object value) => JsonSerializer.Serialize(value, MessageJson.Options);
}

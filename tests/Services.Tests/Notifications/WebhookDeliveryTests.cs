using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Procedures.Contracts;
using Procedures.Notifications;
using Procedures.Notifications.Events;
using Procedures.Notifications.Webhooks;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests.Notifications;

/// <summary>
/// Webhook delivery on real Postgres to a real HTTP receiver that verifies with the official Standard Webhooks library.
/// The retry schedule is compressed; the outage lasts PROCEDURES_TEST_WEBHOOK_DOWN_SECONDS (30 s by default, as in CI).
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class WebhookDeliveryTests(InfrastructureFixture infra) : IAsyncLifetime
{
    private const string AgencyA = "26740.H29";
    private const string AgencyB = "26737.H29";
    private static readonly TimeSpan Down = TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("PROCEDURES_TEST_WEBHOOK_DOWN_SECONDS"), out var s) ? s : 30);

    private readonly WebhookOptions _webhooks = new()
    {
        // Longer in all than the outage, so nothing is dead-lettered while the subscriber is down.
        RetrySchedule = [.. new[] { 0.5, 1, 2, 3, 4, 5, 5, 5, 5, 5, 5, 5, 5, 5 }.Select(TimeSpan.FromSeconds)],
        PollInterval = TimeSpan.FromMilliseconds(100),
        AllowedLoopbackHosts = ["localhost"],
        RequireHttps = false,
        AlertAfter = TimeSpan.FromSeconds(2),
        SecretKey = "test-webhook-secret-key-0123456789abcdef",
    };
    private readonly NotificationsOptions _options = new();
    private readonly NotificationsMetrics _metrics = new();
    private readonly WebhookReceiver _receiver = new();
    private NotificationsDatabase _db = null!;
    private WebhookSender _sender = null!;
    private WebhookDispatcher _dispatcher = null!;
    private WebhookSecrets _secrets = null!;

    public async Task InitializeAsync()
    {
        _db = await NotificationsDatabase.CreateAsync(infra, _options);
        await _receiver.StartAsync();
        var options = Options.Create(_webhooks);
        _sender = new WebhookSender(new CallbackUrlGuard(options), options, TimeProvider.System);
        _secrets = new WebhookSecrets(options);
        _dispatcher = new WebhookDispatcher(_db.Db, _sender, _secrets, options, _metrics, TimeProvider.System, NullLogger<WebhookDispatcher>.Instance);
        await _dispatcher.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _dispatcher.StopAsync(CancellationToken.None);
        _dispatcher.Dispose();
        _sender.Dispose();
        await _receiver.DisposeAsync();
        await _db.DisposeAsync();
        _metrics.Dispose();
    }

    private async Task<Guid> SubscribeAsync(string hook, string agency)
    {
        // Stored sealed, as the API stores it: the receiver checks every signature against the plain secret.
        var secret = WebhookSender.NewSecret();
        return await _db.SubscribeAsync(agency, _receiver.Url(hook, secret), _secrets.Seal(secret));
    }

    /// <summary>Statuses 1, 2, 4, 6, 4, 9 of a dossier, appended in the given order of sequences.</summary>
    private static List<PublicEvent> Lifecycle(string code, string agency)
    {
        DossierStatus[] steps = [DossierStatus.Submitted, DossierStatus.Received, DossierStatus.InProcessing, DossierStatus.AwaitingPayment,
            DossierStatus.InProcessing, DossierStatus.Decided];
        return steps.Select((status, i) => PublicEventMapping.From(SampleEvents.Status(code, i + 1, status, agency), null)).ToList();
    }

    private static (string Code, long Sequence) Key(WebhookReceiver.Received r)
    {
        var data = JsonDocument.Parse(r.Body).RootElement.GetProperty("data");
        return (data.GetProperty("dossierCode").GetString()!, data.GetProperty("sequence").GetInt64());
    }

    [Fact]
    public async Task A_subscriber_down_for_a_while_gets_every_missed_event_in_dossier_order_while_others_are_not_slowed()
    {
        var subscriptionA = await SubscribeAsync("a", AgencyA);
        await SubscribeAsync("b", AgencyB);
        _receiver.Answer("a", 503);

        var dossiersA = Enumerable.Range(1, 3).Select(i => Lifecycle($"26740.H29-261128-00{i:00}", AgencyA)).ToList();
        var dossiersB = Enumerable.Range(1, 2).Select(i => Lifecycle($"26737.H29-261128-00{i:00}", AgencyB)).ToList();
        // Interleaved across dossiers and, within each, out of order (4 before 3), as queues may deliver them.
        foreach (var step in new[] { 0, 1, 3, 2, 4, 5 })
            foreach (var lifecycle in dossiersA.Concat(dossiersB))
                await _db.AppendAsync(lifecycle[step]);
        var idsA = dossiersA.SelectMany(d => d).Select(e => e.Id.ToString()).ToHashSet();
        var idsB = dossiersB.SelectMany(d => d).Select(e => e.Id.ToString()).ToHashSet();

        // B's receiver is up and gets everything of B's while A's is still down.
        var started = DateTime.UtcNow;
        await Eventually.Until(() => Task.FromResult(_receiver.Accepted("b").Select(r => r.WebhookId).ToHashSet().SetEquals(idsB)),
            TimeSpan.FromSeconds(10), "B's deliveries while A is down");
        Assert.True(DateTime.UtcNow - started < Down, "B was served during A's outage");

        var remaining = Down - (DateTime.UtcNow - started);
        if (remaining > TimeSpan.Zero) await Task.Delay(remaining); // the outage itself (what is being tested), not a wait for a result
        Assert.Empty(_receiver.Accepted("a"));
        Assert.True(_receiver.Requests.Count(r => r.Hook == "a") >= 3, "A was retried during the outage");
        _receiver.Answer("a", 200);

        await Eventually.Until(() => Task.FromResult(_receiver.Accepted("a").Select(r => r.WebhookId).ToHashSet().SetEquals(idsA)),
            TimeSpan.FromSeconds(20), "every missed event of A after it came back");

        var all = _receiver.Requests.ToList();
        Assert.All(all, r => Assert.True(r.Verified, $"delivery {r.WebhookId} verifies with the Standard Webhooks library"));
        Assert.All(all, r => Assert.True(r.TamperedRejected, "a tampered body is rejected"));
        Assert.All(all.Where(r => r.Hook == "a"), r => Assert.Contains(r.WebhookId, idsA));
        Assert.All(all.Where(r => r.Hook == "b"), r => Assert.Contains(r.WebhookId, idsB));
        Assert.All(all, r => Assert.Equal(r.WebhookId, JsonDocument.Parse(r.Body).RootElement.GetProperty("id").GetString()));
        foreach (var hook in new[] { "a", "b" })
            foreach (var dossier in _receiver.Accepted(hook).Select(Key).GroupBy(k => k.Code))
                Assert.Equal(dossier.Select(k => k.Sequence).Order(), dossier.Select(k => k.Sequence));
        // Each dossier's deliveries were attempted strictly in order, even the failed ones.
        foreach (var dossier in all.Where(r => r.Hook == "a").Select(Key).GroupBy(k => k.Code))
            Assert.Equal(dossier.Select(k => k.Sequence).Order(), dossier.Select(k => k.Sequence));

        // The delivery log has every attempt, with status and latency, and the 503s before the success.
        await using var c = await _db.Db.OpenConnectionAsync();
        var attempts = (await c.QueryAsync<(int? Status, int Latency, string Outcome)>(
            "SELECT status_code, latency_ms, outcome FROM webhook_attempts WHERE subscription_id = @subscriptionA ORDER BY id", new { subscriptionA })).ToList();
        Assert.Equal(all.Count(r => r.Hook == "a"), attempts.Count);
        Assert.Contains(attempts, a => a is { Status: 503, Outcome: "retry" });
        Assert.Equal(idsA.Count, attempts.Count(a => a is { Status: 200, Outcome: "delivered" }));
        Assert.All(attempts, a => Assert.True(a.Latency >= 0));
        // Failing longer than AlertAfter raised one alert for the day, not one per attempt.
        Assert.Equal(1L, await _db.ScalarAsync<long>("SELECT count(*) FROM messaging.outbox WHERE message_type LIKE '%WebhookSubscriptionFailing%'"));
    }

    [Fact]
    public async Task Dead_letters_replay_410_disables_and_replays_never_cross_agencies()
    {
        _webhooks.RetrySchedule = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100)];
        var flaky = await SubscribeAsync("flaky", AgencyA);
        var gone = await SubscribeAsync("gone", AgencyA);
        _receiver.Answer("flaky", 500);
        _receiver.Answer("gone", 410);
        var eventsA = Lifecycle("26740.H29-261128-0050", AgencyA).Take(2).ToList();
        var eventB = Lifecycle("26737.H29-261128-0050", AgencyB)[0];
        foreach (var e in eventsA.Append(eventB)) await _db.AppendAsync(e);

        await Eventually.Until(() => _db.ScalarAsync<long>("SELECT count(*) FROM webhook_deliveries WHERE subscription_id = @flaky AND state = 'dead'", new { flaky }),
            n => n == 2, TimeSpan.FromSeconds(10), "both deliveries dead-lettered after the schedule ran out");
        Assert.Equal(6, _receiver.Requests.Count(r => r.Hook == "flaky")); // 3 attempts each: first + 2 retries
        Assert.Equal(1L, await _db.ScalarAsync<long>("SELECT count(*) FROM messaging.outbox WHERE message_type LIKE '%WebhookSubscriptionFailing%'"));

        // 410: the subscription is disabled at once and nothing more is sent to it (later events wait for its re-activation).
        await Eventually.Until(() => _db.ScalarAsync<string>("SELECT state FROM webhook_subscriptions WHERE id = @gone", new { gone }),
            state => state == "disabled", TimeSpan.FromSeconds(10), "410 to disable the subscription");
        Assert.Equal(1, _receiver.Requests.Count(r => r.Hook == "gone"));

        _receiver.Answer("flaky", 200);
        Assert.Equal(2, await Replay.QueueAsync(_db.Db, flaky, new Replay.Request(null, null, null, true), AgencyA, false, CancellationToken.None));
        await Eventually.Until(() => Task.FromResult(_receiver.Accepted("flaky").Count == 2), TimeSpan.FromSeconds(10), "dead letters replayed");
        Assert.Equal(0, await Replay.QueueAsync(_db.Db, flaky, new Replay.Request(null, null, null, true), AgencyA, false, CancellationToken.None));

        // One event, then a range covering everything: B's event is never queued to A's subscription.
        Assert.Equal(1, await Replay.QueueAsync(_db.Db, flaky, new Replay.Request(eventsA[0].Id, null, null, null), AgencyA, false, CancellationToken.None));
        Assert.Null(await Replay.QueueAsync(_db.Db, flaky, new Replay.Request(eventB.Id, null, null, null), AgencyA, false, CancellationToken.None));
        Assert.Null(await Replay.QueueAsync(_db.Db, flaky, new Replay.Request(eventsA[0].Id, null, null, null), AgencyB, false, CancellationToken.None));
        var range = new Replay.Request(null, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1), null);
        Assert.Equal(2, await Replay.QueueAsync(_db.Db, flaky, range, AgencyA, false, CancellationToken.None));
        await Eventually.Until(() => Task.FromResult(_receiver.Accepted("flaky").Count == 5), TimeSpan.FromSeconds(10), "replays delivered");
        var replayed = _receiver.Accepted("flaky");
        Assert.All(replayed, r => Assert.True(r.Verified));
        Assert.All(replayed, r => Assert.Contains(r.WebhookId, eventsA.Select(e => e.Id.ToString())));
        Assert.Equal(1, _receiver.Requests.Count(r => r.Hook == "gone"));
    }

    /// <summary>
    /// Issue 25's guarantees together: four dossiers' status events and portal acknowledgements arrive out of order; one
    /// subscription's receiver fails at random and its secret is rotated half-way; another answers 410 half-way (disabled)
    /// and is re-activated later. Each subscription gets every event exactly once, each dossier's in order, no
    /// acknowledgement lower than one already delivered, every signature valid (under both secrets during the overlap),
    /// each delivery continuing its event's trace, and a replay says what it replays.
    /// </summary>
    [Fact]
    public async Task Every_event_exactly_once_in_order_through_random_failures_a_rotation_and_a_disabled_period()
    {
        _webhooks.RetrySchedule = [.. Enumerable.Repeat(TimeSpan.FromMilliseconds(200), 30)];
        var main = await SubscribeAsync("main", AgencyA);
        var second = await SubscribeAsync("second", AgencyA);
        _receiver.FailRandomly("main", 0.25, seed: 25);

        var route = DossierRoute.Of(AgencyA, AgencyA, "1.003677");
        var dossiers = Enumerable.Range(1, 4).Select(i => $"26740.H29-261207-00{i:00}").ToList();
        // Per dossier, as queues may deliver them: status 4 before 3, acknowledgement 3 after 5, synced 5 before status 5.
        List<PublicEvent> Arrivals(string code)
        {
            var status = Lifecycle(code, AgencyA);
            PublicEvent Synced(long n) => PublicEventMapping.From(new DossierSynced(code, n, SampleEvents.At.AddHours(n)), route)!;
            return [status[0], Synced(1), status[1], status[3], Synced(2), status[2], Synced(4), Synced(5), status[4], Synced(3), status[5], Synced(6)];
        }
        var arrivals = dossiers.ToDictionary(d => d, Arrivals);
        var traces = new Dictionary<string, System.Diagnostics.ActivityTraceId>();
        async Task AppendStepsAsync(Range steps)
        {
            foreach (var e in dossiers.SelectMany(code => arrivals[code][steps]))
            {
                // The consumer's span (MassTransit's, in the service), one trace per internal event: what its deliveries continue.
                using var consume = new System.Diagnostics.Activity("consume").Start();
                traces[e.Id.ToString()] = consume.TraceId;
                await _db.AppendAsync(e);
            }
        }

        await AppendStepsAsync(..6);
        await Eventually.Until(() => Task.FromResult(_receiver.Accepted("main").Count >= 8 && _receiver.Accepted("second").Count >= 8),
            TimeSpan.FromSeconds(30), "the first half to start arriving");

        // Half-way: main's secret is rotated (the receiver learns the new one), second's receiver answers 410.
        var newSecret = WebhookSender.NewSecret();
        await using (var c = await _db.Db.OpenConnectionAsync())
        await using (var tx = await c.BeginTransactionAsync())
        {
            Assert.True(await SubscriptionChecks.RotateInAsync(tx, main, _secrets.Seal(newSecret), DateTimeOffset.UtcNow.AddHours(1), AgencyA, false,
                CancellationToken.None));
            Assert.False(await SubscriptionChecks.RotateInAsync(tx, main, _secrets.Seal(newSecret), null, AgencyB, false, CancellationToken.None));
            await tx.CommitAsync();
        }
        _receiver.AddSecret("main", newSecret);
        _receiver.Answer("second", 410);
        await AppendStepsAsync(6..9);
        await Eventually.Until(() => _db.ScalarAsync<string>("SELECT state FROM webhook_subscriptions WHERE id = @second", new { second }),
            state => state == "disabled", TimeSpan.FromSeconds(20), "410 to disable the second subscription");
        await AppendStepsAsync(9..);

        // Events released while it was disabled are kept; re-activated, it gets them in order.
        _receiver.Answer("second", 200);
        await _db.SetStateAsync(second, AgencyA, "active");

        // Every event but the superseded acknowledgements (synced 3: "up to 5" was already out).
        var expected = arrivals.Values.SelectMany(e => e).Where(e => !(e.Type == EventCatalogue.Synced && e.Sequence == 3)).Select(e => e.Id.ToString()).ToHashSet();
        foreach (var hook in new[] { "main", "second" })
            await Eventually.Until(() => Task.FromResult(_receiver.Accepted(hook).Select(r => r.WebhookId).ToHashSet().SetEquals(expected)),
                TimeSpan.FromSeconds(60), $"every event to {hook}");
        Assert.Equal(dossiers.Count, await _db.ScalarAsync<long>("SELECT count(*) FROM event_log WHERE superseded AND type = @type",
            new { type = EventCatalogue.Synced.Type }));

        foreach (var hook in new[] { "main", "second" })
        {
            var accepted = _receiver.Accepted(hook);
            Assert.Equal(expected.Count, accepted.Count); // exactly once each
            foreach (var dossier in accepted.GroupBy(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("subject").GetString()!))
            {
                var facts = dossier.Select(r => JsonDocument.Parse(r.Body).RootElement)
                    .Select(e => (Synced: e.GetProperty("type").GetString() == EventCatalogue.Synced.Type, Sequence: e.GetProperty("data").GetProperty("sequence").GetInt64()))
                    .ToList();
                var statuses = facts.Where(f => !f.Synced).Select(f => f.Sequence).ToList();
                var acknowledged = facts.Where(f => f.Synced).Select(f => f.Sequence).ToList();
                Assert.Equal([1L, 2, 3, 4, 5, 6], statuses);
                Assert.Equal([1L, 2, 4, 5, 6], acknowledged);
                // An acknowledgement of N comes after status N.
                Assert.All(facts.Select((f, i) => (f, i)).Where(x => x.f.Synced),
                    x => Assert.True(facts.FindIndex(f => !f.Synced && f.Sequence == x.f.Sequence) < x.i, $"synced {x.f.Sequence} after status {x.f.Sequence}"));
            }
        }

        var requests = _receiver.Requests.ToList();
        Assert.All(requests, r => Assert.True(r.Verified && r.TamperedRejected, $"delivery {r.WebhookId} to {r.Hook} verifies, and a tampered copy does not"));
        Assert.Contains(requests, r => r is { Hook: "main", Answer: 500 }); // the receiver did fail at random
        // main: signed by the old secret alone, then, once the rotation is read, by both (each verifying on its own).
        var mainRequests = requests.Where(r => r.Hook == "main").ToList();
        var firstDual = mainRequests.FindIndex(r => r.Signatures == 2);
        Assert.True(firstDual > 0, "deliveries before and after the rotation");
        Assert.All(mainRequests[..firstDual], r => Assert.Equal([0], r.VerifiedBy));
        Assert.All(mainRequests[firstDual..], r => Assert.Equal([0, 1], r.VerifiedBy));
        // Each delivery continues the trace its event was consumed in.
        Assert.All(requests, r => Assert.Equal(traces[r.WebhookId].ToString(), r.TraceParent?.Split('-')[1]));

        // A replay of one event is delivered again, marked, and points at the delivery it repeats.
        var one = arrivals[dossiers[0]][0].Id;
        Assert.Equal(1, await Replay.QueueAsync(_db.Db, second, new Replay.Request(one, null, null, null), AgencyA, false, CancellationToken.None));
        await Eventually.Until(() => Task.FromResult(_receiver.Accepted("second").Any(r => r.Replay == "event")), TimeSpan.FromSeconds(10), "the replay");
        Assert.Equal(one.ToString(), Assert.Single(_receiver.Accepted("second"), r => r.Replay is not null).WebhookId);
        Assert.Equal(1L, await _db.ScalarAsync<long>("""
            SELECT count(*) FROM webhook_deliveries r JOIN webhook_deliveries o ON o.id = r.replay_of
            WHERE r.subscription_id = @second AND r.replay_reason = 'event' AND o.event_id = r.event_id AND o.state = 'delivered'
            """, new { second }));
    }

    [Fact]
    public async Task Events_that_outlive_the_retention_window_while_paused_are_shown_as_missed_and_one_replay_sends_them_in_order()
    {
        var id = await SubscribeAsync("paused", AgencyA);
        await _db.SetStateAsync(id, AgencyA, "paused");
        var events = Lifecycle("26740.H29-261207-0077", AgencyA).Take(3).ToList();
        foreach (var e in events) await _db.AppendAsync(e);

        // Nothing goes while paused; a window shorter than their wait expires them and records the range.
        Assert.Equal((3, 0), await WebhookRetention.SweepAsync(_db.Db, TimeSpan.Zero, CancellationToken.None));
        Assert.Equal(3, await _db.ScalarAsync<int>("SELECT missed_count FROM webhook_subscriptions WHERE id = @id", new { id }));
        Assert.True(await _db.ScalarAsync<bool>("SELECT missed_from <= missed_to FROM webhook_subscriptions WHERE id = @id", new { id }));
        await _db.SetStateAsync(id, AgencyA, "active");
        Assert.Equal(3, await Replay.QueueAsync(_db.Db, id, new Replay.Request(null, null, null, null, Missed: true), AgencyA, false, CancellationToken.None));
        await Eventually.Until(() => Task.FromResult(_receiver.Accepted("paused").Count == 3), TimeSpan.FromSeconds(10), "the missed events");
        Assert.Equal(events.Select(e => e.Id.ToString()), _receiver.Accepted("paused").Select(r => r.WebhookId));
        Assert.All(_receiver.Accepted("paused"), r => Assert.Equal("missed", r.Replay));
        Assert.Equal(0, await _db.ScalarAsync<int>("SELECT missed_count FROM webhook_subscriptions WHERE id = @id", new { id }));
        Assert.Equal(0, await Replay.QueueAsync(_db.Db, id, new Replay.Request(null, null, null, null, Missed: true), AgencyA, false, CancellationToken.None));

        // Deleted: its log stays for the window, then goes.
        await _db.DeleteAsync(id, AgencyA);
        Assert.Equal((0, 0), await WebhookRetention.SweepAsync(_db.Db, TimeSpan.FromHours(1), CancellationToken.None));
        Assert.Equal(6L, await _db.ScalarAsync<long>("SELECT count(*) FROM webhook_deliveries WHERE subscription_id = @id", new { id }));
        Assert.Equal((0, 1), await WebhookRetention.SweepAsync(_db.Db, TimeSpan.Zero, CancellationToken.None));
        Assert.Equal(0L, await _db.ScalarAsync<long>("SELECT count(*) FROM webhook_attempts WHERE subscription_id = @id", new { id }));
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Procedures.Contracts;
using Procedures.Services.Tests.Notifications;
using Procedures.TestInfrastructure;

namespace Procedures.EndToEnd.Tests;

/// <summary>
/// Issue 25's proof through the whole system: dossiers driven through every status while one subscription's receiver
/// fails at random and its secret is rotated mid-stream (REST), and another answers 410 half-way (disabled) and is
/// resumed later. Each subscription gets each dossier's events exactly once, in order, with valid signatures (under the
/// old and the new secret during the overlap), each continuing its event's trace.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class IntegratorGuaranteesTests(SystemFixture system) : IAsyncLifetime
{
    private const string Subscriptions = "/api/v1/webhooks/subscriptions";
    private const string Synced = "vn.hcm.procedures.dossier.synced.v1";
    /// <summary>Sent beside the return (status 10): the applicant's rating link, not a status of its own.</summary>
    private const string RatingLink = "vn.hcm.procedures.dossier.rating-link-issued.v1";

    private static bool IsStatus((string Type, string Subject, long Sequence, int? Status) e) => e.Type != Synced && e.Type != RatingLink;
    private readonly WebhookReceiver _receiver = new();

    public Task InitializeAsync() => _receiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private HttpClient Notifications => system.Client(ResourceNames.Notifications);

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, string token, object? body = null, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) }.WithToken(token);
        if (method == HttpMethod.Post) request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await Notifications.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<Guid> SubscribeAsync(string token, string hook)
    {
        var created = await SendAsync(HttpMethod.Post, Subscriptions, token, new { url = _receiver.Url(hook, "whsec_placeholder") }, HttpStatusCode.Created);
        _receiver.Url(hook, created.GetProperty("secret").GetString()!);
        return created.GetProperty("id").GetGuid();
    }

    /// <summary>One officer action; the first one of a dossier retried while Processing has not recorded the submission yet.</summary>
    private async Task ActAsync(string code, string action, string token)
    {
        await Eventually.Until(async () =>
        {
            using var r = await system.Client(ResourceNames.Processing).SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/dossiers/{code}/actions/{action}")
            {
                Content = JsonContent.Create(new { officer = "Nguyễn Thị Hoa", role = "Chuyên viên", department = "Một cửa", content = $"Thao tác {action}" }),
            }.WithToken(token));
            Assert.True(r.IsSuccessStatusCode || ProcessingAnswer.NotYetRecorded(r), $"{code} {action}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
            return r.IsSuccessStatusCode;
        }, TimeSpan.FromSeconds(60), $"Processing to {action} {code}");
    }

    private static (string Type, string Subject, long Sequence, int? Status) Read(WebhookReceiver.Received r)
    {
        var e = JsonDocument.Parse(r.Body).RootElement;
        var data = e.GetProperty("data");
        return (e.GetProperty("type").GetString()!, e.GetProperty("subject").GetString()!, data.GetProperty("sequence").GetInt64(),
            data.TryGetProperty("status", out var s) ? s.GetInt32() : null);
    }

    [Fact]
    public async Task Every_status_exactly_once_in_order_signed_and_traced_through_failures_a_rotation_and_a_disabled_period()
    {
        var intake = system.Client(ResourceNames.Intake);
        var clerk = await Tokens.ForClientAsync(system.Client(ResourceNames.Sandbox), "phuong-sai-gon");
        var main = await SubscribeAsync(clerk, "g-main");
        var second = await SubscribeAsync(clerk, "g-second");
        _receiver.FailRandomly("g-main", 0.2, seed: 25, firstAttemptOnly: true);

        async Task<string> SubmitAsync(bool feeBearing)
        {
            var body = feeBearing ? await Submissions.FeeBearingBodyAsync(intake) : null;
            using var created = await intake.SendAsync(Submissions.Post("26740.H29", clerk, body: body));
            var text = await created.Content.ReadAsStringAsync();
            Assert.True(created.StatusCode == HttpStatusCode.Created, text);
            return JsonDocument.Parse(text).RootElement.GetProperty("dossierCode").GetString()!;
        }

        // Every status 1–10 among four lives; each dossier's actions split in two halves around the rotation and the 410.
        var lives = new List<(string Code, string[] First, string[] Second, int[] Statuses)>
        {
            (await SubmitAsync(false), ["accept", "start-processing", "request-supplement"], ["supplement-received", "decide", "return-result"], [1, 2, 4, 5, 4, 9, 10]),
            (await SubmitAsync(false), [], ["refuse"], [1, 3]),
            (await SubmitAsync(false), ["accept"], ["start-processing", "stop"], [1, 2, 4, 8]),
            (await SubmitAsync(true), ["accept", "start-processing"], ["request-payment", "withdraw"], [1, 2, 4, 6, 7]),
        };
        foreach (var life in lives)
            foreach (var action in life.First) await ActAsync(life.Code, action, clerk);
        await Eventually.Until(() => Task.FromResult(_receiver.Accepted("g-second").Count >= 6 && _receiver.Accepted("g-main").Count >= 6),
            TimeSpan.FromSeconds(60), "the first half to arrive");

        // Mid-stream: main's secret rotated over REST (both sign for an hour), second's receiver goes away with 410.
        var rotated = await SendAsync(HttpMethod.Post, $"{Subscriptions}/{main}/rotate-secret", clerk, new { overlapMinutes = 60 });
        _receiver.AddSecret("g-main", rotated.GetProperty("secret").GetString()!);
        Assert.True(rotated.GetProperty("previousSecretValidUntil").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(50));
        _receiver.Answer("g-second", 410);
        foreach (var life in lives)
            foreach (var action in life.Second) await ActAsync(life.Code, action, clerk);
        await Eventually.Until(async () => (await SendAsync(HttpMethod.Get, $"{Subscriptions}/{second}", clerk)).GetProperty("state").GetString(),
            s => s == "disabled", TimeSpan.FromSeconds(60), "the 410 to disable the second subscription");

        // Back: the events released while it was disabled come, in order, once it is resumed.
        _receiver.Answer("g-second", 200);
        await SendAsync(HttpMethod.Post, $"{Subscriptions}/{second}/resume", clerk);
        var codes = lives.Select(l => l.Code).ToHashSet();
        foreach (var hook in new[] { "g-main", "g-second" })
            // The rating link is an event of its own (raised with the return, relayed apart): wait for it as for the statuses.
            await Eventually.Until(() => Task.FromResult(lives.All(l => _receiver.Accepted(hook).Count(r => Read(r) is var e && e.Subject == l.Code && IsStatus(e))
                    == l.Statuses.Length
                    && _receiver.Accepted(hook).Any(r => Read(r) is var e && e.Subject == l.Code && e.Type == RatingLink) == (l.Statuses[^1] == 10))),
                TimeSpan.FromSeconds(120), $"every status event and rating link to {hook}");

        foreach (var hook in new[] { "g-main", "g-second" })
        {
            var accepted = _receiver.Accepted(hook);
            Assert.All(accepted.GroupBy(r => r.WebhookId), g => Assert.Single(g)); // exactly once
            foreach (var life in lives)
            {
                var events = accepted.Select(Read).Where(e => e.Subject == life.Code).ToList();
                var statuses = events.Where(IsStatus).ToList();
                // A returned dossier's rating link comes once, with the return's sequence.
                Assert.Equal(life.Statuses[^1] == 10 ? [statuses[^1].Sequence] : [], events.Where(e => e.Type == RatingLink).Select(e => e.Sequence));
                Assert.Equal(life.Statuses, statuses.Select(e => e.Status!.Value));
                Assert.Equal(Enumerable.Range(1, statuses.Count).Select(i => (long)i), statuses.Select(e => e.Sequence));
                // Acknowledgements: strictly rising, each after the status it acknowledges.
                var acknowledged = events.Select((e, i) => (e, i)).Where(x => x.e.Type == Synced).ToList();
                Assert.Equal(acknowledged.Select(x => x.e.Sequence).Order().Distinct(), acknowledged.Select(x => x.e.Sequence));
                Assert.All(acknowledged, x => Assert.Contains(events.Take(x.i), s => IsStatus(s) && s.Sequence == x.e.Sequence));
            }
        }

        var requests = _receiver.Requests.Where(r => r.Hook.StartsWith("g-", StringComparison.Ordinal) && codes.Contains(Read(r).Subject)).ToList();
        Assert.All(requests, r => Assert.True(r.Verified && r.TamperedRejected, $"{r.WebhookId} to {r.Hook} verifies; a tampered copy does not"));
        Assert.Contains(requests, r => r is { Hook: "g-main", Answer: 500 });
        var mainRequests = requests.Where(r => r.Hook == "g-main").ToList();
        var firstDual = mainRequests.FindIndex(r => r.Signatures == 2);
        Assert.True(firstDual > 0, "deliveries before and after the rotation");
        Assert.All(mainRequests[..firstDual], r => Assert.Equal([0], r.VerifiedBy));
        // Deliveries run concurrently: one signed just before the rotation may arrive after one signed after it, so a
        // single signature may still follow the first dual one; but every dual one verifies with each secret on its own,
        // and the last delivery (signed well after the rotation) is dual.
        Assert.All(mainRequests[firstDual..], r => Assert.Equal(r.Signatures == 2 ? [0, 1] : [0], r.VerifiedBy));
        Assert.Equal([0, 1], mainRequests[^1].VerifiedBy);
        // Every delivery continues a trace (W3C traceparent), and both subscriptions' deliveries of one event continue the same one.
        Assert.All(requests, r => Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", r.TraceParent ?? ""));
        Assert.All(requests.GroupBy(r => r.WebhookId), g => Assert.Single(g.Select(r => r.TraceParent!.Split('-')[1]).Distinct()));

        // Ping: a signed test event, under both secrets while they overlap.
        var ping = await SendAsync(HttpMethod.Post, $"{Subscriptions}/{main}/ping", clerk);
        Assert.True(ping.GetProperty("delivered").GetBoolean() || ping.GetProperty("status").GetInt32() == 500, ping.ToString());
        var pinged = Assert.Single(_receiver.Requests, r => r.WebhookId == ping.GetProperty("eventId").GetString());
        Assert.Equal([0, 1], pinged.VerifiedBy);
        Assert.Equal("vn.hcm.procedures.webhook.ping.v1", JsonDocument.Parse(pinged.Body).RootElement.GetProperty("type").GetString());

        // Deleted: the delivery log is still there.
        await SendAsync(HttpMethod.Delete, $"{Subscriptions}/{second}", clerk, expected: HttpStatusCode.NoContent);
        await SendAsync(HttpMethod.Get, $"{Subscriptions}/{second}", clerk, expected: HttpStatusCode.NotFound);
        var log = await SendAsync(HttpMethod.Get, $"{Subscriptions}/{second}/deliveries?state=delivered&limit=1000", clerk);
        Assert.True(log.GetProperty("items").GetArrayLength() >= _receiver.Accepted("g-second").Count(r => codes.Contains(Read(r).Subject)));
    }
}

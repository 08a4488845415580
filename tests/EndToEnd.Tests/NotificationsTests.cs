using System.Net;
using Aspire.Hosting.Testing;
using System.Net.Http.Json;
using System.Text.Json;
using Procedures.Contracts;
using Procedures.Services.Tests.Notifications;
using Procedures.TestInfrastructure;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Procedures.EndToEnd.Tests;

/// <summary>
/// Integrators through the real system: webhook subscriptions over REST receive their agency's dossier events, signed and
/// in order, never another agency's; replay and the delivery log work; the broker stream's per-agency user reads its own
/// keys and is refused another agency's; the AsyncAPI document is public.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class NotificationsTests(SystemFixture system) : IAsyncLifetime
{
    private const string Subscriptions = "/api/v1/webhooks/subscriptions";
    private readonly WebhookReceiver _receiver = new();

    public Task InitializeAsync() => _receiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private HttpClient Notifications => system.Client(ResourceNames.Notifications);

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, string token, object? body = null, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) }.WithToken(token);
        if (method == HttpMethod.Post && path == Subscriptions) request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await Notifications.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<(Guid Id, string Secret)> SubscribeAsync(string token, string hook)
    {
        var created = await SendAsync(HttpMethod.Post, Subscriptions, token, new { url = _receiver.Url(hook, "whsec_placeholder") }, HttpStatusCode.Created);
        var secret = created.GetProperty("secret").GetString()!;
        _receiver.Url(hook, secret); // the receiver keeps the secret shown once
        return (created.GetProperty("id").GetGuid(), secret);
    }

    private async Task<string> SubmitAndAcceptAsync(string unit, string token)
    {
        using var created = await system.Client(ResourceNames.Intake).SendAsync(Submissions.Post(unit, token));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var code = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("dossierCode").GetString()!;
        await Eventually.Until(async () =>
        {
            using var r = await system.Client(ResourceNames.Processing).SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/dossiers/{code}/actions/accept")
            {
                Content = JsonContent.Create(new { officer = "Nguyễn Thị Hoa", role = "Chuyên viên", department = "Một cửa", content = "Tiếp nhận" }),
            }.WithToken(token));
            return ProcessingAnswer.NotYetRecorded(r) ? (HttpStatusCode?)null : r.StatusCode;
        }, s => s is not null, TimeSpan.FromSeconds(30), "Processing to accept the dossier");
        return code;
    }

    private static (string Type, string Subject, long Sequence) Read(WebhookReceiver.Received r)
    {
        var e = JsonDocument.Parse(r.Body).RootElement;
        return (e.GetProperty("type").GetString()!, e.GetProperty("subject").GetString()!, e.GetProperty("data").GetProperty("sequence").GetInt64());
    }

    [Fact]
    public async Task A_signing_secret_is_shown_at_creation_and_on_replay_and_kept_nowhere_in_clear()
    {
        // The city's administrator: the agencies' own subscription lists stay as the other tests expect them.
        var token = await Tokens.ForClientAsync(system.Client(ResourceNames.Sandbox), "dev-admin");
        var key = Guid.NewGuid().ToString();
        async Task<(HttpStatusCode Status, JsonElement Body)> CreateAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Subscriptions) { Content = JsonContent.Create(new { url = _receiver.Url("at-rest", "whsec_x") }) }
                .WithToken(token);
            request.Headers.Add("Idempotency-Key", key);
            using var response = await Notifications.SendAsync(request);
            return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
        }

        var (status, created) = await CreateAsync();
        var (replayStatus, replayed) = await CreateAsync();

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (status, replayStatus));
        var secret = created.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.Equal(secret, replayed.GetProperty("secret").GetString()); // the replay is the first answer
        await using var db = new Npgsql.NpgsqlConnection(await system.App.GetConnectionStringAsync(ResourceNames.Database(ResourceNames.Notifications)));
        await db.OpenAsync();
        await using var query = new Npgsql.NpgsqlCommand("""
            SELECT (SELECT secret FROM webhook_subscriptions WHERE id = $1) || ' ' || (SELECT string_agg(response_body, ' ') FROM messaging.idempotency)
            """, db) { Parameters = { new() { Value = created.GetProperty("id").GetGuid() } } };
        var stored = (string)(await query.ExecuteScalarAsync())!;
        Assert.Contains("sealed:v1:", stored, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhooks_and_the_broker_stream_carry_each_agencys_own_events_signed_ordered_and_replayable()
    {
        var sandbox = system.Client(ResourceNames.Sandbox);
        var saiGon = await Tokens.ForClientAsync(sandbox, "phuong-sai-gon");
        var tanDinh = await Tokens.ForClientAsync(sandbox, "phuong-tan-dinh");
        var (subscriptionA, _) = await SubscribeAsync(saiGon, "sai-gon");
        var (subscriptionB, _) = await SubscribeAsync(tanDinh, "tan-dinh");

        // Bad filters are a problem naming the field; another agency's subscription is invisible.
        var invalid = await SendAsync(HttpMethod.Post, Subscriptions, saiGon,
            new { url = _receiver.Url("x", "whsec_x"), eventTypes = new[] { "vn.hcm.procedures.dossier.nope.v1" }, agencies = new[] { "26737.H29" } },
            HttpStatusCode.BadRequest);
        Assert.Equal(["eventTypes", "agencies"], invalid.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("field").GetString()));
        var listed = await SendAsync(HttpMethod.Get, Subscriptions, saiGon);
        Assert.Equal([subscriptionA], listed.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
        Assert.False(listed.GetProperty("items")[0].TryGetProperty("secret", out _), "the secret is shown once, at creation");
        await SendAsync(HttpMethod.Get, $"{Subscriptions}/{subscriptionB}", saiGon, expected: HttpStatusCode.NotFound);

        // The broker stream: Sai Gon's own broker user, bound to its own keys; Tan Dinh's keys are refused by the broker.
        var credentials = await SendAsync(HttpMethod.Post, "/api/v1/stream/credentials", saiGon);
        var amqp = new Uri((await system.App.GetConnectionStringAsync(ResourceNames.RabbitMq + "-connection"))!);
        await using var connection = await new ConnectionFactory
        {
            Uri = new Uri($"amqp://{credentials.GetProperty("username").GetString()}:{Uri.EscapeDataString(credentials.GetProperty("password").GetString()!)}@{amqp.Host}:{amqp.Port}/"),
        }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var queue = credentials.GetProperty("queuePrefix").GetString() + "e2e";
        var exchange = credentials.GetProperty("exchange").GetString()!;
        await Eventually.Until(async () =>
        {
            try { await using var c = await connection.CreateChannelAsync(); await c.ExchangeDeclarePassiveAsync(exchange); return true; }
            catch (OperationInterruptedException) { return false; }
        }, TimeSpan.FromSeconds(30), "the public exchange to exist");
        await channel.QueueDeclareAsync(queue, durable: false, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(queue, exchange, "26740_H29.#");
        await using (var probe = await connection.CreateChannelAsync())
        {
            var refused = await Assert.ThrowsAnyAsync<OperationInterruptedException>(() => probe.QueueBindAsync(queue, exchange, "26737_H29.#"));
            Assert.Equal((ushort)403, refused.ShutdownReason?.ReplyCode);
        }

        var codeA = await SubmitAndAcceptAsync("26740.H29", saiGon);
        var codeB = await SubmitAndAcceptAsync("26737.H29", tanDinh);

        const string synced = "vn.hcm.procedures.dossier.synced.v1"; // the portal's acknowledgements ride along, in sequence order too
        await Eventually.Until(() => Task.FromResult(_receiver.Accepted("sai-gon").Count(r => Read(r).Subject == codeA && Read(r).Type != synced) >= 2
                                                  && _receiver.Accepted("tan-dinh").Count(r => Read(r).Subject == codeB && Read(r).Type != synced) >= 2),
            TimeSpan.FromSeconds(60), "both agencies' submitted and received events by webhook");
        var gotA = _receiver.Accepted("sai-gon").Select(Read).ToList();
        Assert.Equal([("vn.hcm.procedures.dossier.submitted.v1", 1L), ("vn.hcm.procedures.dossier.received.v1", 2L)],
            gotA.Where(r => r.Subject == codeA && r.Type != synced).Select(r => (r.Type, r.Sequence)));
        // An acknowledgement of sequence s comes after the status event s it acknowledges (it may come after later ones too).
        var ofA = gotA.Where(r => r.Subject == codeA).ToList();
        Assert.All(ofA.Select((r, i) => (r, i)).Where(x => x.r.Type == synced),
            x => Assert.Contains(ofA.Take(x.i), earlier => earlier.Type != synced && earlier.Sequence == x.r.Sequence));
        Assert.DoesNotContain(gotA, r => r.Subject == codeB);
        Assert.DoesNotContain(_receiver.Accepted("tan-dinh").Select(Read), r => r.Subject == codeA);
        Assert.All(_receiver.Requests, r => Assert.True(r.Verified && r.TamperedRejected));

        // The same events on the broker, under Sai Gon's keys only.
        var fromBroker = await Eventually.Until(async () =>
        {
            var bodies = new List<string>();
            while (await channel.BasicGetAsync(queue, autoAck: true) is { } message) bodies.Add(System.Text.Encoding.UTF8.GetString(message.Body.Span));
            return bodies;
        }, b => b.Count > 0, TimeSpan.FromSeconds(30), "events on the broker");
        await Eventually.Until(async () =>
        {
            while (await channel.BasicGetAsync(queue, autoAck: true) is { } message) fromBroker.Add(System.Text.Encoding.UTF8.GetString(message.Body.Span));
            return fromBroker.Count(b => b.Contains(codeA, StringComparison.Ordinal) && !b.Contains(synced, StringComparison.Ordinal)) >= 2;
        }, TimeSpan.FromSeconds(30), "both of Sai Gon's events on the broker");
        Assert.DoesNotContain(fromBroker, b => b.Contains(codeB, StringComparison.Ordinal));

        // Replay one event: delivered again with the same webhook-id (the receiver's idempotency key).
        var received = _receiver.Accepted("sai-gon").First(r => Read(r).Subject == codeA);
        var replay = await SendAsync(HttpMethod.Post, $"{Subscriptions}/{subscriptionA}/replay", saiGon, new { eventId = received.WebhookId }, HttpStatusCode.Accepted);
        Assert.Equal(1, replay.GetProperty("count").GetInt32());
        await Eventually.Until(() => Task.FromResult(_receiver.Accepted("sai-gon").Count(r => r.WebhookId == received.WebhookId) == 2),
            TimeSpan.FromSeconds(20), "the replayed delivery");
        await SendAsync(HttpMethod.Post, $"{Subscriptions}/{subscriptionB}/replay", saiGon, new { eventId = received.WebhookId }, HttpStatusCode.NotFound);

        // The delivery log: every attempt with its status and latency.
        // (More acknowledgements from the portal may arrive meanwhile: compare with what the receiver saw before and after.)
        var seenBefore = _receiver.Requests.Where(r => r.Hook == "sai-gon").Select(r => r.WebhookId).ToList();
        var attempts = (await SendAsync(HttpMethod.Get, $"{Subscriptions}/{subscriptionA}/attempts", saiGon)).GetProperty("items").EnumerateArray().ToList();
        var seenAfter = _receiver.Requests.Where(r => r.Hook == "sai-gon").Select(r => r.WebhookId).ToList();
        Assert.InRange(attempts.Count, seenBefore.Count, seenAfter.Count);
        Assert.All(attempts, a => Assert.Equal(200, a.GetProperty("statusCode").GetInt32()));
        Assert.All(attempts, a => Assert.True(a.GetProperty("latencyMs").GetInt32() >= 0));
        Assert.Equal(2, attempts.Count(a => a.GetProperty("eventId").GetString() == received.WebhookId));
        var delivered = (await SendAsync(HttpMethod.Get, $"{Subscriptions}/{subscriptionA}/deliveries?state=delivered", saiGon)).GetProperty("items");
        Assert.InRange(delivered.GetArrayLength(), seenBefore.Count, _receiver.Requests.Count(r => r.Hook == "sai-gon"));

        // Pause, update, delete.
        var paused = await SendAsync(HttpMethod.Post, $"{Subscriptions}/{subscriptionA}/pause", saiGon);
        Assert.Equal("paused", paused.GetProperty("state").GetString());
        var updated = await SendAsync(HttpMethod.Patch, $"{Subscriptions}/{subscriptionA}", saiGon,
            new { state = "active", eventTypes = new[] { "vn.hcm.procedures.dossier.returned.v1" } });
        Assert.Equal(["vn.hcm.procedures.dossier.returned.v1"], updated.GetProperty("eventTypes").EnumerateArray().Select(t => t.GetString()));
        await SendAsync(HttpMethod.Delete, $"{Subscriptions}/{subscriptionA}", tanDinh, expected: HttpStatusCode.NotFound);
        await SendAsync(HttpMethod.Delete, $"{Subscriptions}/{subscriptionA}", saiGon, expected: HttpStatusCode.NoContent);
        await SendAsync(HttpMethod.Delete, $"{Subscriptions}/{subscriptionB}", tanDinh, expected: HttpStatusCode.NoContent);

        using var asyncApi = await Notifications.GetAsync("/asyncapi.json");
        Assert.Equal(HttpStatusCode.OK, asyncApi.StatusCode);
        Assert.Equal("3.0.0", (await asyncApi.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("asyncapi").GetString());
        using var schema = await Notifications.GetAsync("/schemas/vn.hcm.procedures.dossier.received.v1.json");
        Assert.Equal(HttpStatusCode.OK, schema.StatusCode);
    }
}

using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Procedures.Contracts;
using Procedures.Notifications;
using Procedures.Notifications.Events;
using Procedures.Notifications.Stream;
using Procedures.TestInfrastructure;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Procedures.Services.Tests.Notifications;

/// <summary>
/// The public stream on a real broker: agencies' own broker users, subscribers written from the AsyncAPI document alone,
/// per-dossier order although events arrive out of order, and the broker refusing another agency's routing keys.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class EventStreamTests(InfrastructureFixture infra) : IAsyncLifetime
{
    private const string AgencyA = "26740.H29";
    private const string AgencyB = "26737.H29";
    private readonly NotificationsOptions _options = new() { PublishPollInterval = TimeSpan.FromMilliseconds(100) };
    private NotificationsDatabase _db = null!;
    private BrokerConnection _broker = null!;
    private StreamPublisher _publisher = null!;
    private readonly NotificationsMetrics _metrics = new();
    private readonly PublicDocs _docs = new();

    public async Task InitializeAsync()
    {
        _options.ManagementUrl = infra.RabbitMqManagement?.ToString();
        _db = await NotificationsDatabase.CreateAsync(infra, _options);
        _broker = new BrokerConnection(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:rabbitmq"] = infra.RabbitMq.ToString() }).Build());
        _publisher = new StreamPublisher(_db.Db, _broker, Options.Create(_options), _metrics, new ConsoleLog<StreamPublisher>());
        await using (await _broker.OpenPublisherChannelAsync(_options.Exchange, CancellationToken.None)) { } // the exchange exists before anyone binds
        await _publisher.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _publisher.StopAsync(CancellationToken.None);
        _publisher.Dispose();
        await _broker.DisposeAsync();
        await _db.DisposeAsync();
        _metrics.Dispose();
    }

    private async Task<IConnection> ConnectAsync(BrokerCredentials credentials)
        => await new ConnectionFactory
        {
            Uri = new Uri($"amqp://{credentials.Username}:{Uri.EscapeDataString(credentials.Password)}@{infra.RabbitMq.Host}:{infra.RabbitMq.Port}/"),
        }.CreateConnectionAsync();

    /// <summary>A subscriber as an integrator writes it from the docs: own queue, bound to the documented exchange with its agency's keys.</summary>
    private async Task<(IChannel Channel, ConcurrentQueue<string> Received)> SubscribeAsync(IConnection connection, BrokerCredentials credentials)
    {
        var channel = await connection.CreateChannelAsync();
        var queue = credentials.QueuePrefix + "events";
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
        await channel.QueueBindAsync(queue, _docs.Exchange, credentials.BindingKeyPrefix + "#");
        var received = new ConcurrentQueue<string>();
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            Assert.Equal(_docs.ContentType, delivery.BasicProperties.ContentType);
            received.Enqueue(Encoding.UTF8.GetString(delivery.Body.Span));
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
        };
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer);
        return (channel, received);
    }

    [Fact]
    public async Task Each_agency_receives_only_its_own_events_in_dossier_order_and_each_validates_against_the_documented_schema()
    {
        Assert.NotNull(infra.RabbitMqManagement);
        var accounts = new BrokerAccounts(new HttpClient(), _broker, Options.Create(_options));
        var credentialsA = await accounts.IssueAsync(AgencyA, allAgencies: false, CancellationToken.None);
        var credentialsB = await accounts.IssueAsync(AgencyB, allAgencies: false, CancellationToken.None);
        await using var connectionA = await ConnectAsync(credentialsA);
        await using var connectionB = await ConnectAsync(credentialsB);
        var (channelA, receivedA) = await SubscribeAsync(connectionA, credentialsA);
        var (channelB, receivedB) = await SubscribeAsync(connectionB, credentialsB);

        // Every type for A's dossier, logged in a shuffled order (as queues may deliver them); a few for B's.
        const string codeA = "26740.H29-261128-0007";
        const string codeB = "26737.H29-261128-0001";
        var eventsA = SampleEvents.All(codeA);
        foreach (var e in eventsA.OrderBy(e => e.Id)) await _db.AppendAsync(e);
        var eventsB = new[] { DossierStatus.Submitted, DossierStatus.Received }.Select((s, i) =>
            PublicEventMapping.From(SampleEvents.Status(codeB, i + 1, s, AgencyB), null)).ToList();
        foreach (var e in eventsB) await _db.AppendAsync(e);
        Assert.False(await _db.AppendAsync(eventsA[0]), "a redelivered event is logged once");

        await Eventually.Until(() => Task.FromResult(receivedA.Count >= eventsA.Count && receivedB.Count >= eventsB.Count),
            TimeSpan.FromSeconds(20), "both subscribers to receive their events");
        var gotA = receivedA.Select(j => JsonDocument.Parse(j).RootElement).ToList();
        var gotB = receivedB.Select(j => JsonDocument.Parse(j).RootElement).ToList();
        Assert.All(receivedA.Concat(receivedB), json => Assert.Empty(_docs.Validate(json)));
        Assert.Equal(eventsA.Select(e => e.Id.ToString()).Order(), gotA.Select(e => e.GetProperty("id").GetString()!).Order());
        Assert.All(gotA, e => Assert.Equal(codeA, e.GetProperty("subject").GetString()));
        Assert.All(gotB, e => Assert.Equal(codeB, e.GetProperty("subject").GetString()));
        Assert.Equal(eventsB.Count, gotB.Count);

        // Processing's sequence, not arrival order: status events arrive 1, 2, 3…; the portal's acknowledgement of 3 after 3.
        var sequences = gotA.Where(e => e.GetProperty("data").TryGetProperty("status", out _))
            .Select(e => e.GetProperty("data").GetProperty("sequence").GetInt64()).ToList();
        Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (long)i), sequences);
        var synced = gotA.FindIndex(e => e.GetProperty("type").GetString() == EventCatalogue.Synced.Type);
        var third = gotA.FindIndex(e => e.GetProperty("data").TryGetProperty("status", out _) && e.GetProperty("data").GetProperty("sequence").GetInt64() == 3);
        Assert.True(synced > third, "dossier.synced for sequence 3 comes after status event 3");

        // The broker refuses A's user what is B's: binding B's keys, every key, or a queue named like B's.
        foreach (var key in new[] { "26737_H29.#", "#", "*.1_003677.*" })
        {
            await using var probe = await connectionA.CreateChannelAsync();
            var refused = await Assert.ThrowsAnyAsync<OperationInterruptedException>(() =>
                probe.QueueBindAsync(credentialsA.QueuePrefix + "events", _docs.Exchange, key));
            Assert.Equal((ushort)403, refused.ShutdownReason?.ReplyCode);
        }
        await using (var probe = await connectionA.CreateChannelAsync())
        {
            var refused = await Assert.ThrowsAnyAsync<OperationInterruptedException>(() =>
                probe.QueueDeclareAsync(credentialsB.QueuePrefix + "spy", durable: false, exclusive: false, autoDelete: true));
            Assert.Equal((ushort)403, refused.ShutdownReason?.ReplyCode);
        }
        await channelA.DisposeAsync();
        await channelB.DisposeAsync();
    }

    [Fact]
    public async Task A_status_event_whose_predecessor_never_comes_is_released_after_the_hold_timeout()
    {
        _options.OrderHoldTimeout = TimeSpan.FromMilliseconds(300);
        const string code = "26740.H29-261128-0099";
        Assert.True(await _db.AppendAsync(PublicEventMapping.From(SampleEvents.Status(code, 2, DossierStatus.Received), null)));
        Assert.Equal(0L, await _db.ScalarAsync<long>("SELECT count(*) FROM event_log WHERE dossier_code = @code AND released_at IS NOT NULL", new { code }));
        await Eventually.Until(async () => await _db.ScalarAsync<long>(
                "SELECT count(*) FROM event_log WHERE dossier_code = @code AND published_at IS NOT NULL", new { code }) == 1,
            TimeSpan.FromSeconds(10), "the held event to be released and published");
        // The chain continues from there: 3 goes at once.
        await _db.AppendAsync(PublicEventMapping.From(SampleEvents.Status(code, 3, DossierStatus.InProcessing), null));
        Assert.Equal(2L, await _db.ScalarAsync<long>("SELECT count(*) FROM event_log WHERE dossier_code = @code AND released_at IS NOT NULL", new { code }));
    }
}

using System.Diagnostics.Metrics;
using System.Text;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Procedures.Notifications.Events;
using Procedures.Messaging;
using RabbitMQ.Client;

namespace Procedures.Notifications.Stream;

/// <summary>
/// Publishes released events to the public topic exchange in stream-position order, each awaited until the broker
/// confirms it, then marks them published (at least once: a crash in between publishes again, with the same id).
/// One instance publishes at a time (a session advisory lock), so a dossier's events keep their order. Also releases
/// events held too long for a predecessor.
/// </summary>
public sealed partial class StreamPublisher(NpgsqlDataSource db, BrokerConnection broker, IOptions<NotificationsOptions> options,
    NotificationsMetrics metrics, ILogger<StreamPublisher> logger) : BackgroundService
{
    private const long PublisherLock = 0x4E6F74_5075626C; // "NotPubl"
    private readonly NotificationsOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var session = await db.OpenConnectionAsync(stoppingToken);
                try
                {
                    if (!await session.ExecuteScalarAsync<bool>("SELECT pg_try_advisory_lock(@PublisherLock)", new { PublisherLock }))
                    {
                        await Task.Delay(_options.PublishPollInterval * 5, stoppingToken);
                        continue;
                    }
                    await session.ExecuteAsync($"LISTEN {EventLog.Channel}");
                    await using var channel = await broker.OpenPublisherChannelAsync(_options.Exchange, stoppingToken);
                    var staleScanDue = 0L; // Environment.TickCount64 of the next look for stale holds
                    while (!stoppingToken.IsCancellationRequested)
                    {
                        // A wake-up comes with every released event; the hold timeout is minutes, so looking for stale
                        // holds once per poll interval is enough (at load it was a query per event).
                        if (Environment.TickCount64 >= staleScanDue)
                        {
                            await EventLog.ReleaseStaleAsync(db, _options.OrderHoldTimeout, stoppingToken);
                            staleScanDue = Environment.TickCount64 + (long)_options.PublishPollInterval.TotalMilliseconds;
                        }
                        while (await PublishBatchAsync(channel, stoppingToken) > 0) { }
                        failures = 0;
                        await session.WaitAsync(_options.PublishPollInterval, stoppingToken);
                    }
                }
                finally
                {
                    // The pool does not reset sessions: returned still holding the lock (taken, or maybe taken when the
                    // call failed), an idle pooled connection would keep every instance (this one's next attempt too) from publishing.
                    await PooledSession.EndAsync(session, db);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogFailed(ex);
                var backoff = TimeSpan.FromMilliseconds(Math.Min(30_000, 250 * Math.Pow(2, Math.Min(failures++, 7))));
                await Task.Delay(backoff, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    // Properties, not a positional record: Dapper matches constructors by the reader's field types, and text[] reads as Array.
    private sealed class Row
    {
        public long Id { get; init; }
        public Guid EventId { get; init; }
        public string Type { get; init; } = "";
        public string[] Agencies { get; init; } = [];
        public string? ProcedureCode { get; init; }
        public string CloudEvent { get; init; } = "";
    }

    /// <summary>Publishes the next released events, oldest stream position first; returns how many.</summary>
    public async Task<int> PublishBatchAsync(IChannel channel, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        var rows = (await c.QueryAsync<Row>(new CommandDefinition("""
            SELECT id, event_id AS EventId, type, agencies, procedure_code AS ProcedureCode, cloud_event AS CloudEvent
            FROM event_log WHERE published_at IS NULL AND stream_position IS NOT NULL
            ORDER BY stream_position LIMIT 100
            """, cancellationToken: ct))).ToList();
        // Marked published together, one write for the batch; on a failure, still those the broker confirmed (at least
        // once, as before: only a crash between a confirm and this write publishes an event again, with the same id).
        var published = new List<long>(rows.Count);
        try
        {
            foreach (var row in rows)
            {
                await PublishAsync(channel, row, ct);
                published.Add(row.Id);
            }
        }
        finally
        {
            if (published.Count > 0)
                await c.ExecuteAsync(new CommandDefinition("UPDATE event_log SET published_at = now() WHERE id = ANY(@published)",
                    new { published }, cancellationToken: CancellationToken.None));
        }
        return rows.Count;
    }

    private async Task PublishAsync(IChannel channel, Row row, CancellationToken ct)
    {
        var type = EventCatalogue.Find(row.Type) ?? throw new InvalidOperationException($"Unknown public type {row.Type}");
        var body = Encoding.UTF8.GetBytes(row.CloudEvent);
        foreach (var agency in row.Agencies)
        {
            var properties = new BasicProperties
            {
                ContentType = "application/cloudevents+json",
                ContentEncoding = "utf-8",
                MessageId = row.EventId.ToString(),
                Type = row.Type,
                DeliveryMode = DeliveryModes.Persistent,
                Timestamp = new AmqpTimestamp(DateTimeOffset.UtcNow.ToUnixTimeSeconds()),
            };
            // Awaits the broker's confirm (publisher confirmations with tracking are on for this channel).
            await channel.BasicPublishAsync(_options.Exchange, EventCatalogue.RoutingKey(agency, row.ProcedureCode, type),
                mandatory: false, properties, body, ct);
            metrics.Published.Add(1, new KeyValuePair<string, object?>("type", row.Type));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Public stream publishing failed; backing off")]
    private partial void LogFailed(Exception ex);
}

/// <summary>Our own connection to the broker for the public exchange (MassTransit's stays for the internal events).</summary>
public sealed class BrokerConnection(IConfiguration configuration) : IAsyncDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private IConnection? _connection;

    public Uri Uri { get; } = new(configuration.GetConnectionString("rabbitmq") ?? throw new InvalidOperationException("Connection string 'rabbitmq' is missing."));

    public async Task<IChannel> OpenPublisherChannelAsync(string exchange, CancellationToken ct)
    {
        var connection = await ConnectionAsync(ct);
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true,
            publisherConfirmationTrackingEnabled: true), ct);
        await channel.ExchangeDeclareAsync(exchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: ct);
        return channel;
    }

    private async Task<IConnection> ConnectionAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (_connection is { IsOpen: true }) return _connection;
            if (_connection is not null) await _connection.DisposeAsync();
            var factory = new ConnectionFactory { Uri = Uri, ClientProvidedName = "notifications-public-stream" };
            var nodes = BrokerNodes.From(configuration);
            _connection = nodes.Count == 0
                ? await factory.CreateConnectionAsync(ct)
                : await factory.CreateConnectionAsync(nodes.Select(n => new AmqpTcpEndpoint(n.Host, n.Port)).ToList(), ct);
            return _connection;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null) await _connection.DisposeAsync();
        _gate.Dispose();
    }
}

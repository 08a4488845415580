using System.Diagnostics;
using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Procedures.Messaging.Outbox;

/// <summary>
/// Publishes committed outbox rows to RabbitMQ (MassTransit awaits the broker's publisher confirm), then marks
/// them sent. Woken by LISTEN/NOTIFY on insert; polls as a fallback and for rows due later. Rows are claimed
/// with FOR UPDATE SKIP LOCKED so several instances never publish the same row at the same moment; a crash
/// between publish and mark re-publishes, which consumers' inboxes absorb (at-least-once, effect once).
/// </summary>
public sealed partial class OutboxRelay(
    NpgsqlDataSource db, IBus bus, IOptions<MessagingOptions> options, ILogger<OutboxRelay> logger) : BackgroundService
{
    public static readonly ActivitySource Source = new("Procedures.Messaging");
    private readonly MessagingOptions _options = options.Value;

    /// <summary>
    /// The channel that wakes the relay: trigger <c>outbox_inserted</c> on <c>messaging.outbox</c> calls
    /// <c>messaging.notify_outbox()</c> (Sql/0001_outbox_inbox.sql), which notifies it when the inserting transaction commits.
    /// </summary>
    public const string DueChannel = "messaging_outbox";

    private const string Claim = """
        SELECT id, message_id AS MessageId, message_type AS MessageType, body::text AS Body, destination,
               headers::text AS Headers, trace_parent AS TraceParent, attempts
        FROM messaging.outbox
        WHERE sent_at IS NULL AND due_at <= now()
        ORDER BY due_at, id
        LIMIT @limit
        FOR UPDATE SKIP LOCKED
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var listener = new ChannelListener(db, DueChannel);
        await listener.ListenAsync(stoppingToken);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await RelayBatchAsync(stoppingToken) == _options.RelayBatchSize) { }
                failures = 0;
                await listener.WaitAsync(_options.RelayPollInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogRelayFailed(ex);
                var backoff = TimeSpan.FromMilliseconds(Math.Min(30_000, 250 * Math.Pow(2, Math.Min(failures++, 7))));
                await Task.Delay(backoff, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Publishes one batch of due rows; returns how many were claimed.</summary>
    public async Task<int> RelayBatchAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var rows = (await connection.QueryAsync<OutboxRow>(
            new CommandDefinition(Claim, new { limit = _options.RelayBatchSize }, tx, cancellationToken: ct))).AsList();
        if (rows.Count == 0) return 0;

        // The whole batch is published at once and the broker's confirms awaited together: one at a time, each row waited
        // for its own confirm (a few ms under load), which capped a service's relay at a few hundred messages a second.
        // Order across rows was never promised (consumers take up to PrefetchCount at once); consumers order by sequence.
        var outcomes = await Task.WhenAll(rows.Select(async row =>
        {
            try
            {
                await SendAsync(row, ct);
                return (row, Error: (Exception?)null);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                return (row, Error: ex);
            }
        }));

        var sent = outcomes.Where(o => o.Error is null).Select(o => o.row.Id).ToArray();
        if (sent.Length > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE messaging.outbox SET sent_at = now(), attempts = attempts + 1 WHERE id = ANY(@ids)",
                new { ids = sent }, tx, cancellationToken: ct));
        }
        var failed = outcomes.Where(o => o.Error is not null).ToList();
        foreach (var (row, error) in failed) LogPublishFailed(error!, row.Id, row.MessageType);
        if (failed.Count > 0)
        {
            // Most likely the broker is unreachable: keep the rows and back off each (1 s, 2 s, 4 s … 60 s by its attempts).
            await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE messaging.outbox o
                SET attempts = o.attempts + 1, last_error = f.error,
                    due_at = now() + make_interval(secs => least(60, power(2, least(o.attempts, 6))))
                FROM unnest(@ids, @errors) AS f(id, error)
                WHERE o.id = f.id
                """, new { ids = failed.Select(f => f.row.Id).ToArray(), errors = failed.Select(f => f.Error!.Message).ToArray() },
                tx, cancellationToken: ct));
        }
        await tx.CommitAsync(ct);
        return rows.Count;
    }

    private async Task SendAsync(OutboxRow row, CancellationToken ct)
    {
        var type = Type.GetType(row.MessageType, throwOnError: true)!;
        var message = JsonSerializer.Deserialize(row.Body, type, MessageJson.Options)!;
        var headers = JsonSerializer.Deserialize<Dictionary<string, string>>(row.Headers, MessageJson.Options) ?? [];

        ActivityContext.TryParse(row.TraceParent, null, out var parent);
        using var activity = Source.StartActivity("outbox relay", ActivityKind.Internal, parent);
        activity?.SetTag("messaging.message.id", row.MessageId);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(_options.PublishTimeout);

        void Stamp(SendContext context)
        {
            context.MessageId = row.MessageId;
            foreach (var (key, value) in headers) context.Headers.Set(key, value);
        }

        if (row.Destination is null)
        {
            await bus.Publish(message, type, Stamp, timeout.Token);
        }
        else
        {
            var endpoint = await bus.GetSendEndpoint(new Uri(row.Destination));
            await endpoint.Send(message, type, Stamp, timeout.Token);
        }
    }

    private sealed record OutboxRow(long Id, Guid MessageId, string MessageType, string Body, string? Destination,
        string Headers, string? TraceParent, int Attempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay pass failed; backing off")]
    private partial void LogRelayFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing outbox row {OutboxId} ({MessageType}) failed; will retry")]
    private partial void LogPublishFailed(Exception ex, long outboxId, string messageType);
}

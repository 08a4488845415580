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
        NpgsqlConnection? listener = null;
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                listener ??= await ListenAsync(stoppingToken);
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
                if (listener is not null) await listener.DisposeAsync();
                listener = null;
                var backoff = TimeSpan.FromMilliseconds(Math.Min(30_000, 250 * Math.Pow(2, Math.Min(failures++, 7))));
                await Task.Delay(backoff, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        if (listener is not null) await listener.DisposeAsync();
    }

    private async Task<NpgsqlConnection> ListenAsync(CancellationToken ct)
    {
        var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync("LISTEN messaging_outbox");
        return connection;
    }

    /// <summary>Publishes one batch of due rows; returns how many were claimed.</summary>
    public async Task<int> RelayBatchAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var rows = (await connection.QueryAsync<OutboxRow>(
            new CommandDefinition(Claim, new { limit = _options.RelayBatchSize }, tx, cancellationToken: ct))).AsList();
        if (rows.Count == 0) return 0;

        var sent = new List<long>(rows.Count);
        foreach (var row in rows)
        {
            try
            {
                await SendAsync(row, ct);
                sent.Add(row.Id);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                // The broker is most likely unreachable: keep the row, back off, leave the rest for the next pass.
                LogPublishFailed(ex, row.Id, row.MessageType);
                var delay = TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, Math.Min(row.Attempts, 6))));
                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE messaging.outbox SET attempts = attempts + 1, last_error = @error, due_at = now() + @delay WHERE id = @id",
                    new { id = row.Id, error = ex.Message, delay }, tx, cancellationToken: ct));
                break;
            }
        }

        if (sent.Count > 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE messaging.outbox SET sent_at = now(), attempts = attempts + 1 WHERE id = ANY(@ids)",
                new { ids = sent.ToArray() }, tx, cancellationToken: ct));
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

using System.Diagnostics.Metrics;
using Dapper;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Procedures.Messaging;

/// <summary>How long the messaging tables keep rows that did their work; bound from "Messaging:Retention".</summary>
public sealed class RetentionOptions
{
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Outbox rows the broker confirmed: kept a while for tracing a delivery, then of no use.</summary>
    public TimeSpan SentMessages { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Inbox rows: a message redelivered or replayed after its row is gone would take effect again, so this must outlast
    /// every redelivery (minutes) and every replay (a catch-up asks for steps missing for minutes to hours), by far.
    /// </summary>
    public TimeSpan ProcessedMessages { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Idempotency-Key answers: a client retrying with the same key after this long creates anew.</summary>
    public TimeSpan IdempotencyKeys { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Rows per delete statement, so a pass never holds many locks or one long transaction.</summary>
    public int Batch { get; set; } = 5000;
}

/// <summary>
/// Deletes, every <see cref="RetentionOptions.Interval"/>, the outbox rows sent, the inbox rows processed and the
/// Idempotency-Key answers given longer ago than their retention: without it these tables grow with every message for
/// ever. Never an unsent outbox row or a key whose request is still in flight. Every instance may run it: rows are
/// claimed with SKIP LOCKED.
/// </summary>
public sealed class MessagingRetention(NpgsqlDataSource db, TimeProvider time, IOptions<RetentionOptions> options,
    ILogger<MessagingRetention> logger) : PeriodicScan(logger)
{
    private static readonly Meter Meter = new("Procedures.Messaging");
    private static readonly Counter<long> Deleted = Meter.CreateCounter<long>(
        "procedures.messaging.retention.deleted", unit: "{row}", description: "Messaging rows deleted after their retention");

    private readonly RetentionOptions _options = options.Value;

    protected override TimeSpan Interval => _options.Interval;
    protected override TimeProvider Time => time;
    protected override string Name => "Messaging retention";

    protected override Task PassAsync(CancellationToken ct) => PruneAsync(ct);

    public sealed record Pruned(long SentMessages, long ProcessedMessages, long IdempotencyKeys);

    public async Task<Pruned> PruneAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var pruned = new Pruned(
            await DeleteAsync("outbox", """
                DELETE FROM messaging.outbox WHERE id IN (
                    SELECT id FROM messaging.outbox WHERE sent_at < @before LIMIT @batch FOR UPDATE SKIP LOCKED)
                """, now - _options.SentMessages, now, ct),
            await DeleteAsync("inbox", """
                DELETE FROM messaging.inbox WHERE (message_id, consumer) IN (
                    SELECT message_id, consumer FROM messaging.inbox WHERE processed_at < @before LIMIT @batch FOR UPDATE SKIP LOCKED)
                """, now - _options.ProcessedMessages, now, ct),
            // An in-flight claim is left until its lease has lapsed (its request may still commit under it).
            await DeleteAsync("idempotency", """
                DELETE FROM messaging.idempotency WHERE (client_id, key) IN (
                    SELECT client_id, key FROM messaging.idempotency WHERE created_at < @before AND locked_until < @now
                    LIMIT @batch FOR UPDATE SKIP LOCKED)
                """, now - _options.IdempotencyKeys, now, ct));
        if (pruned is not (0, 0, 0))
            logger.LogInformation("Messaging retention deleted {Outbox} sent message(s), {Inbox} processed message(s), {Keys} idempotency key(s)",
                pruned.SentMessages, pruned.ProcessedMessages, pruned.IdempotencyKeys);
        return pruned;
    }

    private async Task<long> DeleteAsync(string table, string sql, DateTimeOffset before, DateTimeOffset now, CancellationToken ct)
    {
        long total = 0;
        int count;
        do
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            count = await connection.ExecuteAsync(new CommandDefinition(sql, new { before, now, batch = _options.Batch }, cancellationToken: ct));
            total += count;
        } while (count == _options.Batch && !ct.IsCancellationRequested);
        if (total > 0) Deleted.Add(total, new KeyValuePair<string, object?>("table", table));
        return total;
    }
}

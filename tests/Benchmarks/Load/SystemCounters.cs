using Npgsql;

namespace Procedures.Benchmarks.Load;

/// <summary>
/// What a scenario cost the infrastructure, read before and after it: write transactions cluster-wide (transaction ids
/// handed out: only a transaction that writes gets one, so this counts durable commits, whoever made them) and messages
/// (outbox rows relayed to RabbitMQ and inbox rows consumed, in every service database).
/// </summary>
public sealed record SystemCounters(long WriteTransactions, long Published, long Consumed, long Pending, DateTimeOffset At)
{
    public static async Task<SystemCounters> ReadAsync(SystemTarget target, DateTimeOffset since, CancellationToken ct)
    {
        long xid;
        await using (var connection = new NpgsqlConnection(target.Postgres("postgres")))
        {
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint", connection);
            xid = (long)(await command.ExecuteScalarAsync(ct))!;
        }
        var at = DateTimeOffset.UtcNow;
        long published = 0, consumed = 0, pending = 0;
        foreach (var database in SystemTarget.ServiceDatabases)
        {
            await using var connection = new NpgsqlConnection(target.Postgres(database));
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand("""
                SELECT (SELECT count(*) FROM messaging.outbox WHERE sent_at >= $1), (SELECT count(*) FROM messaging.inbox WHERE processed_at >= $1),
                       (SELECT count(*) FROM messaging.outbox WHERE sent_at IS NULL AND due_at <= now())
                """, connection);
            command.Parameters.Add(new NpgsqlParameter { Value = since.UtcDateTime });
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            published += reader.GetInt64(0);
            consumed += reader.GetInt64(1);
            pending += reader.GetInt64(2);
        }
        return new SystemCounters(xid, published, consumed, pending, at);
    }

    /// <summary>
    /// Waits until the pipeline behind a load has drained: nothing due in any outbox and no message consumed for a second
    /// (at most two minutes). Returns the counters then.
    /// </summary>
    public static async Task<SystemCounters> SettledAsync(SystemTarget target, DateTimeOffset since, CancellationToken ct)
    {
        var end = DateTime.UtcNow.AddMinutes(2);
        var last = await ReadAsync(target, since, ct);
        while (DateTime.UtcNow < end)
        {
            await Task.Delay(1000, ct);
            var now = await ReadAsync(target, since, ct);
            if (now.Pending == 0 && now.Consumed == last.Consumed && now.Published == last.Published) return now;
            last = now;
        }
        return last;
    }

    /// <summary>Write transactions per second the idle system makes by itself (timers, scans), over <paramref name="window"/>.</summary>
    public static async Task<double> BackgroundWritesPerSecondAsync(SystemTarget target, TimeSpan window, CancellationToken ct)
    {
        var before = await ReadAsync(target, DateTimeOffset.UtcNow, ct);
        await Task.Delay(window, ct);
        var after = await ReadAsync(target, DateTimeOffset.UtcNow, ct);
        return Math.Max(0, (after.WriteTransactions - before.WriteTransactions - 1) / (after.At - before.At).TotalSeconds);
    }

    /// <summary>
    /// Per operation: write transactions (less the idle system's own over the window; the harness makes no writes of its
    /// own: it learns of the asynchronous stages from events), messages published, messages consumed.
    /// </summary>
    public static OperationCost PerOperation(SystemCounters before, SystemCounters after, long operations, double backgroundPerSecond)
        => operations == 0
        ? new OperationCost(0, 0, 0)
        : new OperationCost(Math.Round(Math.Max(0, after.WriteTransactions - before.WriteTransactions
                                                   - backgroundPerSecond * (after.At - before.At).TotalSeconds) / operations, 2),
            Math.Round((after.Published - before.Published) / (double)operations, 2),
            Math.Round((after.Consumed - before.Consumed) / (double)operations, 2));
}

public sealed record OperationCost(double WriteTransactions, double MessagesPublished, double MessagesConsumed);

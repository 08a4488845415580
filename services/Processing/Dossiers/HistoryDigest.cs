using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging;
using Procedures.Messaging.Outbox;

namespace Procedures.Processing.Dossiers;

public sealed class DigestSettings
{
    public const string Section = "HistoryDigest";

    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How far behind the digest stays: longer than a history transaction stays open, so none commits behind it.</summary>
    public TimeSpan Lag { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The most heads one message carries; a busier window is split.</summary>
    public int HeadsPerMessage { get; set; } = 2000;
}

/// <summary>
/// Publishes, every <see cref="DigestSettings.Interval"/>, the newest sequence of each dossier whose history grew since the
/// last digest (DossierHeadsDigest), <see cref="DigestSettings.Lag"/> behind. Gap catch-up finds a lost step only when a
/// later one arrives; this finds a lost newest step, e.g. the return of the result, after which nothing else comes.
/// The covered window advances in the same transaction as the outbox rows (a crash re-covers it: consumers compare, so a
/// second digest of the same window changes nothing), under a row lock that lets one instance digest at a time.
/// </summary>
public sealed class HistoryDigest(NpgsqlDataSource db, IOptions<DigestSettings> settings, TimeProvider time, ILogger<HistoryDigest> logger)
    : PeriodicScan(logger)
{
    /// <summary>The most history one transaction digests, so a long outage is caught up in bounded steps.</summary>
    private static readonly TimeSpan MaxWindow = TimeSpan.FromHours(1);

    protected override TimeProvider Time => time;
    protected override TimeSpan Interval => settings.Value.Interval;
    protected override string Name => "History digest";
    protected override Task PassAsync(CancellationToken ct) => RunOnceAsync(ct);

    /// <summary>Digests every window up to the lag behind the database's clock; returns the heads announced.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            var (heads, more) = await WindowAsync(ct);
            total += heads;
            if (!more) return total;
        }
    }

    /// <summary>One window in one transaction: its heads, and whether more history waits behind it (a window cut at an hour).</summary>
    private async Task<(int Heads, bool More)> WindowAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var window = await connection.QuerySingleAsync<(DateTime From, DateTime To, bool More)>(new CommandDefinition("""
            SELECT covered_to, least(covered_to + @maxWindow, now() - @lag), covered_to + @maxWindow < now() - @lag
            FROM history_digest FOR UPDATE
            """, new { maxWindow = MaxWindow, lag = settings.Value.Lag }, tx, cancellationToken: ct));
        if (window.To <= window.From) return (0, false);

        var heads = (await connection.QueryAsync<DossierHead>(new CommandDefinition("""
            SELECT d.code AS DossierCode, d.sequence AS Sequence
            FROM dossiers d
            WHERE d.code IN (SELECT dossier_code FROM dossier_history WHERE recorded_at >= @From AND recorded_at < @To)
            ORDER BY d.code
            """, new { window.From, window.To }, tx, cancellationToken: ct))).ToList();
        var from = new DateTimeOffset(window.From, TimeSpan.Zero);
        var to = new DateTimeOffset(window.To, TimeSpan.Zero);
        await Outbox.PublishManyAsync(tx, [.. heads.Chunk(settings.Value.HeadsPerMessage).Select(chunk => new DossierHeadsDigest(chunk, from, to))], ct);
        await connection.ExecuteAsync(new CommandDefinition("UPDATE history_digest SET covered_to = @To", new { window.To }, tx,
            cancellationToken: ct));
        await tx.CommitAsync(ct);
        return (heads.Count, window.More);
    }
}

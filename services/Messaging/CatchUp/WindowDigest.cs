using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Procedures.Messaging.CatchUp;

/// <summary>Settings of a periodic digest (one configuration section per digest).</summary>
public sealed class DigestSettings
{
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How far behind the digest stays: longer than a writing transaction stays open, so none commits behind it.</summary>
    public TimeSpan Lag { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The most items one message carries; a busier window is split.</summary>
    public int ItemsPerMessage { get; set; } = 2000;
}

public static class DigestRegistration
{
    /// <summary>Runs digest <typeparamref name="T"/> with its settings from configuration section <paramref name="section"/>.</summary>
    public static IServiceCollection AddDigest<T>(this IServiceCollection services, IConfiguration configuration, string section)
        where T : class, IHostedService
        => services.AddHostedService(sp => ActivatorUtilities.CreateInstance<T>(sp,
            configuration.GetSection(section).Get<DigestSettings>() ?? new DigestSettings()));
}

/// <summary>
/// Announces, every <see cref="DigestSettings.Interval"/>, what a service recorded in the window since the last digest,
/// <see cref="DigestSettings.Lag"/> behind the database's clock, so consumers can compare it with what reached them and ask
/// for what was lost on the way (the catch-ups). The window's end (<c>covered_to</c> in a one-row cursor table) advances in
/// the same transaction as the outbox rows: a crash re-covers the window, and consumers compare, so a second digest of it
/// changes nothing. The cursor's row lock lets one instance digest at a time.
/// </summary>
public abstract class WindowDigest<TItem, TMessage>(NpgsqlDataSource db, DigestSettings settings, TimeProvider time, ILogger logger)
    : PeriodicScan(logger) where TMessage : class
{
    /// <summary>The most one transaction digests, so a long outage is caught up in bounded steps.</summary>
    private static readonly TimeSpan MaxWindow = TimeSpan.FromHours(1);

    /// <summary>The one-row table (<c>covered_to timestamptz</c>) saying how far the digest has covered.</summary>
    protected abstract string CursorTable { get; }

    /// <summary>What was recorded in [<paramref name="from"/>, <paramref name="to"/>), in the database's clock.</summary>
    protected abstract Task<IReadOnlyList<TItem>> ItemsAsync(NpgsqlTransaction tx, DateTime from, DateTime to, CancellationToken ct);

    protected abstract TMessage Message(TItem[] items, DateTimeOffset from, DateTimeOffset to);

    protected override TimeProvider Time => time;
    protected override TimeSpan Interval => settings.Interval;
    protected override Task PassAsync(CancellationToken ct) => RunOnceAsync(ct);

    /// <summary>Digests every window up to the lag behind the database's clock; returns the items announced.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            var (items, more) = await WindowAsync(ct);
            total += items;
            if (!more) return total;
        }
    }

    /// <summary>One window in one transaction: its items, and whether more waits behind it (a window cut at an hour).</summary>
    private async Task<(int Items, bool More)> WindowAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var window = await connection.QuerySingleAsync<(DateTime From, DateTime To, bool More)>(new CommandDefinition($"""
            SELECT covered_to, least(covered_to + @maxWindow, now() - @lag), covered_to + @maxWindow < now() - @lag
            FROM {CursorTable} FOR UPDATE
            """, new { maxWindow = MaxWindow, lag = settings.Lag }, tx, cancellationToken: ct));
        if (window.To <= window.From) return (0, false);

        var items = await ItemsAsync(tx, window.From, window.To, ct);
        var from = new DateTimeOffset(window.From, TimeSpan.Zero);
        var to = new DateTimeOffset(window.To, TimeSpan.Zero);
        await Outbox.Outbox.PublishManyAsync(tx, [.. items.Chunk(settings.ItemsPerMessage).Select(chunk => Message(chunk, from, to))], ct);
        await connection.ExecuteAsync(new CommandDefinition($"UPDATE {CursorTable} SET covered_to = @To", new { window.To }, tx,
            cancellationToken: ct));
        await tx.CommitAsync(ct);
        return (items.Count, window.More);
    }
}

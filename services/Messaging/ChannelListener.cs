using Npgsql;

namespace Procedures.Messaging;

/// <summary>
/// One connection LISTENing on a Postgres channel, for a background worker that sleeps until its table's trigger says work
/// has committed (NOTIFY is delivered at commit) or its poll interval passes. A notification that arrives while the worker
/// is busy waits in the connection, so the next wait returns at once: no wake-up is lost between two waits. The poll still
/// finds work that comes due by time (backoff) and covers a reconnection. A broken connection is dropped and reopened at
/// the next wait; until then the wait is the plain interval.
/// </summary>
public sealed class ChannelListener(NpgsqlDataSource db, string channel) : IAsyncDisposable
{
    private NpgsqlConnection? _connection;

    /// <summary>
    /// Starts listening, if not yet: call it before the worker's first pass, so work committed during that pass wakes the
    /// first wait. A failure is left to the next wait.
    /// </summary>
    public async Task ListenAsync(CancellationToken ct)
    {
        try
        {
            await OpenAsync(ct);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            await DisposeAsync();
        }
    }

    /// <summary>True when woken by a notification, false when the interval passed (or the connection failed).</summary>
    public async Task<bool> WaitAsync(TimeSpan interval, CancellationToken ct)
    {
        try
        {
            return await (await OpenAsync(ct)).WaitAsync(interval, ct);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            await DisposeAsync();
            await Task.Delay(interval, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return false;
        }
    }

    private async Task<NpgsqlConnection> OpenAsync(CancellationToken ct)
    {
        if (_connection is not null) return _connection;
        var connection = await db.OpenConnectionAsync(ct);
        try
        {
            // The channel is an identifier of ours (a constant), never input.
            await using var listen = new NpgsqlCommand($"LISTEN {channel}", connection);
            await listen.ExecuteNonQueryAsync(ct);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        return _connection = connection;
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is null) return;
        var connection = _connection;
        _connection = null;
        try { await connection.DisposeAsync(); }
        catch (Exception e) when (e is NpgsqlException or System.IO.IOException or ObjectDisposedException) { /* already broken */ }
    }
}

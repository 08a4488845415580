using Npgsql;

namespace Procedures.Messaging;

/// <summary>
/// Wakes a job's workers when their table's trigger says work has committed (LISTEN on a Postgres channel; NOTIFY is
/// delivered at commit), with the poll interval as the fallback for work that comes due by time. One connection listens
/// for all the workers of the job, and each notification wakes one of them (not all: the others would only find the row
/// already claimed). A notification that comes while every worker is busy is kept, so the next wait returns at once: no
/// wake-up is lost between two waits. A broken connection is reopened after a second, and one worker is woken then, for
/// whatever was notified meanwhile.
/// </summary>
public sealed class ChannelListener : IAsyncDisposable
{
    private readonly NpgsqlDataSource _db;
    private readonly string _channel;
    private readonly SemaphoreSlim _wakeups;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _loop;

    /// <param name="channel">An identifier of ours (a constant), never input.</param>
    /// <param name="workers">How many workers wait on it: the most wake-ups kept for later.</param>
    public ChannelListener(NpgsqlDataSource db, string channel, int workers = 1)
    {
        _db = db;
        _channel = channel;
        _wakeups = new SemaphoreSlim(0, Math.Max(1, workers));
    }

    /// <summary>
    /// Runs <paramref name="workers"/> workers of a job whose work is rows of a table with a notify trigger on
    /// <paramref name="channel"/>: each does <paramref name="next"/> until it finds nothing due, then waits for a wake-up or
    /// the <paramref name="poll"/> interval. A failed pass is reported to <paramref name="failed"/> and the next one retries.
    /// </summary>
    public static async Task RunWorkersAsync(NpgsqlDataSource db, string channel, int workers, TimeSpan poll,
        Func<CancellationToken, Task<bool>> next, Action<Exception> failed, CancellationToken ct)
    {
        workers = Math.Max(1, workers);
        await using var listener = new ChannelListener(db, channel, workers);
        await listener.ListenAsync(ct);
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async _ =>
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    while (await next(ct)) { }
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested) { break; }
                catch (Exception ex) { failed(ex); }
                await ((Task)listener.WaitAsync(poll, ct)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }));
    }

    /// <summary>
    /// Starts listening (once) and waits until the channel is listened to, so work committed during the workers' first pass
    /// wakes them; if the database does not answer within 10 s the workers start anyway and poll meanwhile.
    /// </summary>
    public async Task ListenAsync(CancellationToken ct)
    {
        _loop ??= Task.Run(() => LoopAsync(_stop.Token), CancellationToken.None);
        try
        {
            await _listening.Task.WaitAsync(TimeSpan.FromSeconds(10), ct);
        }
        catch (TimeoutException)
        {
            // The loop keeps trying; the poll covers until it listens.
        }
    }

    /// <summary>True when woken by a notification, false when the interval passed.</summary>
    public Task<bool> WaitAsync(TimeSpan interval, CancellationToken ct) => _wakeups.WaitAsync(interval, ct);

    private async Task LoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = await _db.OpenConnectionAsync(ct);
                try
                {
                    connection.Notification += (_, _) => Wake();
                    await using (var listen = new NpgsqlCommand($"LISTEN {_channel}", connection))
                        await listen.ExecuteNonQueryAsync(ct);
                    _listening.TrySetResult();
                    Wake(); // whatever was notified while nobody listened
                    while (true) await connection.WaitAsync(ct);
                }
                finally
                {
                    // The pool does not reset sessions: an idle pooled connection still listening would have the
                    // server queue every notification of the channel for it, unread.
                    await PooledSession.EndAsync(connection, _db);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private void Wake()
    {
        try
        {
            _wakeups.Release();
        }
        catch (SemaphoreFullException)
        {
            // Every worker already has a wake-up waiting.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null) await _loop;
        _stop.Dispose();
        _wakeups.Dispose();
    }
}

using Npgsql;

namespace Procedures.Messaging;

/// <summary>
/// A job's workers, seen from its writers: awake while at least one of them works (it then holds the job's
/// <see cref="AwakeLock"/>, and writers do not notify), asleep otherwise (writers notify). The last worker to finish lets
/// the lock go, waits for the writers that relied on it, and every worker looks once more before it sleeps.
/// </summary>
public sealed class AwakeWorkers(NpgsqlDataSource db, string channel) : IAsyncDisposable
{
    private readonly AwakeLock _lock = new(db, channel);
    private readonly SemaphoreSlim _session = new(1, 1);
    private int _working;

    internal AwakeLock Lock => _lock;

    /// <summary>
    /// Runs <paramref name="drain"/> (work until nothing is due) while awake; then, asleep, <paramref name="findsWork"/> (one
    /// step: true when it found something) and, if it did, all again.
    /// </summary>
    public async Task WorkAsync(Func<CancellationToken, Task> drain, Func<CancellationToken, Task<bool>> findsWork, CancellationToken ct)
    {
        do
        {
            await StartAsync(ct);
            try
            {
                await drain(ct);
            }
            finally
            {
                await StopAsync(drain, ct);
            }
        }
        while (await findsWork(ct));
    }

    private async Task StartAsync(CancellationToken ct)
    {
        if (Interlocked.Increment(ref _working) != 1) return;
        await _session.WaitAsync(ct);
        try
        {
            if (Volatile.Read(ref _working) > 0) await _lock.EnterAsync(ct);
        }
        finally { _session.Release(); }
    }

    private async Task StopAsync(Func<CancellationToken, Task> drain, CancellationToken ct)
    {
        if (Interlocked.Decrement(ref _working) != 0) return;
        await _session.WaitAsync(ct);
        try
        {
            if (Volatile.Read(ref _working) == 0) await _lock.LeaveAsync(drain, ct);
        }
        finally { _session.Release(); }
    }

    public async ValueTask DisposeAsync()
    {
        await _lock.DisposeAsync();
        _session.Dispose();
    }
}

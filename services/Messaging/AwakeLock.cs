using Npgsql;

namespace Procedures.Messaging;

/// <summary>
/// Tells writers that a job's workers are awake, so they need not notify them (<c>messaging.wake</c>,
/// Sql/0006_wake_only_sleeping_workers.sql): the job holds the advisory lock (hashtext(channel), 1) on a session of its own
/// while a worker works, and a writer only tests it. Before the last worker sleeps, the job lets the lock go and waits for
/// every writer that found it held and has not finished yet (each writer holds (…, 2) until it commits or rolls back),
/// looking for work meanwhile; its last look then sees their rows. So new work is either notified or found by a pass. A job
/// that could not take the lock (another instance holds it, or the database is away) changes nothing: writers then
/// notify, as before; a lost session drops the lock with it.
/// </summary>
internal sealed class AwakeLock(NpgsqlDataSource db, string channel) : IAsyncDisposable
{
    private NpgsqlConnection? _session;
    private bool _held;

    /// <summary>Whether this job holds the lock (writers meanwhile do not notify).</summary>
    public bool Held => _held;

    /// <summary>Takes the lock if it is free (never waits for it).</summary>
    public async Task EnterAsync(CancellationToken ct)
    {
        if (_held) return;
        try
        {
            if (_session is not { State: System.Data.ConnectionState.Open })
            {
                if (_session is not null) await _session.DisposeAsync();
                _session = await db.OpenConnectionAsync(ct);
            }
            await using var take = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtext($1), 1)", _session);
            take.Parameters.Add(new NpgsqlParameter { Value = channel });
            _held = (bool)(await take.ExecuteScalarAsync(ct))!;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // Not holding it only means writers keep notifying.
            await DropSessionAsync();
        }
    }

    /// <summary>
    /// Lets the lock go, then waits until every writer that may have found it held (and so did not notify) has finished,
    /// calling <paramref name="pass"/> meanwhile so the rows of other writers are not held back by a long transaction.
    /// Returns at once when not held.
    /// </summary>
    public async Task LeaveAsync(Func<CancellationToken, Task> pass, CancellationToken ct)
    {
        if (!_held || _session is null) return;
        _held = false;
        await using (var release = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtext($1), 1)", _session))
        {
            release.Parameters.Add(new NpgsqlParameter { Value = channel });
            await release.ExecuteNonQueryAsync(ct);
        }
        // The writers holding the writers' lock now: any that found the lock held is among them (it took that one first).
        string[]? waiting = null;
        while (true)
        {
            await using var read = new NpgsqlCommand($"""
                SELECT coalesce(array_agg(virtualtransaction), '{"{}"}') FROM pg_locks
                WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                  AND classid = hashtext($1)::oid AND objid = 2 AND objsubid = 2 AND granted
                  {(waiting is null ? "" : "AND virtualtransaction = ANY($2)")}
                """, _session);
            read.Parameters.Add(new NpgsqlParameter { Value = channel });
            if (waiting is not null) read.Parameters.Add(new NpgsqlParameter { Value = waiting });
            waiting = (string[])(await read.ExecuteScalarAsync(ct))!;
            if (waiting.Length == 0) return;
            await Task.Delay(TimeSpan.FromMilliseconds(5), ct);
            await pass(ct);
        }
    }

    private async Task DropSessionAsync()
    {
        _held = false;
        if (_session is not null) await _session.DisposeAsync();
        _session = null;
    }

    public async ValueTask DisposeAsync() => await DropSessionAsync();
}

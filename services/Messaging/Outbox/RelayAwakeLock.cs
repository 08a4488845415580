using Npgsql;

namespace Procedures.Messaging.Outbox;

/// <summary>
/// Tells writers that a relay is awake, so they need not notify it (Sql/0006_outbox_wake_only_idle_relay.sql): the relay
/// holds the advisory lock (hashtext('messaging_outbox'), 1) on a session of its own while it relays, and a writer only
/// tests it. Before the relay sleeps it lets the lock go and waits for every writer that found it held and has not yet
/// finished (they hold (…, 2) until they commit or roll back); its last pass then sees their rows. So a row is either
/// notified or found by a pass, and a relay that could not take the lock (another instance holds it, or the database is
/// away) changes nothing: writers then notify, as before. A lost session drops the lock with it, and writers notify.
/// </summary>
internal sealed class RelayAwakeLock(NpgsqlDataSource db) : IAsyncDisposable
{
    private NpgsqlConnection? _session;
    private bool _held;

    /// <summary>Whether this relay holds the lock (writers meanwhile do not notify).</summary>
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
            take.Parameters.Add(new NpgsqlParameter { Value = OutboxRelay.DueChannel });
            _held = (bool)(await take.ExecuteScalarAsync(ct))!;
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // Not holding it only means writers keep notifying.
            await DropSessionAsync();
        }
    }

    /// <summary>
    /// Lets the lock go, then waits until every writer that found it held (and so did not notify) has finished; calls
    /// <paramref name="pass"/> meanwhile so a long transaction's neighbours are not held back. Returns at once when not held.
    /// </summary>
    public async Task LeaveAsync(Func<CancellationToken, Task> pass, CancellationToken ct)
    {
        if (!_held || _session is null) return;
        _held = false;
        await using (var release = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtext($1), 1)", _session))
        {
            release.Parameters.Add(new NpgsqlParameter { Value = OutboxRelay.DueChannel });
            await release.ExecuteNonQueryAsync(ct);
        }
        // The writers holding the writers' lock now: any that found the relay awake is among them (it took that lock first).
        const string holders = """
            SELECT coalesce(array_agg(virtualtransaction), '{}') FROM pg_locks
            WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND classid = hashtext($1)::oid AND objid = 2 AND objsubid = 2 AND granted AND virtualtransaction = ANY($2)
            """;
        string[]? waiting = null;
        while (true)
        {
            await using var read = new NpgsqlCommand(waiting is null ? holders.Replace(" AND virtualtransaction = ANY($2)", "", StringComparison.Ordinal) : holders, _session);
            read.Parameters.Add(new NpgsqlParameter { Value = OutboxRelay.DueChannel });
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

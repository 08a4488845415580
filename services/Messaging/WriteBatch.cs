using Npgsql;

namespace Procedures.Messaging;

/// <summary>
/// Statements of one transaction that need none of one another's results, sent to Postgres in one round trip (an
/// <see cref="NpgsqlBatch"/>) instead of one each: e.g. a request's last writes — its event into the outbox, its stored
/// answer, its audit entry (issue 23). They run in the order added, inside the caller's transaction; the first that fails
/// fails the batch (and the caller rolls the transaction back, as for a single statement). Parameters are positional
/// (<c>$1</c>, <c>$2</c> …), in the order given; null is sent as SQL NULL, so give its type in the SQL (<c>$3::text</c>).
/// </summary>
public sealed class WriteBatch(NpgsqlTransaction tx)
{
    private readonly List<NpgsqlBatchCommand> _commands = [];

    public int Count => _commands.Count;

    public WriteBatch Add(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values) command.Parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value ?? DBNull.Value });
        _commands.Add(command);
        return this;
    }

    /// <summary>Sends what was added (nothing when empty) and starts over.</summary>
    public async Task ExecuteAsync(CancellationToken ct)
    {
        if (_commands.Count == 0) return;
        var connection = tx.Connection ?? throw new InvalidOperationException("The transaction has already completed.");
        await using var batch = new NpgsqlBatch(connection, tx);
        foreach (var command in _commands) batch.BatchCommands.Add(command);
        _commands.Clear();
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>One statement on its own: what a helper's single-statement form does with its <see cref="WriteBatch"/> form.</summary>
    public static Task ExecuteAsync(NpgsqlTransaction tx, Action<WriteBatch> add, CancellationToken ct)
    {
        var batch = new WriteBatch(tx);
        add(batch);
        return batch.ExecuteAsync(ct);
    }
}

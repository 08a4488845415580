using Npgsql;
using NpgsqlTypes;

namespace Procedures.Messaging.Audit;

/// <summary>
/// The hash chain over audit.entries, built after commit (audit.seals).
/// <para>
/// Position seq (1, 2, 3, ... without gaps) seals one entry: hash = SHA-256 of the canonical encoding of
/// <see cref="AuditHash"/> over prev_hash (the hash at seq - 1, NULL at 1), seq, the entry's id and all its columns.
/// Changing, removing or reordering an entry or a seal breaks the chain from there on; an entry that is neither sealed
/// nor waiting in audit.pending is reported too. Removing the newest entries together with their seals cannot show in the
/// chain itself: compare with a head hash kept elsewhere.
/// </para>
/// <para>
/// Why after commit: chaining inside the business transaction needs the chain's head, so every audited transaction of a
/// service held one lock until it committed (one audited commit at a time per service). Sealing after commit keeps the
/// entry atomic with its change and leaves the hash to one chainer, in batches. The price is a short window (the chainer's
/// interval, one second) in which a committed entry is not yet covered by a hash.
/// </para>
/// </summary>
public static class AuditChain
{
    /// <summary>Key of the transaction-scoped advisory lock that makes one chainer at a time extend the chain ("audit" in ASCII).</summary>
    private const long ChainLockKey = 0x61_75_64_69_74;

    private const string EntryColumns =
        "e.id, e.at, e.client_id, e.agency, e.action, e.resource, e.personal_data, e.reason, e.trace_id, e.detail::text";

    /// <summary>
    /// Seals up to <paramref name="batch"/> waiting entries (lowest id first) at the chain's head, in one transaction,
    /// and returns how many. Any number of chainers may call this at once: they take turns on an advisory lock.
    /// </summary>
    public static async Task<int> SealAsync(NpgsqlDataSource db, int batch, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentOutOfRangeException.ThrowIfLessThan(batch, 1);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);

        // Each statement of the batch takes its own snapshot (READ COMMITTED), so the head read after the lock is granted
        // includes the previous chainer's seals.
        await using var read = new NpgsqlBatch(connection, tx)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock($1)") { Parameters = { new NpgsqlParameter { Value = ChainLockKey } } },
                new NpgsqlBatchCommand("SELECT seq, hash FROM audit.seals ORDER BY seq DESC LIMIT 1"),
                new NpgsqlBatchCommand($"""
                    WITH taken AS (
                        DELETE FROM audit.pending
                        WHERE entry_id IN (SELECT entry_id FROM audit.pending ORDER BY entry_id LIMIT $1)
                        RETURNING entry_id)
                    SELECT {EntryColumns} FROM audit.entries e JOIN taken ON taken.entry_id = e.id ORDER BY e.id
                    """) { Parameters = { new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = batch } } },
            },
        };

        long seq = 0;
        byte[]? prev = null;
        var seqs = new List<long>();
        var ids = new List<long>();
        var prevs = new List<byte[]?>();
        var hashes = new List<byte[]>();
        await using (var reader = await read.ExecuteReaderAsync(ct))
        {
            await reader.NextResultAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                seq = reader.GetInt64(0);
                prev = reader.GetFieldValue<byte[]>(1);
            }
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var id = reader.GetInt64(0);
                var hash = AuditHash.Compute(AuditHash.ChainedAfterCommit, prev, ++seq, id, Body(reader), Detail(reader));
                seqs.Add(seq);
                ids.Add(id);
                prevs.Add(prev);
                hashes.Add(hash);
                prev = hash;
            }
        }
        if (ids.Count == 0) return 0;

        await using var insert = new NpgsqlCommand("""
            INSERT INTO audit.seals (seq, entry_id, version, prev_hash, hash)
            SELECT seq, entry_id, $3, prev_hash, hash FROM unnest($1::bigint[], $2::bigint[], $4::bytea[], $5::bytea[])
                AS s(seq, entry_id, prev_hash, hash)
            """, connection, tx)
        {
            Parameters =
            {
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = seqs.ToArray() },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint, Value = ids.ToArray() },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Smallint, Value = AuditHash.ChainedAfterCommit },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, Value = prevs.ToArray() },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bytea, Value = hashes.ToArray() },
            },
        };
        await insert.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return ids.Count;
    }

    /// <summary>
    /// Recomputes the whole chain in position order, streaming (one snapshot for the whole check, one row in memory at a
    /// time), then looks for entries that are neither sealed nor waiting. A position is broken when it is not the next
    /// number, its entry is missing, its prev_hash is not its predecessor's hash, its hash does not match the entry, or it
    /// is a version-1 seal after a version-2 one (version 1 belongs to the entries chained before the chainer existed).
    /// </summary>
    public static async Task<AuditVerification> VerifyAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);

        long positions = 0;
        long? firstBroken = null;
        await using (var command = new NpgsqlCommand($"""
            SELECT s.seq, s.entry_id, s.version, s.prev_hash, s.hash, e.id IS NOT NULL, {EntryColumns}
            FROM audit.seals s LEFT JOIN audit.entries e ON e.id = s.entry_id ORDER BY s.seq
            """, connection, tx))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            byte[]? previous = null;
            var afterCommitSeen = false;
            while (await reader.ReadAsync(ct))
            {
                positions++;
                var version = reader.GetInt16(2);
                var hash = reader.GetFieldValue<byte[]>(4);
                afterCommitSeen |= version == AuditHash.ChainedAfterCommit;
                var holds = reader.GetInt64(0) == positions
                            && !(afterCommitSeen && version == AuditHash.ChainedInTransaction)
                            && SameBytes(reader.IsDBNull(3) ? null : reader.GetFieldValue<byte[]>(3), previous)
                            && reader.GetBoolean(5)
                            && HashHolds(reader, version, previous, hash);
                if (firstBroken is null && !holds) firstBroken = reader.GetInt64(1);
                previous = hash;
            }
        }

        await using var loose = new NpgsqlCommand("""
            SELECT count(p.entry_id), min(e.id) FILTER (WHERE p.entry_id IS NULL)
            FROM audit.entries e LEFT JOIN audit.pending p ON p.entry_id = e.id
            WHERE NOT EXISTS (SELECT 1 FROM audit.seals s WHERE s.entry_id = e.id)
            """, connection, tx);
        await using (var reader = await loose.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            var pending = reader.GetInt64(0);
            firstBroken ??= reader.IsDBNull(1) ? null : reader.GetInt64(1);
            return new AuditVerification(firstBroken is null, positions, firstBroken, pending);
        }
    }

    private static bool HashHolds(NpgsqlDataReader row, short version, byte[]? prev, byte[] hash)
    {
        try
        {
            var computed = AuditHash.Compute(version, prev, row.GetInt64(0), row.GetInt64(6), Body(row, offset: 6), Detail(row, offset: 6));
            return computed.AsSpan().SequenceEqual(hash);
        }
        catch (Exception ex) when (ex is InvalidCastException or OverflowException or ArgumentException)
        {
            // A value no appender could have written (e.g. a timestamp outside .NET's range, an unknown version) is tampering too.
            return false;
        }
    }

    /// <summary>The entry's hashed body from <see cref="EntryColumns"/> read at <paramref name="offset"/>.</summary>
    private static byte[] Body(NpgsqlDataReader row, int offset = 0)
        => AuditHash.Body(row.GetFieldValue<DateTimeOffset>(offset + 1), row.GetString(offset + 2), row.GetString(offset + 3),
            row.GetString(offset + 4), row.GetString(offset + 5), row.GetBoolean(offset + 6),
            row.IsDBNull(offset + 7) ? null : row.GetString(offset + 7), row.IsDBNull(offset + 8) ? null : row.GetString(offset + 8));

    private static string? Detail(NpgsqlDataReader row, int offset = 0) => row.IsDBNull(offset + 9) ? null : row.GetString(offset + 9);

    private static bool SameBytes(byte[]? a, byte[]? b)
        => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);
}

using System.Buffers;
using System.Buffers.Binary;
using System.Data;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Procedures.Messaging.Audit;

/// <summary>Who acts: the authenticated client, its agency, the reason it gave (X-Audit-Reason) and the request's trace.</summary>
public sealed record AuditActor(string ClientId, string Agency, string? Reason, string? TraceId)
{
    /// <summary>Request header in which a caller states why it reads or writes personal data.</summary>
    public const string ReasonHeader = "X-Audit-Reason";

    /// <summary>The actor of an HTTP request: the token's client and agency, the stated reason (bounded), the trace.</summary>
    public static AuditActor FromRequest(Microsoft.AspNetCore.Http.HttpContext http, string clientId, string agency)
    {
        // Header values are ASCII: a Vietnamese reason arrives percent-encoded UTF-8 (RFC 3986), as browsers send it.
        var reason = Uri.UnescapeDataString(http.Request.Headers[ReasonHeader].ToString());
        // Bounded by whole code points (never half a surrogate pair), without control characters.
        reason = string.Concat(reason.EnumerateRunes().Where(r => !System.Text.Rune.IsControl(r)).Take(500).Select(r => r.ToString()));
        return new AuditActor(clientId, agency, reason.Length == 0 ? null : reason,
            System.Diagnostics.Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier);
    }
}

/// <summary>What happens: an action (e.g. <c>dossier.read</c>) on a resource (e.g. a dossier code); Detail is stored as JSON.</summary>
public sealed record AuditEntry(string Action, string Resource, bool PersonalData, object? Detail = null);

/// <summary>
/// Filters of an audit search. From is inclusive, To exclusive; newest entries first; BeforeId continues a
/// previous page (pass the smallest id seen).
/// </summary>
public sealed record AuditQuery(
    DateTimeOffset? From = null, DateTimeOffset? To = null, string? Agency = null, string? Resource = null,
    string? Action = null, string? ClientId = null, int Limit = AuditQuery.DefaultLimit, long? BeforeId = null)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
}

/// <summary>One stored entry; hashes as lowercase hex, Detail as the stored JSON.</summary>
public sealed record AuditRecord(
    long Id, DateTimeOffset At, string ClientId, string Agency, string Action, string Resource, bool PersonalData,
    string? Reason, string? TraceId, JsonElement? Detail, string? PrevHash, string Hash);

/// <summary>Outcome of recomputing the chain: FirstBrokenId is the first entry whose link or hash does not hold.</summary>
public sealed record AuditVerification(bool Intact, long Entries, long? FirstBrokenId);

/// <summary>
/// The append-only, hash-chained audit log every service keeps in its own database (table audit.entries).
/// <para>
/// hash = SHA-256 of a length-prefixed encoding of: a version tag, prev_hash, id, at (UTC ticks, microsecond
/// precision as stored), client_id, agency, action, resource, personal_data, reason, trace_id and detail
/// (jsonb's canonical text). prev_hash is the hash of the entry with the next lower id (NULL for the first),
/// so changing, removing or reordering any stored entry breaks the chain from that entry on.
/// </para>
/// </summary>
public static class AuditLog
{
    /// <summary>Key of the transaction-scoped advisory lock that serialises appenders ("audit" in ASCII).</summary>
    private const long ChainLockKey = 0x61_75_64_69_74;

    private const string Columns =
        "id, at, client_id, agency, action, resource, personal_data, reason, trace_id, detail::text, prev_hash, hash";

    /// <summary>
    /// Reads the chain's head, draws the id and inserts the entry with its hash computed by the server, in one statement:
    /// the same bytes as <see cref="AuditHash.Compute"/> ($9 = the encoded version tag, $10 = the encoded body; prev_hash,
    /// id and detail length-prefixed here), so the lock is held for one round trip instead of two.
    /// </summary>
    private const string Insert = """
        INSERT INTO audit.entries (id, at, client_id, agency, action, resource, personal_data, reason, trace_id, detail, prev_hash, hash)
        OVERRIDING SYSTEM VALUE
        SELECT s.id, $1, $2, $3, $4, $5, $6, $7, $8, s.detail, s.prev,
               sha256($9 || CASE WHEN s.prev IS NULL THEN '\xffffffff'::bytea ELSE int4send(length(s.prev)) || s.prev END
                      || '\x00000008'::bytea || int8send(s.id) || $10
                      || CASE WHEN s.detail IS NULL THEN '\xffffffff'::bytea
                              ELSE int4send(octet_length(convert_to(s.detail::text, 'UTF8'))) || convert_to(s.detail::text, 'UTF8') END)
        FROM (SELECT (SELECT hash FROM audit.entries ORDER BY id DESC LIMIT 1) AS prev,
                     nextval(pg_get_serial_sequence('audit.entries', 'id')) AS id,
                     $11::jsonb AS detail) s
        """;

    /// <summary>
    /// Appends an entry inside the caller's business transaction, so the entry exists exactly when the change
    /// (or read) it accounts for commits. The chain lock is held until that transaction ends: call this as the
    /// last step before committing. The transaction must be READ COMMITTED (the default).
    /// </summary>
    public static async Task AppendAsync(NpgsqlTransaction tx, AuditActor actor, AuditEntry entry, DateTimeOffset at, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor.ClientId, nameof(actor) + "." + nameof(actor.ClientId));
        ArgumentException.ThrowIfNullOrWhiteSpace(actor.Agency, nameof(actor) + "." + nameof(actor.Agency));
        ArgumentException.ThrowIfNullOrWhiteSpace(entry.Action, nameof(entry) + "." + nameof(entry.Action));
        ArgumentException.ThrowIfNullOrWhiteSpace(entry.Resource, nameof(entry) + "." + nameof(entry.Resource));
        var connection = tx.Connection ?? throw new InvalidOperationException("The transaction has already completed.");
        // A snapshot older than the lock would hide the latest entry and fork the chain (the unique index on
        // prev_hash would then refuse the insert): only READ COMMITTED takes a fresh snapshot per statement.
        if (tx.IsolationLevel is IsolationLevel.RepeatableRead or IsolationLevel.Serializable or IsolationLevel.Snapshot)
            throw new InvalidOperationException($"Audit entries are appended in READ COMMITTED transactions, not {tx.IsolationLevel}.");

        // Everything that does not depend on the chain is prepared before taking the lock.
        var stored = AuditHash.ToStoredPrecision(at);
        var body = AuditHash.Body(stored, actor.ClientId, actor.Agency, entry.Action, entry.Resource, entry.PersonalData,
            actor.Reason, actor.TraceId);
        var detailJson = entry.Detail is null ? null : JsonSerializer.Serialize(entry.Detail, entry.Detail.GetType(), MessageJson.Options);

        // One round trip takes the lock, then (a later statement, so a snapshot taken after the lock was granted)
        // reads the chain's head and inserts the entry chained to it (hash computed by the server, see Insert).
        await using var batch = new NpgsqlBatch(connection, tx);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock($1)")
        {
            Parameters = { new NpgsqlParameter { Value = ChainLockKey } },
        });
        batch.BatchCommands.Add(new NpgsqlBatchCommand(Insert)
        {
            Parameters =
            {
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = stored },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = actor.ClientId },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = actor.Agency },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = entry.Action },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = entry.Resource },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Boolean, Value = entry.PersonalData },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)actor.Reason ?? DBNull.Value },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)actor.TraceId ?? DBNull.Value },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = AuditHash.VersionField },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = body },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)detailJson ?? DBNull.Value },
            },
        });
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Entries matching every given filter, newest (highest id) first.</summary>
    public static async Task<IReadOnlyList<AuditRecord>> QueryAsync(NpgsqlDataSource db, AuditQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, nameof(query) + "." + nameof(query.Limit));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Limit, AuditQuery.MaxLimit, nameof(query) + "." + nameof(query.Limit));

        await using var command = db.CreateCommand();
        var where = new List<string>();
        void Filter(object? value, string condition, NpgsqlDbType type)
        {
            if (value is null) return;
            where.Add(condition.Replace("@p", "$" + (command.Parameters.Count + 1), StringComparison.Ordinal));
            command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = type, Value = value });
        }
        Filter(query.From?.ToUniversalTime(), "at >= @p", NpgsqlDbType.TimestampTz);
        Filter(query.To?.ToUniversalTime(), "at < @p", NpgsqlDbType.TimestampTz);
        Filter(query.Agency, "agency = @p", NpgsqlDbType.Text);
        Filter(query.Resource, "resource = @p", NpgsqlDbType.Text);
        Filter(query.Action, "action = @p", NpgsqlDbType.Text);
        Filter(query.ClientId, "client_id = @p", NpgsqlDbType.Text);
        Filter(query.BeforeId, "id < @p", NpgsqlDbType.Bigint);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = query.Limit });
        command.CommandText = $"SELECT {Columns} FROM audit.entries"
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "")
            + $" ORDER BY id DESC LIMIT ${command.Parameters.Count}";

        var records = new List<AuditRecord>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var detail = reader.IsDBNull(9) ? (JsonElement?)null : JsonSerializer.Deserialize<JsonElement>(reader.GetString(9));
            records.Add(new AuditRecord(
                reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.GetString(5), reader.GetBoolean(6),
                reader.IsDBNull(7) ? null : reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8), detail,
                reader.IsDBNull(10) ? null : Convert.ToHexStringLower(reader.GetFieldValue<byte[]>(10)),
                Convert.ToHexStringLower(reader.GetFieldValue<byte[]>(11))));
        }
        return records;
    }

    /// <summary>
    /// Recomputes the whole chain in id order, streaming (one snapshot, one row in memory at a time). An entry is
    /// broken when its prev_hash is not its predecessor's hash (NULL for the first) or its hash does not match
    /// its content. Editing a row shows at that row; editing a row and its hash shows at the next row.
    /// Removing the newest entries cannot show in the chain itself: compare with a head hash kept elsewhere.
    /// </summary>
    public static async Task<AuditVerification> VerifyAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM audit.entries ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);

        long entries = 0;
        long? firstBroken = null;
        byte[]? previous = null;
        while (await reader.ReadAsync(ct))
        {
            entries++;
            var id = reader.GetInt64(0);
            var hash = reader.GetFieldValue<byte[]>(11);
            if (firstBroken is null && !Holds(reader, id, previous, hash)) firstBroken = id;
            previous = hash;
        }
        return new AuditVerification(firstBroken is null, entries, firstBroken);
    }

    private static bool Holds(NpgsqlDataReader row, long id, byte[]? expectedPrev, byte[] hash)
    {
        var prev = row.IsDBNull(10) ? null : row.GetFieldValue<byte[]>(10);
        if (!SameBytes(prev, expectedPrev)) return false;
        try
        {
            var body = AuditHash.Body(row.GetFieldValue<DateTimeOffset>(1), row.GetString(2), row.GetString(3), row.GetString(4),
                row.GetString(5), row.GetBoolean(6), row.IsDBNull(7) ? null : row.GetString(7), row.IsDBNull(8) ? null : row.GetString(8));
            var detail = row.IsDBNull(9) ? null : row.GetString(9);
            return AuditHash.Compute(prev, id, body, detail).AsSpan().SequenceEqual(hash);
        }
        catch (Exception ex) when (ex is InvalidCastException or OverflowException or ArgumentException)
        {
            // A value no appender could have written (e.g. a timestamp outside .NET's range) is tampering too.
            return false;
        }
    }

    private static bool SameBytes(byte[]? a, byte[]? b)
        => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);
}

/// <summary>The canonical encoding hashed into the chain: every field length-prefixed (big-endian int32, -1 for NULL).</summary>
internal static class AuditHash
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly byte[] Version = "procedures.audit.entries/v1"u8.ToArray();

    /// <summary>The version tag as encoded first in every hashed record (for the server-side hash of the appender).</summary>
    public static readonly byte[] VersionField = Encode(Version);

    private static byte[] Encode(byte[] value)
    {
        var buffer = new ArrayBufferWriter<byte>(value.Length + 4);
        Field(buffer, value);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>timestamptz keeps microseconds: hash exactly what is stored and read back.</summary>
    public static DateTimeOffset ToStoredPrecision(DateTimeOffset at)
    {
        var ticks = at.UtcTicks;
        return new DateTimeOffset(ticks - ticks % 10, TimeSpan.Zero);
    }

    /// <summary>The fields after id and before detail, encoded once (outside the chain lock when appending).</summary>
    public static byte[] Body(DateTimeOffset at, string clientId, string agency, string action, string resource, bool personalData,
        string? reason, string? traceId)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Int64(buffer, at.UtcTicks);
        Text(buffer, clientId);
        Text(buffer, agency);
        Text(buffer, action);
        Text(buffer, resource);
        Field(buffer, [personalData ? (byte)1 : (byte)0]);
        Text(buffer, reason);
        Text(buffer, traceId);
        return buffer.WrittenSpan.ToArray();
    }

    public static byte[] Compute(byte[]? prevHash, long id, byte[] body, string? detail)
    {
        var buffer = new ArrayBufferWriter<byte>(body.Length + 128);
        Field(buffer, Version);
        if (prevHash is null) Null(buffer); else Field(buffer, prevHash);
        Int64(buffer, id);
        buffer.Write(body);
        Text(buffer, detail);
        return SHA256.HashData(buffer.WrittenSpan);
    }

    private static void Int64(ArrayBufferWriter<byte> buffer, long value)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(bytes, value);
        Field(buffer, bytes);
    }

    private static void Text(ArrayBufferWriter<byte> buffer, string? value)
    {
        if (value is null) Null(buffer); else Field(buffer, Utf8.GetBytes(value));
    }

    private static void Field(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> value)
    {
        BinaryPrimitives.WriteInt32BigEndian(buffer.GetSpan(4), value.Length);
        buffer.Advance(4);
        buffer.Write(value);
    }

    private static void Null(ArrayBufferWriter<byte> buffer)
    {
        BinaryPrimitives.WriteInt32BigEndian(buffer.GetSpan(4), -1);
        buffer.Advance(4);
    }
}

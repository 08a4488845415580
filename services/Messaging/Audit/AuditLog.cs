using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Procedures.Messaging.Audit;

/// <summary>Who acts: the authenticated client, its agency, the reason it gave (X-Audit-Reason) and the request's trace.</summary>
public sealed record AuditActor(string ClientId, string Agency, string? Reason, string? TraceId)
{
    /// <summary>The request this actor acts in, told by <see cref="AuditLog.AppendAsync"/> that its handler wrote an entry.</summary>
    internal RequestAuditMark? Request { get; init; }

    /// <summary>Request header in which a caller states why it reads or writes personal data.</summary>
    public const string ReasonHeader = "X-Audit-Reason";

    /// <summary>The actor of an HTTP request: the token's client and agency, the stated reason (bounded), the trace.</summary>
    public static AuditActor FromRequest(Microsoft.AspNetCore.Http.HttpContext http, string clientId, string agency)
    {
        // Header values are ASCII: a Vietnamese reason arrives percent-encoded UTF-8 (RFC 3986), as browsers send it.
        var reason = Uri.UnescapeDataString(http.Request.Headers[ReasonHeader].ToString());
        // Bounded by whole code points (never half a surrogate pair), without control or invisible format characters (Cf:
        // a right-to-left override would make the stored reason display other than it reads).
        reason = string.Concat(reason.EnumerateRunes()
            .Where(r => !System.Text.Rune.IsControl(r) && System.Text.Rune.GetUnicodeCategory(r) != System.Globalization.UnicodeCategory.Format)
            .Take(500).Select(r => r.ToString()));
        return new AuditActor(clientId, agency, reason.Length == 0 ? null : reason,
            System.Diagnostics.Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier) { Request = RequestAuditMark.Of(http) };
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
    string? Action = null, string? ClientId = null, int Limit = AuditQuery.DefaultLimit, long? BeforeId = null, string? TraceId = null)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;
}

/// <summary>
/// One stored entry, Detail as the stored JSON. Seq is its position in the chain and PrevHash/Hash its seal (lowercase
/// hex); all three are null while the entry waits for the chainer (normally under a second).
/// </summary>
public sealed record AuditRecord(
    long Id, DateTimeOffset At, string ClientId, string Agency, string Action, string Resource, bool PersonalData,
    string? Reason, string? TraceId, JsonElement? Detail, long? Seq, string? PrevHash, string? Hash);

/// <summary>
/// Outcome of recomputing the chain. Entries: chain positions checked. FirstBrokenId: the entry at the first position whose
/// link, place or hash does not hold, else the first entry that is neither chained nor waiting to be. Pending: committed
/// entries waiting for the chainer (not an error; a growing number is, and shows in the log and metrics).
/// </summary>
public sealed record AuditVerification(bool Intact, long Entries, long? FirstBrokenId, long Pending = 0);

/// <summary>
/// The append-only, tamper-evident audit log every service keeps in its own database (audit.entries), written inside
/// the business transaction it accounts for. Entries are chained after commit by <see cref="AuditChain"/> (see there for
/// the hash and what the chain proves).
/// </summary>
public static class AuditLog
{
    private const string Columns =
        "e.id, e.at, e.client_id, e.agency, e.action, e.resource, e.personal_data, e.reason, e.trace_id, e.detail::text, s.seq, s.prev_hash, s.hash";

    /// <summary>The entry and its place in the chainer's queue, in one statement.</summary>
    private const string Insert = """
        WITH entry AS (
            INSERT INTO audit.entries (at, client_id, agency, action, resource, personal_data, reason, trace_id, detail)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)
            RETURNING id)
        INSERT INTO audit.pending (entry_id) SELECT id FROM entry
        """;

    /// <summary>
    /// Appends an entry inside the caller's business transaction, so the entry exists exactly when the change (or read) it
    /// accounts for commits. It takes no lock: concurrent transactions append side by side, and the chainer gives each
    /// committed entry its place in the chain afterwards.
    /// </summary>
    public static Task AppendAsync(NpgsqlTransaction tx, AuditActor actor, AuditEntry entry, DateTimeOffset at, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        return WriteBatch.ExecuteAsync(tx, batch => Append(batch, actor, entry, at), ct);
    }

    /// <summary>
    /// <see cref="AppendAsync"/> as one statement of a <see cref="WriteBatch"/>, sent with the transaction's other
    /// independent writes (a request's last ones).
    /// </summary>
    public static void Append(WriteBatch batch, AuditActor actor, AuditEntry entry, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrWhiteSpace(actor.ClientId, nameof(actor) + "." + nameof(actor.ClientId));
        ArgumentException.ThrowIfNullOrWhiteSpace(actor.Agency, nameof(actor) + "." + nameof(actor.Agency));
        ArgumentException.ThrowIfNullOrWhiteSpace(entry.Action, nameof(entry) + "." + nameof(entry.Action));
        ArgumentException.ThrowIfNullOrWhiteSpace(entry.Resource, nameof(entry) + "." + nameof(entry.Resource));

        var detailJson = entry.Detail is null ? null : JsonSerializer.Serialize(entry.Detail, entry.Detail.GetType(), MessageJson.Options);
        batch.Add(Insert,
            new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = AuditHash.ToStoredPrecision(at) },
            new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = actor.ClientId },
            new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = actor.Agency },
            new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = entry.Action },
            new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = entry.Resource },
            new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Boolean, Value = entry.PersonalData },
            new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)actor.Reason ?? DBNull.Value },
            new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)actor.TraceId ?? DBNull.Value },
            new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)detailJson ?? DBNull.Value });
        // The entry commits with the handler's transaction; the request's safety net then adds none of its own.
        if (actor.Request is { } mark) mark.Appended = true;
    }

    /// <summary>Entries matching every given filter, newest (highest id) first, each with its seal once it has one.</summary>
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
        Filter(query.From?.ToUniversalTime(), "e.at >= @p", NpgsqlDbType.TimestampTz);
        Filter(query.To?.ToUniversalTime(), "e.at < @p", NpgsqlDbType.TimestampTz);
        Filter(query.Agency, "e.agency = @p", NpgsqlDbType.Text);
        Filter(query.Resource, "e.resource = @p", NpgsqlDbType.Text);
        Filter(query.Action, "e.action = @p", NpgsqlDbType.Text);
        Filter(query.ClientId, "e.client_id = @p", NpgsqlDbType.Text);
        Filter(query.TraceId, "e.trace_id = @p", NpgsqlDbType.Text);
        Filter(query.BeforeId, "e.id < @p", NpgsqlDbType.Bigint);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = query.Limit });
        command.CommandText = $"SELECT {Columns} FROM audit.entries e LEFT JOIN audit.seals s ON s.entry_id = e.id"
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "")
            + $" ORDER BY e.id DESC LIMIT ${command.Parameters.Count}";

        var records = new List<AuditRecord>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var detail = reader.IsDBNull(9) ? (JsonElement?)null : JsonSerializer.Deserialize<JsonElement>(reader.GetString(9));
            records.Add(new AuditRecord(
                reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3),
                reader.GetString(4), reader.GetString(5), reader.GetBoolean(6),
                reader.IsDBNull(7) ? null : reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8), detail,
                reader.IsDBNull(10) ? null : reader.GetInt64(10),
                reader.IsDBNull(11) ? null : Convert.ToHexStringLower(reader.GetFieldValue<byte[]>(11)),
                reader.IsDBNull(12) ? null : Convert.ToHexStringLower(reader.GetFieldValue<byte[]>(12))));
        }
        return records;
    }
}

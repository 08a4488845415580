using Npgsql;
using NpgsqlTypes;
using Procedures.Intake.Catalogue;
using Procedures.Messaging.Audit;

namespace Procedures.Intake.Agencies;

/// <summary>What a write of the register did, and the version now current (null when the agency does not exist).</summary>
public sealed record AgencyWrite(WriteOutcome Outcome, AgencyVersion? Current);

/// <summary>
/// The register's tables (0007_agencies.sql), kept like the catalogue: a change is a new immutable version, the agency row
/// names the current one, and every write is audited in the caller's transaction.
/// </summary>
public static class AgencyStore
{
    private const string Columns = "v.id, v.version, v.name, v.kind, v.decides, v.effective_from, v.effective_to, v.local_scheme, v.source, v.created_at";
    public const int DefaultLimit = 50, MaxLimit = 200, MaxOffset = 100_000, MaxQ = 200;

    public static async Task<AgencyVersion?> GetCurrentAsync(NpgsqlDataSource db, string id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await GetCurrentAsync(connection, null, id, lockRow: false, ct);
    }

    public static Task<AgencyVersion?> GetCurrentAsync(NpgsqlTransaction tx, string id, CancellationToken ct)
        => GetCurrentAsync(tx.Connection!, tx, id, lockRow: false, ct);

    /// <summary>Every version of <paramref name="id"/>, oldest first.</summary>
    public static async Task<IReadOnlyList<AgencyVersion>> ListVersionsAsync(NpgsqlDataSource db, string id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM agency_versions v WHERE v.id = $1 ORDER BY v.version", connection);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = id });
        return await ReadAllAsync(command, ct);
    }

    /// <summary>Current versions whose identifier or name contains every word of <paramref name="q"/> (diacritics ignored), of one kind if given; by identifier.</summary>
    public static async Task<Catalogue.SearchPage<AgencyView>> SearchAsync(NpgsqlDataSource db, string? q, string? kind, int limit, int offset, CancellationToken ct)
    {
        var words = (q ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Take(ProcedureQuery.MaxWords).ToList();
        var conditions = words.Select((_, i) => $"v.search_text LIKE '%' || {CatalogueSearch.Like("$" + (i + 1))} || '%'").ToList();
        if (kind is not null) conditions.Add($"v.kind = ${words.Count + 1}");
        var where = conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions);
        NpgsqlParameter[] Parameters() => words.Append(kind).OfType<string>()
            .Select(w => new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = w }).ToArray();
        const string from = "FROM agencies a JOIN agency_versions v ON v.id = a.id AND v.version = a.current_version";

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        long total;
        await using (var count = new NpgsqlCommand($"SELECT count(*) {from}{where}", connection, tx))
        {
            count.Parameters.AddRange(Parameters());
            total = (long)(await count.ExecuteScalarAsync(ct))!;
        }
        IReadOnlyList<AgencyVersion> items;
        await using (var page = new NpgsqlCommand($"SELECT {Columns} {from}{where} ORDER BY v.id LIMIT {limit} OFFSET {offset}", connection, tx))
        {
            page.Parameters.AddRange(Parameters());
            items = await ReadAllAsync(page, ct);
        }
        await tx.CommitAsync(ct);
        return new Catalogue.SearchPage<AgencyView>(items.Select(AgencyView.From).ToList(), total, limit, offset);
    }

    /// <summary>Version 1 of a new agency; AlreadyExists when the identifier is taken.</summary>
    public static async Task<AgencyWrite> CreateAsync(NpgsqlTransaction tx, string id, AgencyContent content, AuditActor actor, DateTimeOffset now, CancellationToken ct)
    {
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO agencies (id, current_version, created_at, updated_at) VALUES ($1, 1, $2, $2) ON CONFLICT (id) DO NOTHING", tx.Connection, tx))
        {
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = id });
            insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = now });
            if (await insert.ExecuteNonQueryAsync(ct) == 0) return new AgencyWrite(WriteOutcome.AlreadyExists, await GetCurrentAsync(tx, id, ct));
        }
        var created = new AgencyVersion(id, 1, content, now);
        await InsertVersionAsync(tx, created, ct);
        await PublishAsync(tx, [created], now, ct);
        await AuditLog.AppendAsync(tx, actor, new AuditEntry("agency.create", id, PersonalData: false, Detail: new { version = 1 }), now, ct);
        return new AgencyWrite(WriteOutcome.Created, created);
    }

    /// <summary>
    /// Makes <paramref name="content"/> the next version of <paramref name="id"/> (Unchanged when nothing differs);
    /// StaleBaseVersion when <paramref name="baseVersion"/> is given and is not the current version.
    /// </summary>
    public static async Task<AgencyWrite> ChangeAsync(NpgsqlTransaction tx, string id, AgencyContent content, int? baseVersion, AuditActor actor,
        DateTimeOffset now, CancellationToken ct)
    {
        var current = await GetCurrentAsync(tx.Connection!, tx, id, lockRow: true, ct);
        if (current is null) return new AgencyWrite(WriteOutcome.NotFound, null);
        if (baseVersion is { } b && b != current.Version) return new AgencyWrite(WriteOutcome.StaleBaseVersion, current);
        if (current.Content == content) return new AgencyWrite(WriteOutcome.Unchanged, current);
        var next = new AgencyVersion(id, current.Version + 1, content, now);
        await InsertVersionAsync(tx, next, ct);
        await using (var update = new NpgsqlCommand("UPDATE agencies SET current_version = $2, updated_at = $3 WHERE id = $1", tx.Connection, tx))
        {
            update.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = id });
            update.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = next.Version });
            update.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = now });
            await update.ExecuteNonQueryAsync(ct);
        }
        await PublishAsync(tx, [next], now, ct);
        await AuditLog.AppendAsync(tx, actor, new AuditEntry("agency.change", id, PersonalData: false,
            Detail: new { version = next.Version, previous = current.Version }), now, ct);
        return new AgencyWrite(WriteOutcome.Changed, next);
    }

    /// <summary>Inserts version 1 of every seed agency not stored yet (a stored one is left as it is); returns how many were new.</summary>
    internal static async Task<int> InsertMissingAsync(NpgsqlTransaction tx, IReadOnlyList<(string Id, AgencyContent Content)> seed, DateTimeOffset now,
        CancellationToken ct)
    {
        await using var insert = new NpgsqlCommand("""
            WITH new AS (
                INSERT INTO agencies (id, current_version, created_at, updated_at)
                SELECT id, 1, $8, $8 FROM unnest($1::text[]) AS s(id)
                ON CONFLICT (id) DO NOTHING
                RETURNING id)
            INSERT INTO agency_versions (id, version, name, kind, decides, effective_from, local_scheme, source, created_at)
            SELECT s.id, 1, s.name, s.kind, s.decides, s.effective_from, s.local_scheme, s.source, $8
            FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[], $5::date[], $6::boolean[], $7::text[])
                 AS s(id, name, kind, decides, effective_from, local_scheme, source)
            JOIN new ON new.id = s.id
            """, tx.Connection, tx);
        insert.Parameters.Add(new NpgsqlParameter { Value = seed.Select(a => a.Id).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = seed.Select(a => a.Content.Name).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = seed.Select(a => a.Content.Kind).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = seed.Select(a => a.Content.Decides).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date,
            Value = seed.Select(a => a.Content.EffectiveFrom).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = seed.Select(a => a.Content.LocalScheme).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = seed.Select(a => a.Content.Source).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = now });
        return await insert.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// Publishes the whole register as it now stands (at start, after the seed): a consumer with its own projection
    /// (Reporting) catches up with agencies it never heard of, whatever it missed.
    /// </summary>
    internal static async Task PublishRegisterAsync(NpgsqlTransaction tx, DateTimeOffset now, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT {Columns} FROM agencies a JOIN agency_versions v ON v.id = a.id AND v.version = a.current_version ORDER BY v.id", tx.Connection, tx);
        await PublishAsync(tx, await ReadAllAsync(command, ct), now, ct);
    }

    /// <summary>Agencies as they now stand, to the register's consumers, in the transaction that wrote them (outbox).</summary>
    private static Task PublishAsync(NpgsqlTransaction tx, IReadOnlyList<AgencyVersion> agencies, DateTimeOffset now, CancellationToken ct)
        => Messaging.Outbox.Outbox.PublishAsync(tx, new Contracts.AgencyRegisterPublished(
            agencies.Select(a => new Contracts.RegisteredAgency(a.Id, a.Version, a.Content.Name, a.Content.Kind, a.Content.EffectiveFrom, a.Content.EffectiveTo))
                .ToList(), now), ct);

    private static async Task<AgencyVersion?> GetCurrentAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string id, bool lockRow, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT {Columns} FROM agencies a JOIN agency_versions v ON v.id = a.id AND v.version = a.current_version
            WHERE a.id = $1 {(lockRow ? "FOR UPDATE OF a" : "")}
            """, connection, tx);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = id });
        return (await ReadAllAsync(command, ct)).FirstOrDefault();
    }

    private static async Task InsertVersionAsync(NpgsqlTransaction tx, AgencyVersion v, CancellationToken ct)
    {
        await using var insert = new NpgsqlCommand("""
            INSERT INTO agency_versions (id, version, name, kind, decides, effective_from, effective_to, local_scheme, source, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """, tx.Connection, tx);
        var c = v.Content;
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = v.Id });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = v.Version });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = c.Name });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = c.Kind });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Boolean, Value = c.Decides });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Date, Value = (object?)c.EffectiveFrom ?? DBNull.Value });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Date, Value = (object?)c.EffectiveTo ?? DBNull.Value });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Boolean, Value = c.LocalScheme });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)c.Source ?? DBNull.Value });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = v.CreatedAt });
        await insert.ExecuteNonQueryAsync(ct);
    }

    private static async Task<IReadOnlyList<AgencyVersion>> ReadAllAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var list = new List<AgencyVersion>();
        await using var r = await command.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            DateOnly? Date(int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateOnly>(i);
            list.Add(new AgencyVersion(r.GetString(0), r.GetInt32(1),
                new AgencyContent(r.GetString(2), r.GetString(3), r.GetBoolean(4), Date(5), Date(6), r.GetBoolean(7), r.IsDBNull(8) ? null : r.GetString(8)),
                r.GetFieldValue<DateTimeOffset>(9)));
        }
        return list;
    }
}

/// <summary>The register's check of a procedure's deciding agency, for catalogue writes.</summary>
public static class CatalogueAgencyCheck
{
    /// <summary>
    /// Null when <paramref name="decidingAgency"/> is absent (a draft), a rule marker (the receiving commune's committee
    /// or police: both in the register for every commune), or an agency of the register deciding on <paramref name="day"/>.
    /// </summary>
    public static async Task<Procedures.ServiceDefaults.FieldError?> CheckAsync(NpgsqlTransaction tx, string? decidingAgency, DateOnly day, CancellationToken ct)
        => decidingAgency is null || DecidingAgencies.IsMarker(decidingAgency)
            ? null
            : Agency.CheckDeciding("decidingAgency", decidingAgency, await AgencyStore.GetCurrentAsync(tx, decidingAgency, ct), day);
}

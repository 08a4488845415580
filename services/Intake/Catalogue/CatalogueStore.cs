using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Procedures.Contracts;
using Procedures.Messaging.Audit;
using Procedures.Messaging.Outbox;

namespace Procedures.Intake.Catalogue;

/// <summary>What a write did: the version now current (null when the procedure does not exist).</summary>
public enum WriteOutcome { Created, Changed, Unchanged, AlreadyExists, NotFound, StaleBaseVersion }

public sealed record WriteResult(WriteOutcome Outcome, ProcedureVersion? Current);

/// <summary>One line of a version history.</summary>
public sealed record VersionInfo(int Version, DateTimeOffset CreatedAt, ProcedureStatus Status);

/// <summary>The outcome of an import: the codes created, changed and left as they were (each list in code order).</summary>
public sealed record ImportReport(IReadOnlyList<string> Created, IReadOnlyList<string> Changed, IReadOnlyList<string> Unchanged);

/// <summary>
/// The catalogue's tables. Reads take a data source or the caller's transaction (the submission reads the version it
/// records inside its own transaction). Every write runs in the caller's transaction and, with the version, writes the
/// catalogue event to the outbox and an audit entry: all three commit or roll back together.
/// </summary>
public static class CatalogueStore
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    internal const string VersionColumns = """
        v.code, v.version, v.name, v.field, v.level, v.deciding_agency, v.documents::text, v.fees::text,
        v.processing_amount, v.processing_unit, v.online_processing_amount, v.online_processing_unit, v.online_level,
        v.result_text, v.result_form, v.boundary_free, v.effective_from, v.published_on, v.source, v.notes, v.created_at,
        v.paper_result, v.online_level_since, v.field_code
        """;

    /// <summary>SQL condition true for drafts (no published processing time or no deciding agency); see <see cref="ProcedureVersion.IsDraft"/>.</summary>
    internal const string DraftCondition = "(v.processing_amount IS NULL OR v.deciding_agency IS NULL)";

    // ---- reads ----

    /// <summary>The current version of <paramref name="code"/>, or null for an unknown code.</summary>
    public static async Task<ProcedureVersion?> GetCurrentAsync(NpgsqlDataSource db, string code, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await GetCurrentAsync(connection, null, code, lockRow: false, ct);
    }

    /// <inheritdoc cref="GetCurrentAsync(NpgsqlDataSource, string, CancellationToken)"/>
    public static Task<ProcedureVersion?> GetCurrentAsync(NpgsqlTransaction tx, string code, CancellationToken ct)
        => GetCurrentAsync(Connection(tx), tx, code, lockRow: false, ct);

    /// <summary>Version <paramref name="version"/> of <paramref name="code"/> exactly as it was published, or null.</summary>
    public static async Task<ProcedureVersion?> GetVersionAsync(NpgsqlDataSource db, string code, int version, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await GetVersionAsync(connection, null, code, version, ct);
    }

    /// <inheritdoc cref="GetVersionAsync(NpgsqlDataSource, string, int, CancellationToken)"/>
    public static Task<ProcedureVersion?> GetVersionAsync(NpgsqlTransaction tx, string code, int version, CancellationToken ct)
        => GetVersionAsync(Connection(tx), tx, code, version, ct);

    /// <summary>Every version of <paramref name="code"/>, oldest first (empty for an unknown code).</summary>
    public static async Task<IReadOnlyList<VersionInfo>> ListVersionsAsync(NpgsqlDataSource db, string code, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand($"""
            SELECT v.version, v.created_at, {DraftCondition} FROM procedure_versions v WHERE v.code = $1 ORDER BY v.version
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = code });
        var list = new List<VersionInfo>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
            list.Add(new VersionInfo(reader.GetInt32(0), reader.GetFieldValue<DateTimeOffset>(1),
                reader.GetBoolean(2) ? ProcedureStatus.Draft : ProcedureStatus.Published));
        return list;
    }

    private static async Task<ProcedureVersion?> GetCurrentAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string code, bool lockRow, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT {VersionColumns}
            FROM procedures p JOIN procedure_versions v ON v.code = p.code AND v.version = p.current_version
            WHERE p.code = $1 {(lockRow ? "FOR UPDATE OF p" : "")}
            """, connection, tx);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = code });
        return await ReadOneAsync(command, ct);
    }

    private static async Task<ProcedureVersion?> GetVersionAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string code, int version, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"SELECT {VersionColumns} FROM procedure_versions v WHERE v.code = $1 AND v.version = $2",
            connection, tx);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = code });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = version });
        return await ReadOneAsync(command, ct);
    }

    private static async Task<ProcedureVersion?> ReadOneAsync(NpgsqlCommand command, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    /// <summary>Maps a row selected with <see cref="VersionColumns"/>.</summary>
    internal static ProcedureVersion Read(NpgsqlDataReader r)
    {
        string? Text(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        ProcessingTime? Time(int amount, int unit)
            => r.IsDBNull(amount) ? null : new ProcessingTime(r.GetInt32(amount), ProcedureInputRules.Units[r.GetString(unit)]);
        DateOnly? Date(int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateOnly>(i);

        var content = new ProcedureContent(
            Name: r.GetString(2),
            Field: r.GetString(3),
            Level: Text(4) is { } level ? ProcedureInputRules.Levels[level] : null,
            DecidingAgency: Text(5),
            Documents: JsonSerializer.Deserialize<List<RequiredDocument>>(r.GetString(6), Json)!,
            Fees: Text(7) is { } fees ? JsonSerializer.Deserialize<List<Fee>>(fees, Json) : null,
            ProcessingTime: Time(8, 9),
            OnlineProcessingTime: Time(10, 11),
            OnlineLevel: ProcedureInputRules.OnlineLevels[r.GetString(12)],
            ResultText: Text(13),
            ResultForm: ProcedureInputRules.ResultForms[r.GetString(14)],
            BoundaryFree: r.IsDBNull(15) ? null : r.GetBoolean(15),
            EffectiveFrom: Date(16),
            PublishedOn: Date(17),
            Source: Text(18),
            Notes: Text(19),
            PaperResult: r.IsDBNull(21) ? null : r.GetBoolean(21),
            OnlineLevelSince: Date(22),
            FieldCode: Text(23));
        return new ProcedureVersion(r.GetString(0), r.GetInt32(1), content, r.GetFieldValue<DateTimeOffset>(20));
    }

    // ---- writes ----

    /// <summary>Creates version 1 of a new procedure and publishes <see cref="ProcedurePublished"/>; AlreadyExists if the code is taken.</summary>
    public static async Task<WriteResult> CreateAsync(
        NpgsqlTransaction tx, ProcedureCode code, ProcedureContent content, AuditActor actor, string via, DateTimeOffset now, CancellationToken ct)
    {
        if (!await TryInsertProcedureAsync(tx, code.Value, now, ct))
            return new WriteResult(WriteOutcome.AlreadyExists, await GetCurrentAsync(tx, code.Value, ct));
        var created = new ProcedureVersion(code.Value, 1, content, now);
        await InsertVersionAsync(tx, created, ct);
        await Outbox.PublishAsync(tx, created.ToPublished(), ct);
        await AuditLog.AppendAsync(tx, actor, new AuditEntry("procedure.publish", code.Value, PersonalData: false,
            Detail: new { version = 1, via }), now, ct);
        return new WriteResult(WriteOutcome.Created, created);
    }

    /// <summary>
    /// Makes <paramref name="content"/> the next version of <paramref name="code"/> and publishes <see cref="ProcedureChanged"/>.
    /// Unchanged when the content equals the current version's (no version, no event, no audit entry); StaleBaseVersion
    /// when <paramref name="baseVersion"/> is given and is no longer current.
    /// </summary>
    public static async Task<WriteResult> ChangeAsync(
        NpgsqlTransaction tx, string code, ProcedureContent content, int? baseVersion, AuditActor actor, string via, DateTimeOffset now,
        CancellationToken ct)
    {
        var current = await GetCurrentAsync(Connection(tx), tx, code, lockRow: true, ct);
        if (current is null) return new WriteResult(WriteOutcome.NotFound, null);
        if (baseVersion is { } b && b != current.Version) return new WriteResult(WriteOutcome.StaleBaseVersion, current);
        return await NextVersionAsync(tx, current, content, actor, via, now, ct);
    }

    /// <summary>
    /// Upserts the rows of an import in one transaction: a new code becomes version 1 (<see cref="SourceRules.ToContent"/>),
    /// an existing one gets a version only when <see cref="SourceRules.Merge"/> changes something.
    /// </summary>
    public static async Task<ImportReport> ImportAsync(
        NpgsqlTransaction tx, IReadOnlyList<ProcedureCsvRow> rows, AuditActor actor, string via, DateTimeOffset now, CancellationToken ct)
    {
        List<string> created = [], changed = [], unchanged = [];
        // Rows are taken in code order, so two concurrent imports lock their procedures in the same order (no deadlock).
        foreach (var row in rows.OrderBy(r => r.Code.Value, StringComparer.Ordinal))
        {
            var code = row.Code.Value;
            var current = await GetCurrentAsync(Connection(tx), tx, code, lockRow: true, ct);
            if (current is null)
            {
                var result = await CreateAsync(tx, row.Code, SourceRules.ToContent(row), actor, via, now, ct);
                if (result.Outcome == WriteOutcome.Created) { created.Add(code); continue; }
                // Created meanwhile by a concurrent transaction (its insert made ours wait, then conflict): merge into it.
                current = await GetCurrentAsync(Connection(tx), tx, code, lockRow: true, ct)
                          ?? throw new InvalidOperationException($"Procedure {code} exists but has no current version.");
            }
            var next = await NextVersionAsync(tx, current, SourceRules.Merge(current.Content, row), actor, via, now, ct);
            (next.Outcome == WriteOutcome.Changed ? changed : unchanged).Add(code);
        }
        return new ImportReport(created, changed, unchanged);
    }

    private static async Task<WriteResult> NextVersionAsync(
        NpgsqlTransaction tx, ProcedureVersion current, ProcedureContent content, AuditActor actor, string via, DateTimeOffset now,
        CancellationToken ct)
    {
        if (SameContent(current.Content, content)) return new WriteResult(WriteOutcome.Unchanged, current);
        var next = new ProcedureVersion(current.Code, current.Version + 1, content, now);
        await InsertVersionAsync(tx, next, ct);
        await using (var update = new NpgsqlCommand("UPDATE procedures SET current_version = $2, updated_at = $3 WHERE code = $1", Connection(tx), tx))
        {
            update.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = next.Code });
            update.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = next.Version });
            update.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = now.ToUniversalTime() });
            await update.ExecuteNonQueryAsync(ct);
        }
        await Outbox.PublishAsync(tx, next.ToChanged(), ct);
        await AuditLog.AppendAsync(tx, actor, new AuditEntry("procedure.change", next.Code, PersonalData: false,
            Detail: new { version = next.Version, previous = current.Version, via }), now, ct);
        return new WriteResult(WriteOutcome.Changed, next);
    }

    /// <summary>Equal when every stated value is equal (lists compared item by item), i.e. nothing to publish.</summary>
    public static bool SameContent(ProcedureContent a, ProcedureContent b)
        => JsonSerializer.Serialize(a, Json) == JsonSerializer.Serialize(b, Json);

    private static async Task<bool> TryInsertProcedureAsync(NpgsqlTransaction tx, string code, DateTimeOffset now, CancellationToken ct)
    {
        await using var insert = new NpgsqlCommand("""
            INSERT INTO procedures (code, current_version, created_at, updated_at) VALUES ($1, 1, $2, $2) ON CONFLICT (code) DO NOTHING
            """, Connection(tx), tx);
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = code });
        insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = now.ToUniversalTime() });
        return await insert.ExecuteNonQueryAsync(ct) == 1;
    }

    private static async Task InsertVersionAsync(NpgsqlTransaction tx, ProcedureVersion v, CancellationToken ct)
    {
        var c = v.Content;
        await using var insert = new NpgsqlCommand("""
            INSERT INTO procedure_versions (code, version, name, field, level, deciding_agency, documents, fees, processing_amount,
                processing_unit, online_processing_amount, online_processing_unit, online_level, result_text, result_form, boundary_free,
                effective_from, published_on, source, notes, created_at, paper_result, online_level_since, field_code)
            VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)
            """, Connection(tx), tx);
        void Add(NpgsqlDbType type, object? value) => insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = type, Value = value ?? DBNull.Value });
        Add(NpgsqlDbType.Text, v.Code);
        Add(NpgsqlDbType.Integer, v.Version);
        Add(NpgsqlDbType.Text, c.Name);
        Add(NpgsqlDbType.Text, c.Field);
        Add(NpgsqlDbType.Text, c.Level is { } level ? Name(level) : null);
        Add(NpgsqlDbType.Text, c.DecidingAgency);
        Add(NpgsqlDbType.Text, JsonSerializer.Serialize(c.Documents, Json));
        Add(NpgsqlDbType.Text, c.Fees is null ? null : JsonSerializer.Serialize(c.Fees, Json));
        Add(NpgsqlDbType.Integer, c.ProcessingTime?.Amount);
        Add(NpgsqlDbType.Text, c.ProcessingTime is { } t ? Name(t.Unit) : null);
        Add(NpgsqlDbType.Integer, c.OnlineProcessingTime?.Amount);
        Add(NpgsqlDbType.Text, c.OnlineProcessingTime is { } o ? Name(o.Unit) : null);
        Add(NpgsqlDbType.Text, Name(c.OnlineLevel));
        Add(NpgsqlDbType.Text, c.ResultText);
        Add(NpgsqlDbType.Text, Name(c.ResultForm));
        Add(NpgsqlDbType.Boolean, c.BoundaryFree);
        Add(NpgsqlDbType.Date, c.EffectiveFrom);
        Add(NpgsqlDbType.Date, c.PublishedOn);
        Add(NpgsqlDbType.Text, c.Source);
        Add(NpgsqlDbType.Text, c.Notes);
        Add(NpgsqlDbType.TimestampTz, v.CreatedAt.ToUniversalTime());
        Add(NpgsqlDbType.Boolean, c.PaperResult);
        Add(NpgsqlDbType.Date, c.OnlineLevelSince);
        Add(NpgsqlDbType.Text, c.FieldCode);
        await insert.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The stored (and JSON) name of an enum value: its [JsonStringEnumMemberName].</summary>
    internal static string Name<T>(T value) where T : struct, Enum => JsonSerializer.Serialize(value, Json).Trim('"');

    private static NpgsqlConnection Connection(NpgsqlTransaction tx)
        => tx.Connection ?? throw new InvalidOperationException("The transaction has already completed.");
}

using Npgsql;
using NpgsqlTypes;
using Procedures.Contracts;
using Procedures.ServiceDefaults;

namespace Procedures.Intake.Catalogue;

/// <summary>A search of the current versions. Text is matched without diacritics; the other filters are exact.</summary>
public sealed record ProcedureQuery(
    string? Q = null, string? Field = null, ProcedureLevel? Level = null, OnlineServiceLevel? OnlineLevel = null,
    ProcedureStatus? Status = null, int Limit = ProcedureQuery.DefaultLimit, int Offset = 0)
{
    public const int DefaultLimit = 50, MaxLimit = 200, MaxOffset = 100_000, MaxQ = 200, MaxWords = 8;

    /// <summary>Validates the query-string form of a search (all text; NFC) or lists the rules it breaks.</summary>
    public static (ProcedureQuery? Query, IReadOnlyList<FieldError> Errors) From(
        string? q, string? field, string? level, string? onlineLevel, string? status, int? limit, int? offset)
    {
        var errors = new List<FieldError>();
        var cleanQ = Rules.Text(q, "q", errors);
        if (cleanQ is { Length: > MaxQ }) errors.Add(Rules.MaxLength("q", "Từ khóa tìm kiếm", "The search text", MaxQ));
        var cleanField = Rules.Text(field, "field", errors);
        if (cleanField is { Length: > ProcedureInputRules.MaxField }) errors.Add(Rules.MaxLength("field", "Lĩnh vực", "The field", ProcedureInputRules.MaxField));
        var lv = Pick(level, "level", "Cấp thực hiện", "The level", ProcedureInputRules.Levels, errors);
        var ol = Pick(onlineLevel, "onlineLevel", "Mức độ dịch vụ công trực tuyến", "The online service level", ProcedureInputRules.OnlineLevels, errors);
        var st = Pick(status, "status", "Trạng thái", "The status",
            new Dictionary<string, ProcedureStatus> { ["draft"] = ProcedureStatus.Draft, ["published"] = ProcedureStatus.Published }, errors);
        if (limit is < 1 or > MaxLimit) errors.Add(Rules.Range("limit", "Số kết quả mỗi trang", "The page size", 1, MaxLimit));
        if (offset is < 0 or > MaxOffset) errors.Add(Rules.Range("offset", "Vị trí bắt đầu", "The offset", 0, MaxOffset));
        return errors.Count > 0
            ? (null, errors)
            : (new ProcedureQuery(cleanQ, cleanField, lv, ol, st, limit ?? DefaultLimit, offset ?? 0), errors);
    }

    private static T? Pick<T>(string? text, string field, string vi, string en, IReadOnlyDictionary<string, T> allowed, List<FieldError> errors)
        where T : struct
    {
        var clean = Rules.Text(text, field, errors);
        if (clean is null) return null;
        if (allowed.TryGetValue(clean, out var value)) return value;
        errors.Add(Rules.OneOf(field, vi, en, allowed.Keys));
        return null;
    }

    /// <summary>The words of <see cref="Q"/> (each must occur, in any order, as part of the code, name or field).</summary>
    public IReadOnlyList<string> Words
        => (Q ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Take(MaxWords).ToList();
}

/// <summary>One page of a search: <see cref="Total"/> counts every match, not only this page.</summary>
public sealed record SearchPage<T>(IReadOnlyList<T> Items, long Total, int Limit, int Offset);

public static class CatalogueSearch
{
    /// <summary>
    /// Current versions matching <paramref name="query"/>, ordered by code. Each word is folded like the stored
    /// search text (catalogue_fold: no diacritics, đ → d, lower case, i/y as one letter) and must occur in it; the trigram index serves
    /// these substring tests. LIKE wildcards in the words are escaped, so "%" and "_" match themselves.
    /// </summary>
    public static async Task<SearchPage<ProcedureVersion>> SearchAsync(NpgsqlDataSource db, ProcedureQuery query, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        // One snapshot for the page and its total.
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var where = new List<string>();
        var parameters = new List<NpgsqlParameter>();
        string Param(NpgsqlDbType type, object value)
        {
            parameters.Add(new NpgsqlParameter { NpgsqlDbType = type, Value = value });
            return "$" + parameters.Count;
        }
        foreach (var word in query.Words)
            where.Add($"v.search_text LIKE '%' || {Like(Param(NpgsqlDbType.Text, word))} || '%'");
        if (query.Field is { } field) where.Add($"catalogue_fold(v.field) = catalogue_fold({Param(NpgsqlDbType.Text, field)})");
        if (query.Level is { } level) where.Add($"v.level = {Param(NpgsqlDbType.Text, CatalogueStore.Name(level))}");
        if (query.OnlineLevel is { } online) where.Add($"v.online_level = {Param(NpgsqlDbType.Text, CatalogueStore.Name(online))}");
        if (query.Status is { } status) where.Add(status == ProcedureStatus.Draft ? CatalogueStore.DraftCondition : $"NOT {CatalogueStore.DraftCondition}");
        var from = "FROM procedures p JOIN procedure_versions v ON v.code = p.code AND v.version = p.current_version"
                   + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "");

        long total;
        await using (var count = new NpgsqlCommand($"SELECT count(*) {from}", connection, tx))
        {
            count.Parameters.AddRange(parameters.Select(p => p.Clone()).ToArray());
            total = (long)(await count.ExecuteScalarAsync(ct))!;
        }
        var items = new List<ProcedureVersion>();
        var limit = Param(NpgsqlDbType.Integer, Math.Clamp(query.Limit, 1, ProcedureQuery.MaxLimit));
        var offset = Param(NpgsqlDbType.Integer, Math.Clamp(query.Offset, 0, ProcedureQuery.MaxOffset));
        await using (var page = new NpgsqlCommand(
            $"SELECT {CatalogueStore.VersionColumns} {from} ORDER BY v.code LIMIT {limit} OFFSET {offset}", connection, tx))
        {
            page.Parameters.AddRange(parameters.Select(p => p.Clone()).ToArray());
            await using var reader = await page.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) items.Add(CatalogueStore.Read(reader));
        }
        await tx.CommitAsync(ct);
        return new SearchPage<ProcedureVersion>(items, total, query.Limit, query.Offset);
    }

    /// <summary>The folded form of a parameter, escaped for LIKE (backslash is LIKE's default escape).</summary>
    internal static string Like(string parameter)
        => $"replace(replace(replace(catalogue_fold({parameter}), '\\', '\\\\'), '%', '\\%'), '_', '\\_')";
}

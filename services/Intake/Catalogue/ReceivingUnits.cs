using System.Text.RegularExpressions;
using Npgsql;
using NpgsqlTypes;
using Procedures.Contracts;
using Procedures.ServiceDefaults;

namespace Procedures.Intake.Catalogue;

/// <summary>
/// A unit that receives dossiers (Bộ phận Một cửa): a commune-level unit or the city level. <see cref="LocalScheme"/>:
/// <see cref="Id"/> is our documented local identifier, not a confirmed national agency identifier.
/// </summary>
public sealed record ReceivingUnit(string Id, string Name, string Type, ProcedureLevel Level, string AdminCode, bool LocalScheme);

/// <summary>
/// The receiving units. Identifiers follow a local scheme (docs/domain.md#agency-identifiers: where the official identifier is not known, derive
/// it from the unit's code and mark it local): a commune is <c>{its 5-digit code (QĐ 19/2025/QĐ-TTg)}.H29</c>, e.g.
/// <c>26734.H29</c>; the city level is <c>000.00.00.H29</c>, the shape the national scheme gives provincial People's
/// Committees (corroborated for <c>000.00.00.H56</c>, Thanh Hóa; not confirmed for HCMC, hence also marked local).
/// </summary>
public static partial class ReceivingUnits
{
    public const string CityId = "000.00.00.H29";
    public const string CityName = "UBND Thành phố Hồ Chí Minh";
    public const string CityCode = "79";
    public const int MaxQ = 200, DefaultLimit = 50, MaxLimit = 200, MaxOffset = 100_000;

    private static readonly string[] CommuneHeader = ["code", "name", "type", "province_code"];
    private static readonly HashSet<string> CommuneTypes = new(StringComparer.Ordinal) { "phuong", "xa", "dac_khu" };

    public static string CommuneId(string fiveDigitCode) => fiveDigitCode + ProcedureCode.CitySuffix;

    public static ReceivingUnit City { get; } = new(CityId, CityName, "thanh_pho", ProcedureLevel.Province, CityCode, LocalScheme: true);

    /// <summary>The city level and every commune of hcmc-communes.csv (<c>code,name,type,province_code</c>; only province 79).</summary>
    public static IReadOnlyList<ReceivingUnit> FromCommunesCsv(string csv)
    {
        var errors = new List<FieldError>();
        var records = ProcedureCsv.Split(csv, errors);
        if (errors.Count > 0) throw new InvalidDataException("Communes CSV: " + string.Join("; ", errors.Select(e => $"{e.Field}: {e.En}")));
        if (records.Count == 0 || !records[0].Fields.SequenceEqual(CommuneHeader, StringComparer.Ordinal))
            throw new InvalidDataException("Communes CSV: the header must be " + string.Join(",", CommuneHeader));
        var units = new List<ReceivingUnit> { City };
        foreach (var (line, f) in records.Skip(1))
        {
            if (f.Count == 1 && f[0].Length == 0) continue;
            if (f.Count != CommuneHeader.Length || !CommuneCode().IsMatch(f[0]) || f[1].Trim().Length == 0 || !CommuneTypes.Contains(f[2])
                || f[3] != CityCode)
                throw new InvalidDataException($"Communes CSV line {line}: expected a 5-digit code, a name, phuong|xa|dac_khu and province {CityCode}.");
            var name = TextInput.Check(f[1], out var clean) == TextInput.Problem.None ? clean
                : throw new InvalidDataException($"Communes CSV line {line}: the name is not valid text.");
            units.Add(new ReceivingUnit(CommuneId(f[0]), name, f[2], ProcedureLevel.Commune, f[0], LocalScheme: true));
        }
        return units;
    }

    public static async Task<ReceivingUnit?> GetAsync(NpgsqlDataSource db, string id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await GetAsync(connection, null, id, ct);
    }

    public static Task<ReceivingUnit?> GetAsync(NpgsqlTransaction tx, string id, CancellationToken ct)
        => GetAsync(tx.Connection ?? throw new InvalidOperationException("The transaction has already completed."), tx, id, ct);

    private static async Task<ReceivingUnit?> GetAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string id, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"SELECT {Columns} FROM receiving_units WHERE id = $1", connection, tx);
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = id });
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? Read(reader) : null;
    }

    /// <summary>Validates the query-string form of a unit search.</summary>
    public static IReadOnlyList<FieldError> Validate(ref string? q, int? limit, int? offset)
    {
        var errors = new List<FieldError>();
        q = Rules.Text(q, "q", errors);
        if (q is { Length: > MaxQ }) errors.Add(Rules.MaxLength("q", "Từ khóa tìm kiếm", "The search text", MaxQ));
        if (limit is < 1 or > MaxLimit) errors.Add(Rules.Range("limit", "Số kết quả mỗi trang", "The page size", 1, MaxLimit));
        if (offset is < 0 or > MaxOffset) errors.Add(Rules.Range("offset", "Vị trí bắt đầu", "The offset", 0, MaxOffset));
        return errors;
    }

    /// <summary>Units whose identifier or name contains every word of <paramref name="q"/>, diacritics ignored; city first, then by code.</summary>
    public static async Task<SearchPage<ReceivingUnit>> SearchAsync(NpgsqlDataSource db, string? q, int limit, int offset, CancellationToken ct)
    {
        limit = Math.Clamp(limit, 1, MaxLimit);
        offset = Math.Clamp(offset, 0, MaxOffset);
        var words = (q ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Take(ProcedureQuery.MaxWords).ToList();
        var where = words.Count == 0 ? "" : " WHERE " + string.Join(" AND ",
            words.Select((_, i) => $"search_text LIKE '%' || {CatalogueSearch.Like("$" + (i + 1))} || '%'"));
        NpgsqlParameter[] Parameters() => words.Select(w => new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = w }).ToArray();

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        long total;
        await using (var count = new NpgsqlCommand($"SELECT count(*) FROM receiving_units{where}", connection, tx))
        {
            count.Parameters.AddRange(Parameters());
            total = (long)(await count.ExecuteScalarAsync(ct))!;
        }
        var items = new List<ReceivingUnit>();
        await using (var page = new NpgsqlCommand(
            $"SELECT {Columns} FROM receiving_units{where} ORDER BY level = 'commune', admin_code LIMIT {limit} OFFSET {offset}", connection, tx))
        {
            page.Parameters.AddRange(Parameters());
            await using var reader = await page.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) items.Add(Read(reader));
        }
        await tx.CommitAsync(ct);
        return new SearchPage<ReceivingUnit>(items, total, limit, offset);
    }

    /// <summary>Inserts the units not stored yet (an existing identifier is left as it is); returns how many were new.</summary>
    internal static async Task<int> InsertMissingAsync(NpgsqlTransaction tx, IReadOnlyList<ReceivingUnit> units, CancellationToken ct)
    {
        await using var insert = new NpgsqlCommand("""
            INSERT INTO receiving_units (id, name, type, level, admin_code, local_scheme)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::boolean[])
            ON CONFLICT (id) DO NOTHING
            """, tx.Connection, tx);
        insert.Parameters.Add(new NpgsqlParameter { Value = units.Select(u => u.Id).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = units.Select(u => u.Name).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = units.Select(u => u.Type).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = units.Select(u => CatalogueStore.Name(u.Level)).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = units.Select(u => u.AdminCode).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = units.Select(u => u.LocalScheme).ToArray() });
        return await insert.ExecuteNonQueryAsync(ct);
    }

    private const string Columns = "id, name, type, level, admin_code, local_scheme";

    private static ReceivingUnit Read(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), ProcedureInputRules.Levels[r.GetString(3)], r.GetString(4), r.GetBoolean(5));

    [GeneratedRegex(@"^[0-9]{5}\z")]
    private static partial Regex CommuneCode();
}

using Dapper;
using Npgsql;
using Procedures.Contracts;
using Procedures.Reporting.Kpi.Facts;
using Procedures.Reporting.Kpi.Indicators;
using Procedures.Reporting.Kpi.Rules;

namespace Procedures.Reporting.Kpi.Api;

/// <summary>Which dossiers an index covers: received in [From, To] (Vietnam dates), optionally one agency/unit/procedure.</summary>
public sealed record IndexFilter(DateOnly From, DateOnly To, string? Agency, string? Commune, string? Procedure)
{
    public bool UnitFiltered => Agency is not null || Commune is not null;

    /// <summary>Unfinished dossiers are judged at the period's end (midnight after <see cref="To"/>, Vietnam time), or now if sooner.</summary>
    public DateTimeOffset JudgedAt(DateTimeOffset now)
    {
        var end = new DateTimeOffset(To.AddDays(1).ToDateTime(TimeOnly.MinValue), VietnamTime.Offset).ToUniversalTime();
        return end < now ? end : now;
    }
}

/// <summary>
/// The live index: period-independent sums from daily_facts (one row per day × agency × unit × procedure), plus the open
/// dossiers of the period judged now, plus the catalogue — then the same <see cref="IndexCalculator"/> as /evaluate.
/// </summary>
public static class IndexQuery
{
    private static readonly string Sums = string.Join(", ", Tally.StoredColumns.Select(c => $"sum({c})::bigint"));

    private const string Where = """
        day BETWEEN @From AND @To AND (@Agency::text IS NULL OR agency = @Agency)
        AND (@Commune::text IS NULL OR unit = @Commune) AND (@Procedure::text IS NULL OR procedure_code = @Procedure)
        """;

    private const string OpenWhere = """
        received_at IS NOT NULL AND ended_at IS NULL AND pending_supplement_since IS NULL
        AND received_day BETWEEN @From AND @To AND (@Agency::text IS NULL OR agency = @Agency)
        AND (@Commune::text IS NULL OR receiving_unit = @Commune) AND (@Procedure::text IS NULL OR procedure_code = @Procedure)
        """;

    public static async Task<IndexResult> ComputeAsync(NpgsqlDataSource db, IndexFilter filter, KpiRuleSet rules, DateTimeOffset now,
        CancellationToken ct)
    {
        FactStore.RegisterTypes();
        var judgedAt = filter.JudgedAt(now);
        await using var connection = await db.OpenConnectionAsync(ct);
        var byProcedure = new Dictionary<string, Tally>(StringComparer.Ordinal);
        foreach (var (key, tally) in await SettledAsync(connection, "procedure_code", filter, ct)) byProcedure[key] = tally;
        foreach (var open in await OpenAsync(connection, filter, ct))
        {
            var key = open.ProcedureCode ?? "";
            byProcedure[key] = byProcedure.GetValueOrDefault(key, Tally.Empty).AddOpen(open, judgedAt, rules.RepeatedSupplement);
        }
        var versions = (await connection.QueryAsync<VersionRow>(new CommandDefinition("""
            SELECT code, version, name, field, level, online_level AS OnlineLevel, fee_bearing AS FeeBearing,
                   published_on AS PublishedOn, published_on_time AS PublishedOnTime
            FROM procedure_versions WHERE (@Procedure::text IS NULL OR code = @Procedure)
            """, filter, cancellationToken: ct))).Select(v => v.ToFact()).ToList();
        var satisfaction = await Satisfaction.SatisfactionQuery.TallyAsync(connection, filter, judgedAt, ct);
        var certifying = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT DISTINCT agency FROM certified_copies WHERE certified_day BETWEEN @From AND @To", filter, cancellationToken: ct));
        return IndexCalculator.Compute(new IndexInput(new Period(filter.From, filter.To), judgedAt, byProcedure, versions, filter.UnitFiltered,
            satisfaction, CertifiedCopies.Ratio(certifying, filter.Commune ?? filter.Agency)), rules);
    }

    /// <summary>The on-time trend: the progress ratio of each received day of the period.</summary>
    public static async Task<IReadOnlyList<(DateOnly Day, long OnTime, long Judged)>> TrendAsync(NpgsqlDataSource db, IndexFilter filter,
        KpiRuleSet rules, DateTimeOffset now, CancellationToken ct)
    {
        FactStore.RegisterTypes();
        var judgedAt = filter.JudgedAt(now);
        await using var connection = await db.OpenConnectionAsync(ct);
        var byDay = (await SettledAsync(connection, "day::text", filter, ct)).ToDictionary(x => DateOnly.Parse(x.Key, System.Globalization.CultureInfo.InvariantCulture), x => x.Tally);
        foreach (var open in await OpenAsync(connection, filter, ct))
            byDay[open.ReceivedDay!.Value] = byDay.GetValueOrDefault(open.ReceivedDay!.Value, Tally.Empty).AddOpen(open, judgedAt, rules.RepeatedSupplement);
        return byDay.OrderBy(kv => kv.Key).Select(kv =>
        {
            var (onTime, judged) = kv.Value.Progress(rules.RepeatedSupplement);
            return (kv.Key, onTime, judged);
        }).ToList();
    }

    private static async Task<List<(string Key, Tally Tally)>> SettledAsync(NpgsqlConnection connection, string groupBy, IndexFilter filter,
        CancellationToken ct)
    {
        var result = new List<(string, Tally)>();
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(
            $"SELECT {groupBy}, {Sums} FROM daily_facts WHERE {Where} GROUP BY 1", filter, cancellationToken: ct));
        while (await reader.ReadAsync(ct))
        {
            var values = new long[Tally.StoredColumns.Length];
            for (var i = 0; i < values.Length; i++) values[i] = reader.GetInt64(i + 1);
            result.Add((reader.GetString(0), Tally.FromStored(values)));
        }
        return result;
    }

    /// <summary>Open dossiers: only the columns the verdict needs.</summary>
    private static async Task<List<DossierFact>> OpenAsync(NpgsqlConnection connection, IndexFilter filter, CancellationToken ct)
        => (await connection.QueryAsync<DossierFact>(new CommandDefinition($"""
            SELECT code, procedure_code AS ProcedureCode, received_at AS ReceivedAt, original_due_at AS OriginalDueAt,
                   paused_seconds AS PausedSeconds, supplement_requests AS SupplementRequests
            FROM dossier_facts WHERE {OpenWhere}
            """, filter, cancellationToken: ct))).ToList();

    private sealed class VersionRow
    {
        public string Code { get; init; } = "";
        public int Version { get; init; }
        public string? Name { get; init; }
        public string? Field { get; init; }
        public short? Level { get; init; }
        public short OnlineLevel { get; init; }
        public bool? FeeBearing { get; init; }
        public DateOnly? PublishedOn { get; init; }
        public bool? PublishedOnTime { get; init; }

        public ProcedureVersionFact ToFact() => new(Code, Version, Name, Field, (ProcedureLevel?)Level, (OnlineServiceLevel)OnlineLevel,
            FeeBearing, PublishedOn, PublishedOnTime);
    }
}

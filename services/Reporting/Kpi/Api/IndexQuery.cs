using Dapper;
using Npgsql;
using Procedures.Contracts;
using Procedures.Reporting.Kpi.Facts;
using Procedures.Reporting.Kpi.Indicators;
using Procedures.Reporting.Kpi.Rules;

namespace Procedures.Reporting.Kpi.Api;

/// <summary>
/// Which dossiers an index covers: received in [From, To] (Vietnam dates), optionally one agency/unit/procedure, counted
/// in the local view or the portal's (<see cref="IndexView"/>).
/// </summary>
public sealed record IndexFilter(DateOnly From, DateOnly To, string? Agency, string? Commune, string? Procedure,
    IndexView View = IndexView.Local)
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
/// The live index: period-independent sums of the received dossiers — whole calendar months from monthly_facts (one row
/// per month × agency × unit × procedure), the days before and after them from daily_facts (per day) — plus the open
/// dossiers of the period judged now (open_facts), plus the catalogue — then the same <see cref="IndexCalculator"/> as
/// /evaluate. The portal's view takes off the dossiers the portal does not hold, read one by one from dossier_facts
/// (<see cref="NotHeldAsync"/>): a few normally, as PortalSync sends each dossier within minutes.
/// </summary>
public static class IndexQuery
{
    private static readonly string Sums = string.Join(", ", Tally.StoredColumns.Select(c => $"sum({c})::bigint"));
    private static readonly string Columns = string.Join(", ", Tally.StoredColumns);

    private const string UnitWhere = """
        (@Agency::text IS NULL OR agency = @Agency) AND (@Commune::text IS NULL OR unit = @Commune)
        AND (@Procedure::text IS NULL OR procedure_code = @Procedure)
        """;

    /// <summary>The filter over open_facts and dossier_facts (same column names).</summary>
    private const string OpenWhere = """
        received_day BETWEEN @From AND @To AND (@Agency::text IS NULL OR agency = @Agency)
        AND (@Commune::text IS NULL OR receiving_unit = @Commune) AND (@Procedure::text IS NULL OR procedure_code = @Procedure)
        """;

    /// <summary>Per procedure: the period's whole months from the roll-up, its leading and trailing days from the daily rows.</summary>
    private static readonly string SettledByProcedure = $"""
        SELECT procedure_code, {Sums} FROM (
            SELECT procedure_code, {Columns} FROM monthly_facts WHERE month BETWEEN @FirstMonth AND @LastMonth AND {UnitWhere}
            UNION ALL
            SELECT procedure_code, {Columns} FROM daily_facts
            WHERE (day BETWEEN @From AND @HeadTo OR day BETWEEN @TailFrom AND @To) AND {UnitWhere}
        ) f GROUP BY 1
        """;

    private static readonly string SettledByDay = $"SELECT day::text, {Sums} FROM daily_facts WHERE day BETWEEN @From AND @To AND {UnitWhere} GROUP BY 1";

    public static async Task<IndexResult> ComputeAsync(NpgsqlDataSource db, IndexFilter filter, KpiRuleSet rules, DateTimeOffset now,
        CancellationToken ct)
    {
        FactStore.RegisterTypes();
        var judgedAt = filter.JudgedAt(now);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var snapshot = await SnapshotAsync(connection, ct);
        var byProcedure = new Dictionary<string, Tally>(StringComparer.Ordinal);
        var split = MonthSplit.Of(filter.From, filter.To);
        var settled = await SettledAsync(connection, SettledByProcedure, new
        {
            filter.From, filter.To, filter.Agency, filter.Commune, filter.Procedure, split.FirstMonth, split.LastMonth, split.HeadTo, split.TailFrom,
        }, ct);
        foreach (var (key, tally) in settled) byProcedure[key] = tally;
        foreach (var (key, within, overdue) in await OpenCountsAsync(connection, "coalesce(procedure_code, '')", filter, judgedAt, rules.RepeatedSupplement, ct))
            byProcedure[key] = byProcedure.GetValueOrDefault(key, Tally.Empty).AddOpenCounts(within, overdue);
        var versions = (await connection.QueryAsync<VersionRow>(new CommandDefinition("""
            SELECT code, version, name, field, level, online_level AS OnlineLevel, fee_bearing AS FeeBearing,
                   published_on AS PublishedOn, published_on_time AS PublishedOnTime, paper_result AS PaperResult,
                   online_level_since AS OnlineLevelSince
            FROM procedure_versions WHERE (@Procedure::text IS NULL OR code = @Procedure)
            """, filter, cancellationToken: ct))).Select(v => v.ToFact()).ToList();
        var notHeld = filter.View == IndexView.Portal
            ? await NotHeldAsync(connection, filter, judgedAt, rules.RepeatedSupplement, f => f.ProcedureCode ?? "", ct)
            : null;
        var satisfaction = await Satisfaction.SatisfactionQuery.TallyAsync(connection, filter, judgedAt, ct);
        var certifying = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT DISTINCT agency FROM certified_copies WHERE certified_day BETWEEN @From AND @To", filter, cancellationToken: ct));
        return IndexCalculator.Compute(new IndexInput(new Period(filter.From, filter.To), judgedAt, byProcedure, versions, filter.UnitFiltered,
            satisfaction, CertifiedCopies.Ratio(certifying, filter.Commune ?? filter.Agency), notHeld), rules);
    }

    /// <summary>The on-time trend: the progress ratio of each received day of the period (of the filter's view).</summary>
    public static async Task<IReadOnlyList<(DateOnly Day, long OnTime, long Judged)>> TrendAsync(NpgsqlDataSource db, IndexFilter filter,
        KpiRuleSet rules, DateTimeOffset now, CancellationToken ct)
    {
        FactStore.RegisterTypes();
        var judgedAt = filter.JudgedAt(now);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var snapshot = await SnapshotAsync(connection, ct);
        var byDay = (await SettledAsync(connection, SettledByDay, filter, ct)).ToDictionary(x => DateOnly.Parse(x.Key, System.Globalization.CultureInfo.InvariantCulture), x => x.Tally);
        foreach (var (key, within, overdue) in await OpenCountsAsync(connection, "received_day::text", filter, judgedAt, rules.RepeatedSupplement, ct))
        {
            var day = DateOnly.Parse(key, System.Globalization.CultureInfo.InvariantCulture);
            byDay[day] = byDay.GetValueOrDefault(day, Tally.Empty).AddOpenCounts(within, overdue);
        }
        if (filter.View == IndexView.Portal)
            foreach (var (key, notHeld) in await NotHeldAsync(connection, filter, judgedAt, rules.RepeatedSupplement,
                         f => f.ReceivedDay!.Value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), ct))
            {
                var day = DateOnly.Parse(key, System.Globalization.CultureInfo.InvariantCulture);
                byDay[day] = byDay.GetValueOrDefault(day, Tally.Empty) - notHeld;
            }
        return byDay.OrderBy(kv => kv.Key).Select(kv =>
        {
            var (onTime, judged) = kv.Value.Progress(rules.RepeatedSupplement);
            return (kv.Key, onTime, judged);
        }).ToList();
    }

    /// <summary>
    /// One snapshot for every read of an index: the portal's view subtracts the unsynced dossiers read after the sums,
    /// and a dossier received in between would otherwise be taken off sums that never counted it (negative counts).
    /// </summary>
    private static async Task<NpgsqlTransaction> SnapshotAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        await connection.ExecuteAsync(new CommandDefinition("SET TRANSACTION READ ONLY", transaction: tx, cancellationToken: ct));
        return tx;
    }

    private static async Task<List<(string Key, Tally Tally)>> SettledAsync(NpgsqlConnection connection, string sql, object parameters,
        CancellationToken ct)
    {
        var result = new List<(string, Tally)>();
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(sql, parameters, cancellationToken: ct));
        while (await reader.ReadAsync(ct))
        {
            var values = new long[Tally.StoredColumns.Length];
            for (var i = 0; i < values.Length; i++) values[i] = reader.GetInt64(i + 1);
            result.Add((reader.GetString(0), Tally.FromStored(values)));
        }
        return result;
    }

    /// <summary>
    /// Open dossiers judged at <paramref name="judgedAt"/>, counted by the database per <paramref name="groupBy"/>: the
    /// verdict of <see cref="OnTime.Judge"/> for an open dossier (not ended, not waiting on a supplementation) written as
    /// SQL over open_facts, because reading tens of thousands of rows to judge them one by one in C# was most of a
    /// city-wide index's time (BENCHMARKS.md). Within time: the legal due moment (due plus pauses) not yet passed, and not
    /// twice asked for supplements unless the rule forgives a round that was answered; overdue: every other one with a
    /// due date; no due date: not counted. A test holds it equal to OnTime.Judge.
    /// </summary>
    public static async Task<List<(string Key, long Within, long Overdue)>> OpenCountsAsync(NpgsqlConnection connection, string groupBy,
        IndexFilter filter, DateTimeOffset judgedAt, RepeatedSupplement rule, CancellationToken ct)
    {
        const string within = "legal_due_at >= @judgedAt AND (@forgiving OR supplement_requests < 2)";
        var rows = await connection.QueryAsync<(string Key, long Within, long Overdue)>(new CommandDefinition($"""
            SELECT {groupBy}, count(*) FILTER (WHERE {within}), count(legal_due_at) - count(*) FILTER (WHERE {within})
            FROM open_facts WHERE {OpenWhere}
            GROUP BY 1
            """, new
            {
                filter.From, filter.To, filter.Agency, filter.Commune, filter.Procedure, judgedAt = judgedAt.ToUniversalTime(),
                forgiving = rule == RepeatedSupplement.OnlyWhilePending,
            }, cancellationToken: ct));
        return rows.AsList();
    }

    /// <summary>
    /// The received dossiers of the period the portal does not hold (not <see cref="IndexViews.HeldByPortal"/>: no step
    /// acknowledged), each tallied as the aggregates and open counts tallied it (<see cref="Tally.Of"/>, and the verdict
    /// at <paramref name="judgedAt"/> if open), per <paramref name="key"/>: what the portal's view takes off.
    /// </summary>
    private static async Task<Dictionary<string, Tally>> NotHeldAsync(NpgsqlConnection connection, IndexFilter filter, DateTimeOffset judgedAt,
        RepeatedSupplement rule, Func<DossierFact, string> key, CancellationToken ct)
    {
        var facts = await connection.QueryAsync<DossierFact>(new CommandDefinition(
            FactStore.SelectFacts + $" WHERE synced_seq = 0 AND received_at IS NOT NULL AND {OpenWhere}",
            new { filter.From, filter.To, filter.Agency, filter.Commune, filter.Procedure }, cancellationToken: ct));
        var tallies = new Dictionary<string, Tally>(StringComparer.Ordinal);
        foreach (var f in facts) FactsIndex.Add(tallies, key(f), f, judgedAt, rule);
        return tallies;
    }

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
        public bool? PaperResult { get; init; }
        public DateOnly? OnlineLevelSince { get; init; }

        public ProcedureVersionFact ToFact() => new(Code, Version, Name, Field, (ProcedureLevel?)Level, (OnlineServiceLevel)OnlineLevel,
            FeeBearing, PublishedOn, PublishedOnTime, PaperResult, OnlineLevelSince);
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Procedures.Benchmarks.Load;

/// <summary>
/// Reporting at scale. The documented equivalent of the projection path: N dossiers' facts are COPY-loaded straight into
/// Reporting's own database (dossier_facts, in the shape the projection writes it), then daily_facts is filled by one
/// INSERT … SELECT … GROUP BY computing the same counters as <c>Tally.Of</c> for the shapes generated here (no supplements,
/// no pauses, no apologies), and the monthly roll-up and open dossiers' rows the projection keeps beside it from those.
/// Replaying N events per dossier through RabbitMQ would take hours on this machine; what is timed here is the read side
/// over a projection of that size. The facts are dossiers received in 2025 (the system's own data starts in 2026, so the
/// two never share a day), codes prefixed BENCH-, removed at the end unless kept.
/// Then, through Reporting's HTTP API: the 766 index of a month city-wide, of the same month for one agency, and the
/// at-risk list city-wide and for one agency.
/// </summary>
public sealed class ReportingScaleScenario(SystemTarget target, SystemApi api, AgencyClients clients, TextWriter progress)
{
    public const string Month = "2025-12";
    public const string Agency = "26740.H29";
    private static readonly DateOnly FirstDay = new(2025, 1, 1);

    public sealed record Query(string Name, string Path, Percentiles Milliseconds);

    public sealed record Result(int Facts, double LoadSeconds, double LoadPerSecond, double AggregateSeconds, long OpenFacts,
        long IndexReceivedInMonth, long FactsInMonth, IReadOnlyList<Query> Queries);

    public async Task<Result> RunAsync(int facts, int repetitions, bool keep, CancellationToken ct)
    {
        await using var db = NpgsqlDataSource.Create(target.Postgres("reporting"));
        await CleanAsync(db, ct);
        var procedures = await ProceduresAsync(db, ct);
        var load = Stopwatch.StartNew();
        await LoadAsync(db, facts, procedures, ct);
        var loadSeconds = load.Elapsed.TotalSeconds;
        var aggregate = Stopwatch.StartNew();
        await using (var command = db.CreateCommand(AggregateSql))
        {
            command.CommandTimeout = 600;
            await command.ExecuteNonQueryAsync(ct);
        }
        await using (var analyze = db.CreateCommand("ANALYZE dossier_facts; ANALYZE daily_facts; ANALYZE monthly_facts; ANALYZE open_facts"))
            await analyze.ExecuteNonQueryAsync(ct);
        var aggregateSeconds = aggregate.Elapsed.TotalSeconds;
        long open, inMonth;
        await using (var count = db.CreateCommand($"""
            SELECT count(*) FILTER (WHERE ended_at IS NULL), count(*) FILTER (WHERE to_char(received_day, 'YYYY-MM') = '{Month}')
            FROM dossier_facts WHERE code LIKE 'BENCH-%'
            """))
        await using (var reader = await count.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            open = reader.GetInt64(0);
            inMonth = reader.GetInt64(1);
        }

        var admin = await clients.TokenForAsync("000.00.00.H29");
        var from = $"{Month}-01";
        var to = DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture).AddMonths(1).AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var queries = new List<Query>();
        long received = 0;
        foreach (var (name, path) in new[]
                 {
                     ("766 index, one month, city-wide", $"/api/v1/kpi/index?from={from}&to={to}"),
                     ("766 index, one month, one agency", $"/api/v1/kpi/index?from={from}&to={to}&agency={Agency}"),
                     ("at-risk list, city-wide (50 soonest)", "/api/v1/kpi/at-risk"),
                     ("at-risk list, one agency (50 soonest)", $"/api/v1/kpi/at-risk?agency={Agency}"),
                 })
        {
            var latency = new Latency();
            for (var i = -2; i < repetitions; i++) // two warm-up calls, not counted
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                request.Headers.Authorization = new("Bearer", admin);
                var sw = Stopwatch.StartNew();
                using var response = await api.Reporting.SendAsync(request, ct);
                var body = await response.Content.ReadAsStringAsync(ct);
                sw.Stop();
                if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {body}");
                if (i >= 0) latency.Add(sw.Elapsed.TotalMilliseconds);
                if (i == 0 && name.Contains("city-wide", StringComparison.Ordinal) && name.StartsWith("766", StringComparison.Ordinal))
                    received = ReceivedOf(JsonDocument.Parse(body).RootElement);
            }
            queries.Add(new Query(name, path, latency.Summary()));
            progress.WriteLine($"{name}: p50 {queries[^1].Milliseconds.P50} ms, max {queries[^1].Milliseconds.Max} ms");
        }
        if (!keep) await CleanAsync(db, ct);
        return new Result(facts, Math.Round(loadSeconds, 1), Math.Round(facts / loadSeconds), Math.Round(aggregateSeconds, 1), open, received,
            inMonth, queries);
    }

    /// <summary>The dossiers the index counted as received in the period.</summary>
    private static long ReceivedOf(JsonElement index) => index.GetProperty("dossiersReceived").GetInt64();

    private static async Task CleanAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"""
            DELETE FROM dossier_facts WHERE code LIKE 'BENCH-%';
            DELETE FROM open_facts WHERE code LIKE 'BENCH-%';
            DELETE FROM daily_facts WHERE day BETWEEN '{FirstDay:yyyy-MM-dd}' AND '{FirstDay.AddYears(1).AddDays(-1):yyyy-MM-dd}';
            DELETE FROM monthly_facts WHERE month BETWEEN '{FirstDay:yyyy-MM-dd}' AND '{FirstDay.AddYears(1).AddDays(-1):yyyy-MM-dd}';
            """);
        command.CommandTimeout = 600;
        await command.ExecuteNonQueryAsync(ct);
    }

    private static async Task<string[]> ProceduresAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        var codes = new List<string>();
        await using var command = db.CreateCommand("SELECT DISTINCT code FROM procedure_versions ORDER BY code LIMIT 20");
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) codes.Add(reader.GetString(0));
        return codes.Count > 0 ? [.. codes] : [SystemApi.PlainProcedure, SystemApi.FeeBearingProcedure];
    }

    /// <summary>
    /// Dossiers received on working hours of 2025 at units drawn like the submissions, procedures Zipf-weighted (the k-th
    /// most common 1/k); processing time 7 days; 75 % settled on time, 25 % late; those received from November on are
    /// still open with 30 % probability, due over the next 60 days (what the at-risk list reads); 90 % synced.
    /// </summary>
    private async Task LoadAsync(NpgsqlDataSource db, int total, string[] procedures, CancellationToken ct)
    {
        var random = new Random(766);
        var zipf = procedures.Select((_, k) => 1.0 / (k + 1)).ToArray();
        var zipfTotal = zipf.Sum();
        var now = DateTimeOffset.UtcNow;
        await using var connection = await db.OpenConnectionAsync(ct);
        var clock = Stopwatch.StartNew();
        long written = 0;
        using (Progress.Every(TimeSpan.FromSeconds(2), progress, () =>
               {
                   var rate = Interlocked.Read(ref written) / Math.Max(clock.Elapsed.TotalSeconds, 0.001);
                   return $"bulk load: {Interlocked.Read(ref written):N0}/{total:N0} facts at {rate:N0}/s, {clock.Elapsed.TotalSeconds:F0} s elapsed, " +
                          $"~{(total - Interlocked.Read(ref written)) / Math.Max(rate, 1):F0} s left";
               }))
        await using (var writer = await connection.BeginBinaryImportAsync("""
            COPY dossier_facts (code, receiving_unit, channel, submitted_at, synced_seq, procedure_code, deciding_agency, agency, received_at,
                                received_day, original_due_at, due_at, legal_due_at, ended_at, end_status, status, last_seq, fee_total, paid_online,
                                digitised, reused, citizen, electronic_result)
            FROM STDIN (FORMAT BINARY)
            """, ct))
        {
            for (var i = 0; i < total; i++)
            {
                var unit = clients.UnitFor(i);
                var pick = random.NextDouble() * zipfTotal;
                var p = 0;
                while (p < zipf.Length - 1 && (pick -= zipf[p]) > 0) p++;
                var day = FirstDay.AddDays(random.Next(365));
                var received = new DateTimeOffset(day.ToDateTime(new TimeOnly(8, 0)), TimeSpan.FromHours(7)).AddMinutes(random.Next(9 * 60));
                var open = day.Month >= 11 && random.NextDouble() < 0.3;
                var due = open ? now.AddMinutes(random.Next(60 * 24 * 60)) : received.AddDays(7);
                DateTimeOffset? ended = open ? null : received.AddHours(random.NextDouble() < 0.75 ? random.Next(1, 7 * 24) : random.Next(7 * 24 + 1, 12 * 24));
                var fee = procedures[p] == SystemApi.FeeBearingProcedure ? 20_000L : 0L;
                await writer.StartRowAsync(ct);
                await writer.WriteAsync($"BENCH-{i:D7}", NpgsqlDbType.Text, ct);
                await writer.WriteAsync(unit, NpgsqlDbType.Text, ct);
                await writer.WriteAsync((short)(random.NextDouble() < 0.7 ? 2 : 1), NpgsqlDbType.Smallint, ct);
                await writer.WriteAsync(received.UtcDateTime, NpgsqlDbType.TimestampTz, ct);
                await writer.WriteAsync(random.NextDouble() < 0.9 ? 7L : 0L, NpgsqlDbType.Bigint, ct);
                await writer.WriteAsync(procedures[p], NpgsqlDbType.Text, ct);
                await writer.WriteAsync(unit, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(unit, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(received.UtcDateTime, NpgsqlDbType.TimestampTz, ct);
                await writer.WriteAsync(day, NpgsqlDbType.Date, ct);
                for (var d = 0; d < 3; d++) await writer.WriteAsync(due.UtcDateTime, NpgsqlDbType.TimestampTz, ct);
                if (ended is { } e) await writer.WriteAsync(e.UtcDateTime, NpgsqlDbType.TimestampTz, ct);
                else await writer.WriteNullAsync(ct);
                if (open) await writer.WriteNullAsync(ct);
                else await writer.WriteAsync((short)10, NpgsqlDbType.Smallint, ct);
                await writer.WriteAsync((short)(open ? 4 : 10), NpgsqlDbType.Smallint, ct);
                await writer.WriteAsync(7L, NpgsqlDbType.Bigint, ct);
                await writer.WriteAsync(fee, NpgsqlDbType.Bigint, ct);
                await writer.WriteAsync(fee > 0 && random.NextDouble() < 0.6, NpgsqlDbType.Boolean, ct);
                await writer.WriteAsync(random.NextDouble() < 0.5, NpgsqlDbType.Boolean, ct);
                await writer.WriteAsync(random.NextDouble() < 0.3, NpgsqlDbType.Boolean, ct);
                await writer.WriteAsync(true, NpgsqlDbType.Boolean, ct);
                await writer.WriteAsync(!open && random.NextDouble() < 0.6, NpgsqlDbType.Boolean, ct);
                Interlocked.Increment(ref written);
            }
            await writer.CompleteAsync(ct);
        }
    }

    /// <summary>
    /// daily_facts from the loaded facts: Tally.Of's counters for settled/open dossiers without supplements or pauses;
    /// then what the projection keeps beside it in the same transactions: the monthly roll-up of those days
    /// (monthly_facts, FactStore.AddToAggregatesAsync) and the open dossiers' narrow rows (open_facts, FactStore.UpsertAsync).
    /// </summary>
    private const string AggregateSql = """
        INSERT INTO daily_facts (day, agency, unit, procedure_code, received, settled_on_time, settled_late, synced, synced_current, online,
                                 fee_bearing, paid_online, decided, electronic_result, digitised, reused, citizen)
        SELECT received_day, agency, receiving_unit, procedure_code, count(*),
               count(*) FILTER (WHERE ended_at IS NOT NULL AND ended_at <= original_due_at),
               count(*) FILTER (WHERE ended_at IS NOT NULL AND ended_at > original_due_at),
               count(*) FILTER (WHERE synced_seq > 0), count(*) FILTER (WHERE synced_seq > 0 AND synced_seq >= last_seq),
               count(*) FILTER (WHERE channel = 2), count(*) FILTER (WHERE fee_total > 0),
               count(*) FILTER (WHERE fee_total > 0 AND paid_online),
               count(*) FILTER (WHERE end_status IN (9, 10)), count(*) FILTER (WHERE electronic_result),
               count(*) FILTER (WHERE digitised), count(*) FILTER (WHERE reused), count(*) FILTER (WHERE citizen)
        FROM dossier_facts WHERE code LIKE 'BENCH-%'
        GROUP BY 1, 2, 3, 4;

        INSERT INTO monthly_facts (month, agency, unit, procedure_code, received, settled_on_time, settled_on_time_repeated, settled_late,
                                   synced, synced_current, online, fee_bearing, paid_online, decided, electronic_result,
                                   digitised, reused, citizen_store, population_data, citizen, late_reception, late_with_apology)
        SELECT date_trunc('month', day)::date, agency, unit, procedure_code, sum(received), sum(settled_on_time),
               sum(settled_on_time_repeated), sum(settled_late), sum(synced), sum(synced_current), sum(online), sum(fee_bearing),
               sum(paid_online), sum(decided), sum(electronic_result), sum(digitised), sum(reused),
               sum(citizen_store), sum(population_data), sum(citizen), sum(late_reception), sum(late_with_apology)
        FROM daily_facts WHERE day BETWEEN '2025-01-01' AND '2025-12-31'
        GROUP BY 1, 2, 3, 4;

        INSERT INTO open_facts (code, received_day, agency, receiving_unit, procedure_code, legal_due_at, supplement_requests)
        SELECT code, received_day, agency, receiving_unit, procedure_code, legal_due_at, supplement_requests
        FROM dossier_facts
        WHERE code LIKE 'BENCH-%' AND received_at IS NOT NULL AND ended_at IS NULL AND pending_supplement_since IS NULL
        """;
}

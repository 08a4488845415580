using System.Text;
using System.Text.Json;
using static Procedures.Benchmarks.Load.Goals;

namespace Procedures.Benchmarks.Load;

/// <summary>Writes a run as JSON and as the Markdown tables of BENCHMARKS.md (between its system-benchmark markers).</summary>
public static class ReportWriter
{
    public const string Start = "<!-- system-benchmark:start (written by tests/Benchmarks; edit the text around it, not inside) -->";
    public const string End = "<!-- system-benchmark:end -->";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string ToJson(BenchmarkReport report) => JsonSerializer.Serialize(report, Json);

    public static string ToMarkdown(BenchmarkReport r)
    {
        var m = r.Machine;
        var s = r.Settings;
        var b = new StringBuilder();
        b.AppendLine(Start);
        b.AppendLine($"Run {m.Started:yyyy-MM-dd HH:mm}–{m.Finished:HH:mm} UTC on {m.Cores} cores, {m.Os}, {m.Dotnet}, PostgreSQL {m.Postgres}, " +
                     $"RabbitMQ {m.RabbitMq}; load average {m.LoadAverageAtStart} at start, {m.LoadAverageAtEnd} at end. Settings: {s.Concurrency} in flight " +
                     $"(submissions, limits), submissions {s.SubmissionSeconds:0} s{(s.SubmissionRate is { } rate ? $" paced at {rate}/s" : "")}, " +
                     $"lifecycles {s.LifecycleConcurrency} in flight for {s.LifecycleSeconds:0} s then paced at half for {s.HalfRateSeconds:0} s, " +
                     $"limits {s.LimitSeconds:0} s each, {s.Facts:N0} facts, {s.QueryRepetitions} timed calls per query; " +
                     $"{s.Tracing ?? (s.TraceSampleRatio is { } ratio ? $"{ratio:P0} of traces sampled" : "every trace recorded")}.");
        b.AppendLine();
        b.AppendLine("| goal | target | measured | met | note |");
        b.AppendLine("|---|---|---|---|---|");
        foreach (var g in r.Goals) b.AppendLine($"| {g.Name} | {g.Target} | {g.Measured} | {(g.Met ? "yes" : "**no**")} | {g.Note} |");
        b.AppendLine();
        b.AppendLine("| load | in flight | ops | failed | ops/s | p50 ms | p95 ms | p99 ms | max ms | write tx/op | deliveries/op | share of commit bound | share of broker bound | system CPU-ms/op | × primitive floor |");
        b.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        void Row(LoadResult l, OperationCost? c, Ratios? x, CpuCost? u) => b.AppendLine(
            $"| {l.Name}{(l.TargetRate is { } t ? $" (paced {F(t)}/s)" : "")} | {l.Concurrency} | {l.Completed:N0} | {l.Failed:N0} | {F(l.PerSecond)} | {F(l.Latency.P50)} | " +
            $"{F(l.Latency.P95)} | {F(l.Latency.P99)} | {F(l.Latency.Max)} | {(c is null ? "" : F(c.WriteTransactions))} | " +
            $"{(c is null ? "" : F(c.MessagesConsumed))} | {(x is null ? "" : Pct(x.ShareOfCommitBound))} | {(x is null ? "" : Pct(x.ShareOfMessageBound))} | " +
            $"{(u is null ? "" : F(u.SystemMsPerOperation))} | {(u is null ? "" : F(u.TimesFloor))} |");
        Row(r.Limits.PostgresCommits, null, null, null);
        if (r.Limits.NotifyingCommits is { } notifying) Row(notifying, null, null, null);
        Row(r.Limits.RabbitMq.Publish, null, null, null);
        b.AppendLine($"| ↳ consumed (broker limit) | | {r.Limits.RabbitMq.Consumed:N0} | | {F(r.Limits.MessagesPerSecond)} | {F(r.Limits.RabbitMq.PublishToConsume.P50)} | " +
                     $"{F(r.Limits.RabbitMq.PublishToConsume.P95)} | {F(r.Limits.RabbitMq.PublishToConsume.P99)} | {F(r.Limits.RabbitMq.PublishToConsume.Max)} | | | | | | |");
        Row(r.Submission.Load, r.Submission.Cost, r.Submission.Ratios, r.Submission.Cpu);
        Row(r.Lifecycle.Max.Load, r.Lifecycle.Cost, r.Lifecycle.Ratios, r.Lifecycle.Cpu);
        Row(r.Lifecycle.HalfRate.Load, r.Lifecycle.HalfRateCost, null, r.Lifecycle.HalfRateCpu);
        b.AppendLine();
        CpuTable(b, r);
        b.AppendLine();
        StatementTable(b, r);
        TransactionTable(b, r);
        b.AppendLine("| lifecycle stage (ms) | p50 at max | p95 at max | p99 at max | p50 at half rate | p95 at half rate | p99 at half rate |");
        b.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var stage in LifecycleScenario.Stages)
        {
            var a = r.Lifecycle.Max.Stages[stage];
            var h = r.Lifecycle.HalfRate.Stages[stage];
            b.AppendLine($"| {stage} | {F(a.P50)} | {F(a.P95)} | {F(a.P99)} | {F(h.P50)} | {F(h.P95)} | {F(h.P99)} |");
        }
        b.AppendLine();
        b.AppendLine("| peak memory during the lifecycle runs | MB |");
        b.AppendLine("|---|---|");
        foreach (var (name, mb) in r.Lifecycle.Memory.PeakMb.OrderBy(kv => kv.Key, StringComparer.Ordinal)) b.AppendLine($"| {name} | {F(mb)} |");
        b.AppendLine($"| whole system (peak of the sum) | {F(r.Lifecycle.Memory.PeakTotalMb)} |");
        b.AppendLine();
        var p = r.Reporting;
        b.AppendLine($"Reporting: {p.Facts:N0} facts COPY-loaded in {p.LoadSeconds} s ({p.LoadPerSecond:N0}/s), daily_facts aggregated in {p.AggregateSeconds} s; " +
                     $"{p.OpenFacts:N0} open; {p.FactsInMonth:N0} received in {ReportingScaleScenario.Month} (the index counted {p.IndexReceivedInMonth:N0}).");
        b.AppendLine();
        b.AppendLine("| reporting query (HTTP, Reporting) | p50 ms | p95 ms | max ms |");
        b.AppendLine("|---|---|---|---|");
        foreach (var q in p.Queries) b.AppendLine($"| {q.Name} `{q.Path}` | {F(q.Milliseconds.P50)} | {F(q.Milliseconds.P95)} | {F(q.Milliseconds.Max)} |");
        b.AppendLine(End);
        return b.ToString();
    }

    /// <summary>Where each scenario's CPU went, per operation and process, against the primitive floor of the same run.</summary>
    private static void CpuTable(StringBuilder b, BenchmarkReport r)
    {
        var p = r.Limits.Primitives;
        b.AppendLine($"Primitive costs in this run (limit tests): {F(p.MsPerCommit)} CPU-ms per durable commit (Postgres {F(p.PostgresMsPerCommit)} + " +
                     $"client {F(p.ClientMsPerCommit)}), {F(p.MsPerDelivery)} CPU-ms per confirmed delivery (RabbitMQ {F(p.BrokerMsPerDelivery)} + " +
                     $"client {F(p.ClientMsPerDelivery)}). Floor = write tx/op × the first + deliveries/op × the second." +
                     (r.Limits.NotifyingCommits is { } n ? $" The same commits each notifying a channel: {F(n.PerSecond)}/s against {F(r.Limits.CommitsPerSecond)}/s " +
                      $"({Pct(r.Limits.CommitsPerSecond > 0 ? n.PerSecond / r.Limits.CommitsPerSecond : 0)}), {F(r.Limits.MsPerNotifyingCommit)} CPU-ms each." : ""));
        b.AppendLine();
        if (r.Submission.Spans is { } spans)
        {
            b.AppendLine($"Spans per submission (its whole trace across the services, read from the dashboard's telemetry API; {spans.Found} of " +
                         $"{spans.Traced} traced submissions found): {F(spans.Mean)} on average, {spans.Min}–{spans.Max}.");
            b.AppendLine();
        }
        var scenarios = new (string Name, CpuCost Cpu)[] { ("submission", r.Submission.Cpu), ("lifecycle", r.Lifecycle.Cpu), ("lifecycle at half rate", r.Lifecycle.HalfRateCpu) };
        b.AppendLine($"| CPU-ms per operation | {string.Join(" | ", scenarios.Select(x => x.Name))} |");
        b.AppendLine($"|---|{string.Concat(scenarios.Select(_ => "---|"))}");
        void Line(string name, Func<CpuCost, string> value) => b.AppendLine($"| {name} | {string.Join(" | ", scenarios.Select(x => value(x.Cpu)))} |");
        var processes = BenchmarkRun.Services.Concat([SystemProcesses.Postgres, SystemProcesses.RabbitMq, SystemProcesses.Dashboard])
            .Where(name => scenarios.Any(x => x.Cpu.MsPerOperation.ContainsKey(name)));
        foreach (var name in processes) Line(name, c => c.MsPerOperation.TryGetValue(name, out var ms) ? F(ms) : "");
        Line("**system (the above)**", c => $"**{F(c.SystemMsPerOperation)}**");
        Line("harness (the benchmark process)", c => F(c.HarnessMsPerOperation));
        Line("machine (every process, other tenants' too)", c => F(c.MachineMsPerOperation));
        Line("primitive floor", c => F(c.FloorMsPerOperation));
        Line("system ÷ floor", c => $"{F(c.TimesFloor)}×");
        Line("window (s)", c => F(c.WindowSeconds));
    }

    /// <summary>Statements the services sent per operation (pg_stat_statements), and the indexes the run never used.</summary>
    private static void StatementTable(StringBuilder b, BenchmarkReport r)
    {
        var scenarios = new (string Name, StatementCost? Cost)[]
            { ("submission", r.Submission.Statements), ("lifecycle", r.Lifecycle.Statements), ("lifecycle at half rate", r.Lifecycle.HalfRateStatements) };
        if (scenarios.All(x => x.Cost is null)) return;
        b.AppendLine($"| statements per operation (pg_stat_statements) | {string.Join(" | ", scenarios.Select(x => x.Name))} |");
        b.AppendLine($"|---|{string.Concat(scenarios.Select(_ => "---|"))}");
        void Line(string name, Func<StatementCost, string> value) => b.AppendLine($"| {name} | {string.Join(" | ", scenarios.Select(x => x.Cost is null ? "" : value(x.Cost)))} |");
        foreach (var database in SystemTarget.ServiceDatabases) Line(database, c => F(c.ByDatabase.GetValueOrDefault(database)));
        Line("**all**", c => $"**{F(c.PerOperation)}**");
        Line("of which BEGIN / COMMIT / ROLLBACK", c => F(c.TransactionControlPerOperation));
        Line("per delivery consumed", c => F(c.PerDelivery));
        b.AppendLine();
        if (r.Submission.Statements is { } s)
        {
            b.AppendLine("| most frequent statements of a submission | database | per submission |");
            b.AppendLine("|---|---|---|");
            foreach (var t in s.Frequent.Take(12)) b.AppendLine($"| `{t.Query.Replace("|", "\\|", StringComparison.Ordinal)}` | {t.Database} | {F(t.PerOperation)} |");
            b.AppendLine();
        }
        if (r.UnusedIndexes.Count > 0)
        {
            b.AppendLine($"Indexes no scan used from the system's start to the end of the lifecycle runs (idx_scan = 0): {string.Join("; ", r.UnusedIndexes)}.");
            b.AppendLine();
        }
    }

    /// <summary>Committed write transactions per operation from the WAL: by database, and the lifecycle's by tables written.</summary>
    private static void TransactionTable(StringBuilder b, BenchmarkReport r)
    {
        var scenarios = new (string Name, WalTransactions.Breakdown? Cost)[]
            { ("submission", r.Submission.Transactions), ("lifecycle", r.Lifecycle.Transactions), ("lifecycle at half rate", r.Lifecycle.HalfRateTransactions) };
        if (scenarios.All(x => x.Cost is null)) return;
        b.AppendLine($"| write transactions per operation (WAL) | {string.Join(" | ", scenarios.Select(x => x.Name))} |");
        b.AppendLine($"|---|{string.Concat(scenarios.Select(_ => "---|"))}");
        var databases = scenarios.SelectMany(x => x.Cost?.ByDatabase.Keys ?? []).Distinct().Order(StringComparer.Ordinal);
        foreach (var database in databases)
            b.AppendLine($"| {database} | {string.Join(" | ", scenarios.Select(x => x.Cost is null ? "" : F(x.Cost.ByDatabase.GetValueOrDefault(database))))} |");
        b.AppendLine($"| **all** | {string.Join(" | ", scenarios.Select(x => x.Cost is null ? "" : $"**{F(x.Cost.PerOperation)}**"))} |");
        b.AppendLine();
        foreach (var (name, cost) in scenarios.Where(x => x.Cost is not null).Take(2))
        {
            b.AppendLine($"| {name}'s write transactions by the tables they wrote (WAL) | database | per {(name == "submission" ? "submission" : "lifecycle")} |");
            b.AppendLine("|---|---|---|");
            foreach (var k in cost!.Kinds.Take(15)) b.AppendLine($"| {k.Tables} | {k.Database} | {F(k.PerOperation)} |");
            b.AppendLine();
        }
    }

    /// <summary>Replaces the marked section of the file (appends one if the file has none).</summary>
    public static void IntoMarkdownFile(string path, BenchmarkReport report)
    {
        var text = File.Exists(path) ? File.ReadAllText(path) : "# Benchmarks\n";
        var section = ToMarkdown(report).TrimEnd('\n');
        var start = text.IndexOf(Start, StringComparison.Ordinal);
        var end = text.IndexOf(End, StringComparison.Ordinal);
        text = start >= 0 && end > start
            ? string.Concat(text.AsSpan(0, start), section, text.AsSpan(end + End.Length))
            : text.TrimEnd('\n') + "\n\n" + section + "\n";
        File.WriteAllText(path, text);
    }
}

using System.Globalization;

namespace Procedures.Benchmarks.Load;

/// <summary>The issue's goals (2 cores, everything on one machine), judged against one run's figures.</summary>
public static class Goals
{
    public static IReadOnlyList<Goal> Judge(BenchmarkReport r)
    {
        var goals = new List<Goal>();
        var s = r.Submission;
        goals.Add(new("submissions/s (201 after commit)", "≥ 1,000/s", $"{F(s.Load.PerSecond)}/s", s.Load.PerSecond >= 1000,
            $"{F(s.Cost.WriteTransactions)} write transactions and {F(s.Cost.MessagesConsumed)} deliveries per submission (all services); " +
            $"commit-bound {F(s.Ratios.CommitBoundPerSecond)}/s ({Pct(s.Ratios.ShareOfCommitBound)} reached), " +
            $"broker-bound {F(s.Ratios.MessageBoundPerSecond)}/s ({Pct(s.Ratios.ShareOfMessageBound)})"));

        var l = r.Lifecycle;
        goals.Add(new("full lifecycles/s vs the durable-commit rate ÷ commits per lifecycle", "≥ 50 %",
            $"{F(l.Max.Load.PerSecond)}/s = {Pct(l.Ratios.ShareOfCommitBound)} of {F(r.Limits.CommitsPerSecond)} ÷ {F(l.Cost.WriteTransactions)} = {F(l.Ratios.CommitBoundPerSecond)}/s",
            l.Ratios.ShareOfCommitBound >= 0.5,
            $"broker-bound {F(l.Ratios.MessageBoundPerSecond)}/s ({F(l.Cost.MessagesConsumed)} deliveries per lifecycle, {Pct(l.Ratios.ShareOfMessageBound)} reached)"));

        var lost = l.Max.Missing.Count + l.HalfRate.Missing.Count;
        var failed = l.Max.Load.Failed + l.HalfRate.Load.Failed;
        goals.Add(new("zero loss (every submitted lifecycle acknowledged at status 10 by the portal)", "0 lost",
            $"{lost} lost of {l.Max.Submitted + l.HalfRate.Submitted}, {failed} lifecycles failed", lost == 0 && failed == 0,
            failed > 0 ? string.Join(" | ", l.Max.Load.Errors.Concat(l.HalfRate.Load.Errors).Take(3)) : ""));

        var e2e = l.HalfRate.Stages["end-to-end"];
        goals.Add(new("p99 submit → portal acknowledgement at half the max sustained lifecycle rate", "≤ 1,000 ms",
            $"{F(e2e.P99)} ms at {F(l.HalfRate.Load.PerSecond)}/s (p50 {F(e2e.P50)} ms)", e2e.Count > 0 && e2e.P99 <= 1000,
            "a lifecycle includes six desk/citizen steps; the end-to-end time includes them (see per-stage)"));

        var index = r.Reporting.Queries.Where(q => q.Name.StartsWith("766", StringComparison.Ordinal)).ToList();
        var worst = index.Count == 0 ? 0 : index.Max(q => q.Milliseconds.P95);
        goals.Add(new($"766 index over {r.Reporting.Facts:N0} dossiers (month; month × agency), p95", "≤ 100 ms", $"{F(worst)} ms",
            index.Count > 0 && worst <= 100, string.Join("; ", index.Select(q => $"{q.Name}: p50 {F(q.Milliseconds.P50)} ms"))));

        var services = l.Memory.PeakMb.Where(kv => kv.Key is not ("postgres" or "rabbitmq")).ToList();
        var heaviest = services.Count == 0 ? default : services.MaxBy(kv => kv.Value);
        goals.Add(new("peak resident memory of each .NET service (lifecycle runs)", "≤ 300 MB", services.Count == 0 ? "not measured" : $"{heaviest.Key} {F(heaviest.Value)} MB",
            services.Count > 0 && heaviest.Value <= 300, string.Join(", ", services.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {F(kv.Value)}"))));
        goals.Add(new("peak resident memory of the whole system (services + Postgres PSS + RabbitMQ)", "≤ 2,560 MB", $"{F(l.Memory.PeakTotalMb)} MB",
            l.Memory.PeakTotalMb is > 0 and <= 2560,
            $"postgres {F(l.Memory.PeakMb.GetValueOrDefault("postgres"))} MB, rabbitmq {F(l.Memory.PeakMb.GetValueOrDefault("rabbitmq"))} MB"));
        return goals;
    }

    public static string F(double v) => v.ToString(v >= 100 ? "N0" : "0.##", CultureInfo.InvariantCulture);

    public static string Pct(double share) => (share * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %";
}

using System.Globalization;

namespace Procedures.Benchmarks.Load;

/// <summary>Issue 23's goals (2 cores, everything co-located, Release), judged against one run's figures.</summary>
public static class Goals
{
    public static IReadOnlyList<Goal> Judge(BenchmarkReport r)
    {
        var goals = new List<Goal>();
        var s = r.Submission;
        var l = r.Lifecycle;
        // Issue 23: each scenario against what the broker alone allows (confirmed deliveries/s ÷ deliveries per operation);
        // where it falls short, the processes whose CPU per operation stands between are named.
        goals.Add(new("submissions/s vs the broker bound (confirmed deliveries/s ÷ deliveries per submission)", "≥ 50 %",
            $"{F(s.Load.PerSecond)}/s = {Pct(s.Ratios.ShareOfMessageBound)} of {F(r.Limits.MessagesPerSecond)} ÷ {F(s.Cost.MessagesConsumed)} = {F(s.Ratios.MessageBoundPerSecond)}/s",
            s.Ratios.ShareOfMessageBound >= 0.5, CpuBetween(s.Cpu)));
        goals.Add(new("full lifecycles/s vs the broker bound (confirmed deliveries/s ÷ deliveries per lifecycle)", "≥ 50 %",
            $"{F(l.Max.Load.PerSecond)}/s = {Pct(l.Ratios.ShareOfMessageBound)} of {F(r.Limits.MessagesPerSecond)} ÷ {F(l.Cost.MessagesConsumed)} = {F(l.Ratios.MessageBoundPerSecond)}/s",
            l.Ratios.ShareOfMessageBound >= 0.5, CpuBetween(l.Cpu)));
        double PerDelivery(OperationCost c) => c.MessagesConsumed > 0 ? c.WriteTransactions / c.MessagesConsumed : 0;
        goals.Add(new("write transactions per delivery under closed-loop load", "≤ 0.5",
            $"submission {F(PerDelivery(s.Cost))}, lifecycle {F(PerDelivery(l.Cost))}",
            PerDelivery(s.Cost) is > 0 and <= 0.5 && PerDelivery(l.Cost) is > 0 and <= 0.5,
            $"submission {F(s.Cost.WriteTransactions)} tx / {F(s.Cost.MessagesConsumed)} deliveries; lifecycle {F(l.Cost.WriteTransactions)} / {F(l.Cost.MessagesConsumed)}"));

        var lost = l.Max.Missing.Count + l.HalfRate.Missing.Count;
        var failed = l.Max.Load.Failed + l.HalfRate.Load.Failed;
        goals.Add(new("zero loss (every submitted lifecycle acknowledged at status 10 by the portal)", "0 lost",
            $"{lost} lost of {l.Max.Submitted + l.HalfRate.Submitted}, {failed} lifecycles failed", lost == 0 && failed == 0,
            failed > 0 ? string.Join(" | ", l.Max.Load.Errors.Concat(l.HalfRate.Load.Errors).Take(3)) : ""));

        // The harness times each step from its API call to the event that shows it done; the steps before the portal's
        // acknowledgement are API calls (with the event that answers them), the last is commit → national portal.
        var calls = l.HalfRate.Stages.Where(kv => kv.Key is not ("portal-ack" or "end-to-end") && kv.Value.Count > 0).ToList();
        var slowest = calls.Count == 0 ? default : calls.MaxBy(kv => kv.Value.P99);
        goals.Add(new("every API step p99 at half the max sustained lifecycle rate", "≤ 100 ms",
            calls.Count == 0 ? "not measured" : $"{slowest.Key} {F(slowest.Value.P99)} ms at {F(l.HalfRate.Load.PerSecond)}/s",
            calls.Count > 0 && slowest.Value.P99 <= 100, string.Join(", ", calls.Select(kv => $"{kv.Key} {F(kv.Value.P99)}"))));
        var ack = l.HalfRate.Stages.GetValueOrDefault("portal-ack");
        goals.Add(new("commit → national-portal acknowledgement p99 at half rate", "≤ 300 ms",
            ack is null || ack.Count == 0 ? "not measured" : $"{F(ack.P99)} ms (p50 {F(ack.P50)} ms)", ack is { Count: > 0 } && ack.P99 <= 300,
            CpuBetween(l.HalfRateCpu)));

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

    /// <summary>The three processes spending the most CPU per operation, and the whole system against the primitive floor.</summary>
    private static string CpuBetween(CpuCost cpu)
        => cpu.MsPerOperation.Count == 0 ? "" : "CPU-ms per operation: " + string.Join(", ", cpu.MsPerOperation
               .Where(kv => kv.Key != ProcessCpu.Harness).OrderByDescending(kv => kv.Value).Take(3).Select(kv => $"{kv.Key} {F(kv.Value)}"))
           + $"; system {F(cpu.SystemMsPerOperation)} = {F(cpu.TimesFloor)}× the floor ({F(cpu.FloorMsPerOperation)})";

    public static string F(double v) => v.ToString(v >= 100 ? "N0" : "0.##", CultureInfo.InvariantCulture);

    public static string Pct(double share) => (share * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %";
}

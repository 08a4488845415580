using System.Globalization;
using System.Runtime.InteropServices;

namespace Procedures.Benchmarks.Load;

/// <summary>
/// CPU time of the system's processes (<see cref="SystemProcesses"/>) and of the harness (this process), read from
/// /proc/&lt;pid&gt;/stat (utime + stime) at the start and the end of a window. A group's time includes its reaped children's
/// (cutime + cstime): Postgres' backends come and go during a window, and a backend that ended is added to the
/// postmaster's children time when it is reaped, so summing the postmaster's own and children time with the live
/// backends' covers every backend that ran. The machine's busy time (/proc/stat, every process including other tenants')
/// is read beside it, to show how much of the machine the named processes account for.
/// </summary>
public sealed class ProcessCpu(IReadOnlyDictionary<string, int[]> groups)
{
    public const string Harness = "harness";

    private static readonly double MsPerTick = 1000.0 / ClockTicksPerSecond();

    public CpuSample Take()
    {
        var ms = new Dictionary<string, double>(StringComparer.Ordinal);
        if (OperatingSystem.IsLinux())
        {
            var all = SystemProcesses.All();
            // Each process once: a group's roots may hold children found when the group was (Postgres' backends then),
            // which are its root's children again now. Counted twice, a backend that ends in the window would take its time
            // out twice and put it back once (into the postmaster's children time), and the group's time would fall.
            foreach (var (group, roots) in groups)
                ms[group] = roots.Concat(roots.SelectMany(r => SystemProcesses.ChildrenOf(r, all))).Distinct().Sum(Ticks) * MsPerTick;
            ms[Harness] = Ticks(Environment.ProcessId) * MsPerTick;
        }
        return new CpuSample(ms, MachineBusyTicks() * MsPerTick, DateTimeOffset.UtcNow);
    }

    /// <summary>utime + stime + cutime + cstime of a process (fields 14–17 of /proc/pid/stat), 0 when it is gone.</summary>
    private static long Ticks(int pid)
    {
        string stat;
        try { stat = File.ReadAllText($"/proc/{pid}/stat"); }
        catch (IOException) { return 0; }
        // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one (field 3 at 0).
        var f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return Enumerable.Range(11, 4).Sum(i => long.Parse(f[i], CultureInfo.InvariantCulture));
    }

    /// <summary>Busy time of every core (user, nice, system, irq, softirq, steal of /proc/stat's first line).</summary>
    private static long MachineBusyTicks()
    {
        if (!File.Exists("/proc/stat")) return 0;
        var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return new[] { 1, 2, 3, 6, 7, 8 }.Sum(i => long.Parse(f[i], CultureInfo.InvariantCulture));
    }

    private static long ClockTicksPerSecond() => OperatingSystem.IsLinux() ? SysConf(2 /* _SC_CLK_TCK */) : 100;

    [DllImport("libc", EntryPoint = "sysconf")]
    private static extern long SysConf(int name);
}

public sealed record CpuSample(IReadOnlyDictionary<string, double> Milliseconds, double MachineMilliseconds, DateTimeOffset At);

/// <summary>
/// The machine's primitive costs, measured in the same run during the limit tests: CPU-ms per durable commit (Postgres and
/// the committing client, the harness) and per confirmed delivery (RabbitMQ and the publishing and consuming client).
/// </summary>
public sealed record PrimitiveCosts(double PostgresMsPerCommit, double ClientMsPerCommit, double BrokerMsPerDelivery, double ClientMsPerDelivery)
{
    public double MsPerCommit => Math.Round(PostgresMsPerCommit + ClientMsPerCommit, 3);
    public double MsPerDelivery => Math.Round(BrokerMsPerDelivery + ClientMsPerDelivery, 3);

    public static PrimitiveCosts Of(CpuSample commitsBefore, CpuSample commitsAfter, long commits, CpuSample deliveriesBefore,
        CpuSample deliveriesAfter, long deliveries)
    {
        double Per(CpuSample before, CpuSample after, string group, long count)
            => count == 0 ? 0 : Math.Round((after.Milliseconds.GetValueOrDefault(group) - before.Milliseconds.GetValueOrDefault(group)) / count, 4);
        return new(Per(commitsBefore, commitsAfter, SystemProcesses.Postgres, commits), Per(commitsBefore, commitsAfter, ProcessCpu.Harness, commits),
            Per(deliveriesBefore, deliveriesAfter, SystemProcesses.RabbitMq, deliveries), Per(deliveriesBefore, deliveriesAfter, ProcessCpu.Harness, deliveries));
    }
}

/// <summary>
/// CPU-ms per operation of each process over a scenario's window (from its start until the pipeline behind it settled),
/// the system's sum (every process but the harness), the harness, the whole machine; and the primitive floor: what the
/// operation's durable commits and deliveries would cost at the primitive costs (commits × CPU-ms per commit + deliveries ×
/// CPU-ms per delivery), and the system's cost as a multiple of it.
/// </summary>
public sealed record CpuCost(double WindowSeconds, IReadOnlyDictionary<string, double> MsPerOperation, double SystemMsPerOperation,
    double HarnessMsPerOperation, double MachineMsPerOperation, double FloorMsPerOperation, double TimesFloor)
{
    public static CpuCost Of(CpuSample before, CpuSample after, long operations, OperationCost counts, PrimitiveCosts primitives)
    {
        if (operations == 0) return new((after.At - before.At).TotalSeconds, new Dictionary<string, double>(), 0, 0, 0, 0, 0);
        var per = after.Milliseconds.ToDictionary(kv => kv.Key,
            kv => Math.Round((kv.Value - before.Milliseconds.GetValueOrDefault(kv.Key)) / operations, 2), StringComparer.Ordinal);
        var system = Math.Round(per.Where(kv => kv.Key != ProcessCpu.Harness).Sum(kv => kv.Value), 2);
        var floor = Math.Round(counts.WriteTransactions * primitives.MsPerCommit + counts.MessagesConsumed * primitives.MsPerDelivery, 2);
        return new(Math.Round((after.At - before.At).TotalSeconds, 1), per, system, per.GetValueOrDefault(ProcessCpu.Harness),
            Math.Round((after.MachineMilliseconds - before.MachineMilliseconds) / operations, 2), floor, floor > 0 ? Math.Round(system / floor, 1) : 0);
    }
}

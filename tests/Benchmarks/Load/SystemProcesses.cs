using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting.Internal;
using Procedures.ServiceDefaults.Telemetry;

namespace Procedures.Benchmarks.Load;

/// <summary>
/// The system's processes on this machine (Linux /proc), by group. Each .NET service is the process whose environment
/// names it (OTEL_SERVICE_NAME, as Aspire sets it) and which runs under the same parent as the others (the AppHost's
/// process launcher), so other systems on the machine do not count. Postgres is the server listening on its port (its
/// backends are its children); RabbitMQ is the beam.smp listening on the AMQP port; the dashboard (which is also the
/// OTLP collector the services export to) is the Aspire.Dashboard process started beside the services.
/// </summary>
public static class SystemProcesses
{
    public const string Postgres = "postgres";
    public const string RabbitMq = "rabbitmq";
    public const string Dashboard = "dashboard";

    /// <summary>Group → process ids; empty off Linux or when nothing is found.</summary>
    public static IReadOnlyDictionary<string, int[]> Find(SystemTarget target, IEnumerable<string> services)
    {
        var groups = new Dictionary<string, int[]>(StringComparer.Ordinal);
        if (!OperatingSystem.IsLinux()) return groups;
        var postmaster = ListeningPid(target.PostgresPort);
        var beam = ListeningPid(target.RabbitMqPort);
        var all = All();
        var named = services.ToDictionary(s => s, s => all.Where(p => Environ(p).Contains("OTEL_SERVICE_NAME=" + s)).ToList());
        // The launcher that started the services whose database is on our Postgres port is the parent of "our" services.
        var launcher = named.Values.SelectMany(p => p).Where(p => Environ(p).Any(e => e.Contains($"Port={target.PostgresPort}", StringComparison.Ordinal)))
            .Select(ParentOf).FirstOrDefault();
        foreach (var (service, pids) in named)
        {
            var ours = pids.Where(p => ParentOf(p) == launcher).ToArray();
            if (ours.Length > 0) groups[service] = ours;
        }
        if (postmaster > 0) groups[Postgres] = [postmaster, .. ChildrenOf(postmaster, all)];
        if (beam > 0) groups[RabbitMq] = [beam];
        // Several systems may run on the machine (other engineers' test hosts): the dashboard closest to our services'
        // launcher in the process tree is ours (the same parent, or the launcher's parent).
        var dashboards = all.Where(p => CommandLine(p).Contains("Aspire.Dashboard", StringComparison.Ordinal)).ToList();
        var dashboard = dashboards.FirstOrDefault(p => ParentOf(p) == launcher);
        if (dashboard == 0 && launcher > 0) dashboard = dashboards.FirstOrDefault(p => ParentOf(p) == ParentOf(launcher));
        if (dashboard > 0) groups[Dashboard] = [dashboard];
        return groups;
    }

    /// <summary>
    /// What the services record, read from the first service process's environment as the service itself reads it
    /// (Telemetry:TraceSampleRatio, else the environment's default: <see cref="TraceSampling"/>).
    /// </summary>
    public static string TraceRecording(IReadOnlyDictionary<string, int[]> groups, IEnumerable<string> services)
    {
        if (services.Select(s => groups.GetValueOrDefault(s)).FirstOrDefault(p => p is { Length: > 0 }) is not { } pids)
            return "trace recording unknown (no service process found)";
        var environ = Environ(pids[0]).Select(e => e.Split('=', 2)).Where(kv => kv.Length == 2)
            .GroupBy(kv => kv[0], StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);
        var environment = environ.GetValueOrDefault("ASPNETCORE_ENVIRONMENT") ?? environ.GetValueOrDefault("DOTNET_ENVIRONMENT") ?? "Production";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(
            environ.Where(kv => kv.Key == "Telemetry__TraceSampleRatio")
                .Select(kv => new KeyValuePair<string, string?>(TraceSampling.RatioSetting, kv.Value))).Build();
        var ratio = TraceSampling.Ratio(configuration,
            new HostingEnvironment { EnvironmentName = environment });
        var why = environ.ContainsKey("Telemetry__TraceSampleRatio") ? "Telemetry:TraceSampleRatio" : $"the {environment} default";
        return ratio >= 1 ? $"every trace recorded ({why})"
            : $"{ratio.ToString("P0", CultureInfo.InvariantCulture)} of new traces recorded, parent-based ({why})";
    }

    /// <summary>The server listening on the port and its children (Postgres: the postmaster and its backends); empty when none.</summary>
    public static int[] ListeningWithChildren(int port)
        => ListeningPid(port) is > 0 and var pid ? [pid, .. ChildrenOf(pid, All())] : [];

    /// <summary>
    /// The processes of one .NET service of one system: its environment names it (OTEL_SERVICE_NAME) and holds
    /// <paramref name="marker"/> (e.g. that system's database port, which no other system on the machine shares). Only the
    /// innermost of a chain is taken (a launcher such as `dotnet run` carries the same environment as the service it starts).
    /// </summary>
    public static int[] Service(string service, string marker)
    {
        var all = All();
        var matching = all.Where(p => Environ(p) is var e && e.Contains("OTEL_SERVICE_NAME=" + service) && e.Any(v => v.Contains(marker, StringComparison.Ordinal)))
            .ToHashSet();
        return matching.Where(p => !matching.Any(c => ParentOf(c) == p)).ToArray();
    }

    /// <summary>KB of memory held by the processes: PSS summed when they share memory (Postgres' shared buffers counted once), else RSS.</summary>
    public static long MemoryKb(IEnumerable<int> pids, bool proportional)
        => pids.Sum(p => proportional ? Field($"/proc/{p}/smaps_rollup", "Pss:") : Field($"/proc/{p}/status", "VmRSS:"));

    internal static List<int> All() =>
        Directory.EnumerateDirectories("/proc").Select(d => int.TryParse(Path.GetFileName(d), out var p) ? p : 0).Where(p => p > 0).ToList();

    internal static IEnumerable<int> ChildrenOf(int parent, IEnumerable<int> all) => all.Where(p => ParentOf(p) == parent);

    /// <summary>A numeric field of a /proc key-value file (status, smaps_rollup), 0 when the process is gone.</summary>
    internal static long Field(string file, string name)
    {
        try
        {
            foreach (var line in File.ReadLines(file))
                if (line.StartsWith(name, StringComparison.Ordinal))
                    return long.Parse(line[name.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return 0;
    }

    private static string[] Environ(int pid) => Read($"/proc/{pid}/environ").Split('\0');

    private static string CommandLine(int pid) => Read($"/proc/{pid}/cmdline").Replace('\0', ' ');

    private static string Read(string file)
    {
        try { return File.ReadAllText(file); }
        catch (IOException) { return ""; }
        catch (UnauthorizedAccessException) { return ""; }
    }

    internal static int ParentOf(int pid) => (int)Field($"/proc/{pid}/status", "PPid:");

    /// <summary>The process holding a listening TCP socket on the port (via the socket's inode in /proc/net/tcp*).</summary>
    private static int ListeningPid(int port)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length > 9 && f[3] == "0A" && int.Parse(f[1].Split(':')[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port)
                    inodes.Add($"socket:[{f[9]}]");
            }
        }
        if (inodes.Count == 0) return 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            try
            {
                foreach (var fd in Directory.EnumerateFiles($"{dir}/fd"))
                    if (new FileInfo(fd).LinkTarget is { } link && inodes.Contains(link)) return pid;
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return 0;
    }
}

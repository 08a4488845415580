using System.Globalization;

namespace Procedures.Benchmarks.Load;

/// <summary>
/// Resident memory of the system's processes, sampled from /proc while a scenario runs (Linux). Each .NET service is the
/// process whose environment names it (OTEL_SERVICE_NAME, as Aspire sets it) and which runs under the same parent as the
/// others (the AppHost's process launcher), so other systems on the machine do not count. Postgres is the server listening
/// on its port plus all its children; RabbitMQ is the beam.smp listening on the AMQP port. Postgres is summed as PSS
/// (proportional set size: shared buffers counted once, not once per backend); every other figure is RSS.
/// </summary>
public sealed class ProcessMemory : IAsyncDisposable
{
    private readonly Dictionary<string, int[]> _groups;
    private readonly Dictionary<string, long> _peakKb = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _peakTotalKb;

    private ProcessMemory(Dictionary<string, int[]> groups)
    {
        _groups = groups;
        _loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
            try
            {
                do Sample();
                while (await timer.WaitForNextTickAsync(_stop.Token));
            }
            catch (OperationCanceledException) { }
        });
    }

    /// <summary>Finds the processes; an empty map off Linux or when none are found (memory is then not reported).</summary>
    public static ProcessMemory Start(SystemTarget target, IEnumerable<string> services)
    {
        var groups = new Dictionary<string, int[]>(StringComparer.Ordinal);
        if (!OperatingSystem.IsLinux()) return new ProcessMemory(groups);
        var postmaster = ListeningPid(target.PostgresPort);
        var beam = ListeningPid(target.RabbitMqPort);
        var all = Directory.EnumerateDirectories("/proc").Select(d => int.TryParse(Path.GetFileName(d), out var p) ? p : 0).Where(p => p > 0).ToList();
        var named = services.ToDictionary(s => s, s => all.Where(p => Environ(p).Contains("OTEL_SERVICE_NAME=" + s)).ToList());
        // The launcher that started the services whose database is on our Postgres port is the parent of "our" services.
        var launcher = named.Values.SelectMany(p => p).Where(p => Environ(p).Any(e => e.Contains($"Port={target.PostgresPort}", StringComparison.Ordinal)))
            .Select(ParentOf).FirstOrDefault();
        foreach (var (service, pids) in named)
        {
            var ours = pids.Where(p => ParentOf(p) == launcher).ToArray();
            if (ours.Length > 0) groups[service] = ours;
        }
        if (postmaster > 0) groups["postgres"] = [postmaster, .. all.Where(p => ParentOf(p) == postmaster)];
        if (beam > 0) groups["rabbitmq"] = [beam];
        return new ProcessMemory(groups);
    }

    public IReadOnlyDictionary<string, int[]> Processes => _groups;

    /// <summary>Peak MB per group and of their sum, over the samples taken so far.</summary>
    public (IReadOnlyDictionary<string, double> PeakMb, double PeakTotalMb) Peaks()
    {
        lock (_peakKb)
            return (_peakKb.ToDictionary(kv => kv.Key, kv => Math.Round(kv.Value / 1024.0, 1)), Math.Round(_peakTotalKb / 1024.0, 1));
    }

    private void Sample()
    {
        long total = 0;
        lock (_peakKb)
        {
            foreach (var (group, pids) in _groups)
            {
                var kb = group == "postgres"
                    ? pids.Sum(p => Field($"/proc/{p}/smaps_rollup", "Pss:"))
                    : pids.Sum(p => Field($"/proc/{p}/status", "VmRSS:"));
                total += kb;
                _peakKb[group] = Math.Max(_peakKb.GetValueOrDefault(group), kb);
            }
            _peakTotalKb = Math.Max(_peakTotalKb, total);
        }
    }

    private static long Field(string file, string name)
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

    private static string[] Environ(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/environ").Split('\0'); }
        catch (IOException) { return []; }
        catch (UnauthorizedAccessException) { return []; }
    }

    private static int ParentOf(int pid) => (int)Field($"/proc/{pid}/status", "PPid:");

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

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}

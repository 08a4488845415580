namespace Procedures.Benchmarks.Load;

/// <summary>
/// Resident memory of the system's processes (<see cref="SystemProcesses"/>), sampled from /proc while a scenario runs
/// (Linux). Postgres is summed as PSS (proportional set size: shared buffers counted once, not once per backend); every
/// other figure is RSS.
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

    /// <summary>Samples the groups <see cref="SystemProcesses.Find"/> found (the dashboard's excepted: the goal's "whole system" is
    /// the services, Postgres and RabbitMQ); nothing off Linux or when none were found (memory is then not reported).</summary>
    public static ProcessMemory Start(IReadOnlyDictionary<string, int[]> processes)
        => new(processes.Where(kv => kv.Key != SystemProcesses.Dashboard).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal));

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
                var kb = SystemProcesses.MemoryKb(pids, proportional: group == SystemProcesses.Postgres);
                total += kb;
                _peakKb[group] = Math.Max(_peakKb.GetValueOrDefault(group), kb);
            }
            _peakTotalKb = Math.Max(_peakTotalKb, total);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}

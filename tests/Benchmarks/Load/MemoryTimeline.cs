namespace Procedures.Benchmarks.Load;

/// <summary>One group of processes to sample: PSS summed when they share memory (Postgres), else RSS.</summary>
public sealed record ProcessGroup(string Name, int[] Pids, bool Proportional);

/// <summary>
/// One group's growth check: its current process since minute <paramref name="Since"/> (0 unless a fault restarted it),
/// the mean of the first window after its warm-up against the mean of the last window, and the bound. Window 0: its
/// process has not lived long enough to compare (the means are then 0).
/// </summary>
public sealed record MemoryGrowth(string Group, int Since, int Window, double FirstMb, double LastMb, double LimitMb)
{
    public bool Exceeded => Window > 0 && LastMb > LimitMb;
}

/// <summary>
/// Memory of a long run's processes over time (Linux /proc), for a soak: the processes are found again at every sample,
/// because a fault kills and restarts them (a new process id, memory starting over). Each minute keeps the mean of its
/// samples per group; a group with no live process in a sample (down at that moment) is left out of that sample.
/// </summary>
public sealed class MemoryTimeline : IAsyncDisposable
{
    private readonly Func<IReadOnlyList<ProcessGroup>> _find;
    private readonly DateTime _start = DateTime.UtcNow;
    private readonly Dictionary<int, Dictionary<string, (long SumKb, int Count)>> _minutes = new();
    /// <summary>Group → its current main process (the first pid found) and the minute it was first seen.</summary>
    private readonly Dictionary<string, (int Pid, int Since)> _current = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public MemoryTimeline(Func<IReadOnlyList<ProcessGroup>> find, TimeSpan every)
    {
        _find = find;
        _loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(every);
            try
            {
                do Sample();
                while (await timer.WaitForNextTickAsync(_stop.Token));
            }
            catch (OperationCanceledException) { }
        });
    }

    private void Sample()
    {
        var minute = (int)(DateTime.UtcNow - _start).TotalMinutes;
        foreach (var group in _find())
        {
            var kb = SystemProcesses.MemoryKb(group.Pids, group.Proportional);
            if (kb == 0) continue; // down at this moment (killed by a fault)
            lock (_minutes)
            {
                if (!_current.TryGetValue(group.Name, out var current) || current.Pid != group.Pids[0])
                    _current[group.Name] = (group.Pids[0], _current.ContainsKey(group.Name) ? minute : 0);
                var groups = _minutes.TryGetValue(minute, out var g) ? g : _minutes[minute] = new(StringComparer.Ordinal);
                var (sum, count) = groups.GetValueOrDefault(group.Name);
                groups[group.Name] = (sum + kb, count + 1);
            }
        }
    }

    /// <summary>Group → the minute its current process was first seen (0 for a process alive since the start).</summary>
    public Dictionary<string, int> Since()
    {
        lock (_minutes) return _current.ToDictionary(c => c.Key, c => c.Value.Since, StringComparer.Ordinal);
    }

    /// <summary>Minute of the run → group → mean MB over that minute's samples.</summary>
    public SortedDictionary<int, Dictionary<string, double>> PerMinute()
    {
        lock (_minutes)
            return new(_minutes.ToDictionary(m => m.Key,
                m => m.Value.ToDictionary(g => g.Key, g => Math.Round(g.Value.SumKb / 1024.0 / g.Value.Count, 1), StringComparer.Ordinal)));
    }

    /// <summary>
    /// The growth bound, per group, over its current process (a fault may have restarted it at minute <c>since</c>): the
    /// mean of the last window may exceed the mean of the first window after <paramref name="warmUp"/> minutes of that
    /// process's life by at most <paramref name="factor"/> of it plus <paramref name="slackMb"/> (so that a garbage-collected
    /// process's swing and a small process's noise are not called growth). Windows are <paramref name="window"/> minutes, or
    /// half of what the process lived after its warm-up when that is shorter. The minute still running at the end is left
    /// out (it holds few samples).
    /// </summary>
    public static IReadOnlyList<MemoryGrowth> Growth(SortedDictionary<int, Dictionary<string, double>> perMinute,
        IReadOnlyDictionary<string, int> since, int warmUp, int window, double factor, double slackMb)
    {
        if (perMinute.Count == 0) return [];
        var end = perMinute.Keys.Max(); // exclusive: the last, partial minute
        double Mean(string group, int from, int to)
            => Math.Round(perMinute.Where(m => m.Key >= from && m.Key < to && m.Value.ContainsKey(group)).Select(m => m.Value[group])
                .DefaultIfEmpty(0).Average(), 1);
        return since.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var start = g.Value + warmUp;
            var w = Math.Min(window, (end - start) / 2);
            if (w < 1) return new MemoryGrowth(g.Key, g.Value, 0, 0, 0, 0);
            var first = Mean(g.Key, start, start + w);
            return new MemoryGrowth(g.Key, g.Value, w, first, Mean(g.Key, end - w, end), Math.Round(first * (1 + factor) + slackMb, 1));
        }).ToList();
    }

    /// <summary>The per-minute table in Markdown, one column per group.</summary>
    public static string Table(SortedDictionary<int, Dictionary<string, double>> perMinute, IEnumerable<string> groups)
    {
        var columns = groups.ToList();
        var text = new System.Text.StringBuilder();
        text.AppendLine($"| minute | {string.Join(" | ", columns)} |");
        text.AppendLine($"|---|{string.Concat(columns.Select(_ => "---|"))}");
        foreach (var (minute, values) in perMinute)
            text.AppendLine($"| {minute} | {string.Join(" | ", columns.Select(c => values.TryGetValue(c, out var mb) ? mb.ToString("F0", System.Globalization.CultureInfo.InvariantCulture) : "—"))} |");
        return text.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}

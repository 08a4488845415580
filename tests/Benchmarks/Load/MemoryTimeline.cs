namespace Procedures.Benchmarks.Load;

/// <summary>One group of processes to sample: PSS summed when they share memory (Postgres), else RSS.</summary>
public sealed record ProcessGroup(string Name, int[] Pids, bool Proportional);

/// <summary>A group whose memory grew: the mean of the last window against the first one after warm-up, and the bound.</summary>
public sealed record MemoryGrowth(string Group, double FirstMb, double LastMb, double LimitMb)
{
    public bool Exceeded => LastMb > LimitMb;
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
                var groups = _minutes.TryGetValue(minute, out var g) ? g : _minutes[minute] = new(StringComparer.Ordinal);
                var (sum, count) = groups.GetValueOrDefault(group.Name);
                groups[group.Name] = (sum + kb, count + 1);
            }
        }
    }

    /// <summary>Minute of the run → group → mean MB over that minute's samples.</summary>
    public SortedDictionary<int, Dictionary<string, double>> PerMinute()
    {
        lock (_minutes)
            return new(_minutes.ToDictionary(m => m.Key,
                m => m.Value.ToDictionary(g => g.Key, g => Math.Round(g.Value.SumKb / 1024.0 / g.Value.Count, 1), StringComparer.Ordinal)));
    }

    /// <summary>
    /// The growth bound: for each group, the mean of the last <paramref name="window"/> minutes may exceed the mean of the first
    /// <paramref name="window"/> minutes after <paramref name="warmUp"/> by at most <paramref name="factor"/> of it plus
    /// <paramref name="slackMb"/> (so that a small process's noise is not called growth). The minute still running at the
    /// end is left out (it holds few samples).
    /// </summary>
    public static IReadOnlyList<MemoryGrowth> Growth(SortedDictionary<int, Dictionary<string, double>> perMinute, int warmUp, int window,
        double factor, double slackMb)
    {
        var minutes = perMinute.Keys.ToList();
        if (minutes.Count == 0) return [];
        var end = minutes[^1]; // exclusive: the last, partial minute
        var first = minutes.Where(m => m >= warmUp && m < warmUp + window).ToList();
        var last = minutes.Where(m => m >= end - window && m < end).ToList();
        double? Mean(List<int> window1, string group)
            => window1.Select(m => perMinute[m].TryGetValue(group, out var mb) ? mb : (double?)null).Where(v => v is not null).ToList() is { Count: > 0 } values
                ? Math.Round(values.Average()!.Value, 1) : null;
        return perMinute.Values.SelectMany(g => g.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(group => (group, f: Mean(first, group), l: Mean(last, group)))
            .Where(x => x.f is not null && x.l is not null)
            .Select(x => new MemoryGrowth(x.group, x.f!.Value, x.l!.Value, Math.Round(x.f!.Value * (1 + factor) + slackMb, 1)))
            .ToList();
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

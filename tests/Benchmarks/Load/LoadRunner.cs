using System.Diagnostics;

namespace Procedures.Benchmarks.Load;

/// <summary>How hard to push: workers in flight, for how long, and optionally a paced start rate (operations/s).</summary>
public sealed record LoadShape(int Concurrency, TimeSpan Duration, double? Rate = null);

public sealed record LoadResult(string Name, int Concurrency, double? TargetRate, double Seconds, long Completed, long Failed,
    double PerSecond, Percentiles Latency, IReadOnlyList<string> Errors);

/// <summary>
/// Runs one operation over and over from <see cref="LoadShape.Concurrency"/> workers until the duration is up (closed loop),
/// or starts operations at a fixed rate with at most that many in flight (the start is the planned one, so queueing behind a
/// full set of workers counts in the latency). Operations in flight at the deadline finish and count. Prints progress.
/// </summary>
public static class LoadRunner
{
    public static async Task<LoadResult> RunAsync(string name, LoadShape shape, Func<int, CancellationToken, Task> operation,
        TextWriter progress, CancellationToken ct = default)
    {
        var latency = new Latency();
        long completed = 0, failed = 0, next = -1;
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var clock = Stopwatch.StartNew();
        var deadline = shape.Duration;

        async Task WorkerAsync()
        {
            while (!ct.IsCancellationRequested)
            {
                var i = Interlocked.Increment(ref next);
                var planned = shape.Rate is { } rate ? TimeSpan.FromSeconds(i / rate) : clock.Elapsed;
                if (planned >= deadline) return;
                var wait = planned - clock.Elapsed;
                if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
                try
                {
                    await operation((int)i, ct);
                    latency.Add((clock.Elapsed - planned).TotalMilliseconds);
                    Interlocked.Increment(ref completed);
                }
                catch (Exception ex) when (!ct.IsCancellationRequested)
                {
                    Interlocked.Increment(ref failed);
                    if (errors.Count < 10) errors.Enqueue(ex.Message.Length > 300 ? ex.Message[..300] : ex.Message);
                }
            }
        }

        var workers = Enumerable.Range(0, shape.Concurrency).Select(_ => Task.Run(WorkerAsync, ct)).ToArray();
        using (Progress.Every(TimeSpan.FromSeconds(2), progress, () =>
               {
                   var elapsed = clock.Elapsed.TotalSeconds;
                   var done = Interlocked.Read(ref completed);
                   return $"{name}: {done:N0} done, {Interlocked.Read(ref failed):N0} failed, {done / Math.Max(elapsed, 0.001):N0}/s so far, " +
                          $"{elapsed:F0} s elapsed, {Math.Max(0, deadline.TotalSeconds - elapsed):F0} s left";
               }))
            await Task.WhenAll(workers);
        var seconds = clock.Elapsed.TotalSeconds;
        return new LoadResult(name, shape.Concurrency, shape.Rate, Math.Round(seconds, 2), completed, failed,
            Math.Round(completed / seconds, 1), latency.Summary(), errors.ToList());
    }
}

/// <summary>A status line rewritten in place on the terminal until disposed.</summary>
public sealed class Progress : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly TextWriter _out;
    private readonly Func<string> _line;

    private Progress(TimeSpan every, TextWriter output, Func<string> line)
    {
        _out = output;
        _line = line;
        _loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(every);
            try { while (await timer.WaitForNextTickAsync(_stop.Token)) _out.Write("\r" + _line() + "   "); }
            catch (OperationCanceledException) { }
        });
    }

    public static Progress Every(TimeSpan every, TextWriter output, Func<string> line) => new(every, output, line);

    public void Dispose()
    {
        _stop.Cancel();
        _loop.Wait();
        _out.WriteLine("\r" + _line() + "   ");
        _stop.Dispose();
    }
}

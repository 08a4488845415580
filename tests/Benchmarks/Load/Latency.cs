using System.Collections.Concurrent;

namespace Procedures.Benchmarks.Load;

/// <summary>Collects latencies (ms) from many workers; summarises them as percentiles.</summary>
public sealed class Latency
{
    private readonly ConcurrentQueue<double> _samples = new();

    public void Add(double milliseconds) => _samples.Enqueue(milliseconds);

    public int Count => _samples.Count;

    public Percentiles Summary() => Percentiles.Of(_samples.ToArray());
}

public sealed record Percentiles(int Count, double Mean, double P50, double P95, double P99, double Max)
{
    public static Percentiles Of(double[] samples)
    {
        if (samples.Length == 0) return new(0, 0, 0, 0, 0, 0);
        Array.Sort(samples);
        double At(double q) => Math.Round(samples[Math.Min(samples.Length - 1, (int)Math.Ceiling(q * samples.Length) - 1)], 1);
        return new(samples.Length, Math.Round(samples.Average(), 1), At(0.50), At(0.95), At(0.99), Math.Round(samples[^1], 1));
    }
}

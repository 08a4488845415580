using System.Globalization;

namespace Procedures.EndToEnd.Tests.Soak;

/// <summary>
/// The soak's settings, from the environment (like the fault suite's FAULT_SECONDS). The defaults are the full form:
/// 30 minutes at 2 lifecycles/s — half the highest sustained rate BENCHMARKS.md measured (4/s) — with a fault every 5
/// minutes, so each of the five kinds comes once.
/// </summary>
public sealed record SoakSettings
{
    public const string BrokerLeader = "broker-leader";
    public const string BrokerOther = "broker-other";
    public const string PostgresFailover = "postgres-failover";
    public const string PostgresFailBack = "postgres-failback";
    public const string Service = "service";
    public static readonly string[] AllFaults = [BrokerLeader, BrokerOther, PostgresFailover, PostgresFailBack, Service];

    /// <summary>SOAK_MINUTES: how long lifecycles are started.</summary>
    public double Minutes { get; init; } = 30;
    /// <summary>SOAK_RATE: lifecycles started per second.</summary>
    public double Rate { get; init; } = 1.5;
    /// <summary>SOAK_MAX_IN_FLIGHT: a start due while this many are in flight is skipped (and counted), so a slow system is not buried.</summary>
    public int MaxInFlight { get; init; } = 64;
    /// <summary>SOAK_FAULT_EVERY: minutes between faults (the first after one interval).</summary>
    public double FaultEvery { get; init; } = 5;
    /// <summary>SOAK_FAULTS: the kinds, in rotation (comma-separated).</summary>
    public IReadOnlyList<string> Faults { get; init; } = AllFaults;
    /// <summary>SOAK_STALL_MINUTES: no lifecycle completing for this long, with some in flight, is a stall: the soak fails at once.</summary>
    public double StallMinutes { get; init; } = 3;
    /// <summary>SOAK_MEMORY_GROWTH and SOAK_MEMORY_SLACK_MB: the bound on memory growth (last window ≤ first × (1 + growth) + slack).</summary>
    public double MemoryGrowth { get; init; } = 0.25;
    public double MemorySlackMb { get; init; } = 32;

    /// <summary>Minutes of warm-up before the first memory window: a sixth of the run, at least 1 (5 in the full form).</summary>
    public int WarmUpMinutes => Math.Max(1, (int)Math.Round(Minutes / 6));
    /// <summary>Each memory window: 10 minutes, or half of what is left after warm-up in a shorter run.</summary>
    public int WindowMinutes => Math.Max(1, Math.Min(10, ((int)Minutes - WarmUpMinutes) / 2));

    public static SoakSettings FromEnvironment()
    {
        static double? Number(string name)
            => double.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;
        var defaults = new SoakSettings();
        var faults = Environment.GetEnvironmentVariable("SOAK_FAULTS")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = faults?.Except(AllFaults).ToList();
        if (unknown is { Count: > 0 })
            throw new ArgumentException($"SOAK_FAULTS: unknown kind(s) {string.Join(", ", unknown)}; known: {string.Join(", ", AllFaults)}");
        return new SoakSettings
        {
            Minutes = Number("SOAK_MINUTES") ?? defaults.Minutes,
            Rate = Number("SOAK_RATE") ?? defaults.Rate,
            MaxInFlight = (int)(Number("SOAK_MAX_IN_FLIGHT") ?? defaults.MaxInFlight),
            FaultEvery = Number("SOAK_FAULT_EVERY") ?? defaults.FaultEvery,
            Faults = faults is { Length: > 0 } ? faults : defaults.Faults,
            StallMinutes = Number("SOAK_STALL_MINUTES") ?? defaults.StallMinutes,
            MemoryGrowth = Number("SOAK_MEMORY_GROWTH") ?? defaults.MemoryGrowth,
            MemorySlackMb = Number("SOAK_MEMORY_SLACK_MB") ?? defaults.MemorySlackMb,
        };
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Minutes} min at {Rate} lifecycles/s (at most {MaxInFlight} in flight), a fault every {FaultEvery} min rotating {string.Join(", ", Faults)}; stall after {StallMinutes} min without a completed lifecycle; memory: mean of minutes {WarmUpMinutes}–{WarmUpMinutes + WindowMinutes} vs the last {WindowMinutes}, bound × {1 + MemoryGrowth} + {MemorySlackMb} MB");
}

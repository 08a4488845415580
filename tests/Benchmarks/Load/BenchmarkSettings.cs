namespace Procedures.Benchmarks.Load;

/// <summary>How long and how hard each part of the system benchmark runs. <see cref="Smoke"/> fits the CI's 60 s.</summary>
public sealed record BenchmarkSettings
{
    public int Concurrency { get; init; } = 32;
    public TimeSpan SubmissionDuration { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Paced submissions per second (null: closed loop, as fast as <see cref="Concurrency"/> workers go).</summary>
    public double? SubmissionRate { get; init; }
    public int LifecycleConcurrency { get; init; } = 16;
    public TimeSpan LifecycleDuration { get; init; } = TimeSpan.FromSeconds(90);
    /// <summary>The second lifecycle run, paced at half the rate the first one sustained (the p99 goal's condition).</summary>
    public TimeSpan HalfRateDuration { get; init; } = TimeSpan.FromSeconds(60);
    public TimeSpan LimitDuration { get; init; } = TimeSpan.FromSeconds(20);
    public TimeSpan StageTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>How long the idle system's own write rate is measured (taken out of each scenario's cost).</summary>
    public TimeSpan BackgroundWindow { get; init; } = TimeSpan.FromSeconds(5);
    public int Facts { get; init; } = 1_000_000;
    public int QueryRepetitions { get; init; } = 20;
    public bool KeepFacts { get; init; }
    /// <summary>The share of traces the services record (Telemetry:TraceSampleRatio of a system the benchmark starts); null: all.</summary>
    public double? TraceSampleRatio { get; init; }

    public static BenchmarkSettings Smoke { get; } = new()
    {
        Concurrency = 4, SubmissionDuration = TimeSpan.FromSeconds(3), LifecycleConcurrency = 4, LifecycleDuration = TimeSpan.FromSeconds(4),
        HalfRateDuration = TimeSpan.FromSeconds(3), LimitDuration = TimeSpan.FromSeconds(2), StageTimeout = TimeSpan.FromSeconds(30),
        BackgroundWindow = TimeSpan.FromSeconds(1), Facts = 10_000, QueryRepetitions = 3,
    };
}

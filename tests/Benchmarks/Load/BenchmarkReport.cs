namespace Procedures.Benchmarks.Load;

/// <summary>Everything one run measured (serialised as the JSON result).</summary>
public sealed record BenchmarkReport(
    MachineInfo Machine,
    BenchmarkSettingsView Settings,
    LimitsReport Limits,
    ScenarioReport Submission,
    LifecycleReport Lifecycle,
    ReportingScaleScenario.Result Reporting,
    IReadOnlyList<Goal> Goals)
{
    /// <summary>Indexes no scan used from the system's start until after the lifecycle runs (pg_stat_user_indexes.idx_scan = 0).</summary>
    public IReadOnlyList<string> UnusedIndexes { get; init; } = [];
}

public sealed record MachineInfo(int Cores, string Os, string Dotnet, string Postgres, string RabbitMq, string LoadAverageAtStart,
    string LoadAverageAtEnd, DateTimeOffset Started, DateTimeOffset Finished);

/// <summary>The run's settings; <see cref="Tracing"/> is what the services recorded, read from their environment.</summary>
public sealed record BenchmarkSettingsView(int Concurrency, double SubmissionSeconds, double? SubmissionRate, int LifecycleConcurrency,
    double LifecycleSeconds, double HalfRateSeconds, double LimitSeconds, int Facts, int QueryRepetitions, double? TraceSampleRatio = null,
    string? Tracing = null)
{
    public static BenchmarkSettingsView Of(BenchmarkSettings s, string tracing) => new(s.Concurrency, s.SubmissionDuration.TotalSeconds, s.SubmissionRate,
        s.LifecycleConcurrency, s.LifecycleDuration.TotalSeconds, s.HalfRateDuration.TotalSeconds, s.LimitDuration.TotalSeconds, s.Facts,
        s.QueryRepetitions, s.TraceSampleRatio, tracing);
}

public sealed record LimitsReport(LoadResult PostgresCommits, MachineLimits.BrokerResult RabbitMq, PrimitiveCosts Primitives)
{
    public double CommitsPerSecond => PostgresCommits.PerSecond;
    public double MessagesPerSecond => RabbitMq.ConsumedPerSecond;

    /// <summary>The same commits, each notifying a channel (<see cref="MachineLimits.PostgresCommitsAsync"/>), side by side.</summary>
    public LoadResult? NotifyingCommits { get; init; }
    public double MsPerNotifyingCommit { get; init; }
}

/// <summary>
/// A scenario's rate against the machine's limits: the rate the limit alone would allow (limit ÷ what one operation needs)
/// and the share of it reached.
/// </summary>
public sealed record Ratios(double CommitBoundPerSecond, double ShareOfCommitBound, double MessageBoundPerSecond, double ShareOfMessageBound)
{
    public static Ratios Of(double rate, OperationCost cost, LimitsReport limits)
    {
        var commitBound = cost.WriteTransactions > 0 ? limits.CommitsPerSecond / cost.WriteTransactions : 0;
        var messageBound = cost.MessagesConsumed > 0 ? limits.MessagesPerSecond / cost.MessagesConsumed : 0;
        return new(Math.Round(commitBound, 1), commitBound > 0 ? Math.Round(rate / commitBound, 3) : 0,
            Math.Round(messageBound, 1), messageBound > 0 ? Math.Round(rate / messageBound, 3) : 0);
    }
}

public sealed record ScenarioReport(LoadResult Load, OperationCost Cost, Ratios Ratios, CpuCost Cpu)
{
    /// <summary>Statements the services sent per operation (null when Postgres runs without pg_stat_statements).</summary>
    public StatementCost? Statements { get; init; }

    /// <summary>The window's committed write transactions from the WAL, by database and by tables written (null when unreadable).</summary>
    public WalTransactions.Breakdown? Transactions { get; init; }

    /// <summary>Spans of a traced operation's whole trace (null without a dashboard to read them from).</summary>
    public SpanCount? Spans { get; init; }
}

public sealed record LifecycleRun(LoadResult Load, IReadOnlyDictionary<string, Percentiles> Stages, int Submitted, int AtPortal,
    IReadOnlyList<string> Missing);

public sealed record MemoryReport(IReadOnlyDictionary<string, double> PeakMb, double PeakTotalMb, IReadOnlyDictionary<string, int[]> Processes);

/// <summary>Both lifecycle runs; what one lifecycle costs (counts and CPU) is measured over each run's window.</summary>
public sealed record LifecycleReport(LifecycleRun Max, LifecycleRun HalfRate, OperationCost Cost, Ratios Ratios, MemoryReport Memory, CpuCost Cpu,
    OperationCost HalfRateCost, CpuCost HalfRateCpu)
{
    public StatementCost? Statements { get; init; }
    public StatementCost? HalfRateStatements { get; init; }
    public WalTransactions.Breakdown? Transactions { get; init; }
    public WalTransactions.Breakdown? HalfRateTransactions { get; init; }
}

/// <summary>A goal of the issue, what was measured, met or not, and what limits it.</summary>
public sealed record Goal(string Name, string Target, string Measured, bool Met, string Note);

using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;
using Npgsql;

namespace Procedures.Benchmarks.Load;

/// <summary>
/// The whole-system benchmark against a running system: the machine's limits first, then submissions, full lifecycles
/// (at the highest sustained rate, then paced at half of it, with process memory sampled), then reporting at scale.
/// </summary>
public static class BenchmarkRun
{
    public static readonly string[] Services = ["intake", "processing", "payment", "portalsync", "reporting", "notifications", "sandbox"];

    public static async Task<BenchmarkReport> RunAsync(SystemTarget target, BenchmarkSettings settings, string repositoryRoot, TextWriter progress,
        CancellationToken ct = default)
    {
        var started = DateTimeOffset.UtcNow;
        var loadAtStart = LoadAverage();
        using var api = new SystemApi(target);
        await api.LoadCatalogueAsync();
        var clients = AgencyClients.FromCsv(api.Sandbox, Path.Combine(repositoryRoot, "services", "Intake", "Data", "hcmc-communes.csv"));
        foreach (var unit in new[] { "26740.H29", "26737.H29", "000.00.00.H29" }) await clients.TokenForAsync(unit);

        // The processes whose CPU each window is charged to (services, Postgres, RabbitMQ, the dashboard; the harness is this one).
        var processes = SystemProcesses.Find(target, Services);
        var cpu = new ProcessCpu(processes);

        progress.WriteLine($"machine limits, {settings.Concurrency} in flight, {settings.LimitDuration.TotalSeconds:F0} s each");
        var limitShape = new LoadShape(settings.Concurrency, settings.LimitDuration);
        var commitsBefore = cpu.Take();
        var commits = await MachineLimits.PostgresCommitsAsync(target, limitShape, progress, ct);
        var commitsAfter = cpu.Take();
        var notifying = await MachineLimits.PostgresCommitsAsync(target, limitShape, progress, ct, notify: true);
        var notifyingAfter = cpu.Take();
        var broker = await MachineLimits.RabbitMqAsync(target, limitShape, progress, ct);
        var brokerAfter = cpu.Take();
        var limits = new LimitsReport(commits, broker,
            PrimitiveCosts.Of(commitsBefore, commitsAfter, commits.Completed, notifyingAfter, brokerAfter, broker.Consumed))
        {
            NotifyingCommits = notifying,
            MsPerNotifyingCommit = PrimitiveCosts.Of(commitsAfter, notifyingAfter, notifying.Completed, notifyingAfter, notifyingAfter, 0).MsPerCommit,
        };
        progress.WriteLine($"primitive costs: {limits.Primitives.MsPerCommit} CPU-ms per durable commit, {limits.Primitives.MsPerDelivery} per confirmed delivery");

        // A system just started may still be seeding or catching up (e.g. re-syncing a previous run's dossiers): wait (at
        // most 24 windows) for its own write rate to fall under 5/s, keeping the lowest seen.
        var background = await SystemCounters.BackgroundWritesPerSecondAsync(target, settings.BackgroundWindow, ct);
        for (var window = 1; window < 24 && background >= 5; window++)
        {
            progress.Write($"\rwaiting for the idle system to settle: {background:F0} write transactions/s   ");
            background = Math.Min(background, await SystemCounters.BackgroundWritesPerSecondAsync(target, settings.BackgroundWindow, ct));
        }
        progress.WriteLine($"idle system: {background:F1} write transactions/s of its own");
        progress.WriteLine($"submissions at Intake, {settings.Concurrency} in flight, {settings.SubmissionDuration.TotalSeconds:F0} s");
        var traced = new TraceSpans(every: 50, most: 20); // 1 submission in 50, at most 20, traced whatever the sampling
        var submissions = await MeasuredAsync(target, cpu, background, limits, () => LoadRunner.RunAsync("submissions",
            new LoadShape(settings.Concurrency, settings.SubmissionDuration, settings.SubmissionRate),
            async (i, token) =>
            {
                var unit = clients.UnitFor(i);
                await api.SubmitAsync(unit, await clients.TokenForAsync(unit), SystemApi.PlainProcedure, i, token, traced.ParentFor(i));
            }, progress, ct), ct);
        var submission = new ScenarioReport(submissions.Load, submissions.Cost, Ratios.Of(submissions.Load.PerSecond, submissions.Cost, limits), submissions.Cpu)
            { Statements = submissions.Statements, Transactions = submissions.Transactions, Spans = await traced.CountAsync(target.Dashboard, ct) };

        progress.WriteLine($"full lifecycles, {settings.LifecycleConcurrency} in flight, {settings.LifecycleDuration.TotalSeconds:F0} s");
        await using var events = await StageEvents.StartAsync(target, ct);
        var lifecycle = new LifecycleScenario(api, clients, events, settings.StageTimeout);
        await using var memory = ProcessMemory.Start(processes);
        var max = await MeasuredAsync(target, cpu, background, limits,
            () => LoadRunner.RunAsync("lifecycles", new LoadShape(settings.LifecycleConcurrency, settings.LifecycleDuration), lifecycle.RunOneAsync, progress, ct), ct);
        var maxRun = await LifecycleRunAsync(lifecycle, max.Load, settings, ct);
        var halfRate = Math.Max(0.2, max.Load.PerSecond / 2);
        progress.WriteLine($"full lifecycles paced at half that rate ({halfRate:F1}/s), {settings.HalfRateDuration.TotalSeconds:F0} s");
        lifecycle.Reset();
        var half = await MeasuredAsync(target, cpu, background, limits, () => LoadRunner.RunAsync("lifecycles at half rate",
            new LoadShape(settings.LifecycleConcurrency * 2, settings.HalfRateDuration, halfRate), lifecycle.RunOneAsync, progress, ct), ct);
        var halfRun = await LifecycleRunAsync(lifecycle, half.Load, settings, ct);
        var (peaks, total) = memory.Peaks();
        var lifecycleReport = new LifecycleReport(maxRun, halfRun, max.Cost, Ratios.Of(max.Load.PerSecond, max.Cost, limits),
            new MemoryReport(peaks, total, memory.Processes), max.Cpu, half.Cost, half.Cpu) { Statements = max.Statements, HalfRateStatements = half.Statements, Transactions = max.Transactions, HalfRateTransactions = half.Transactions };
        // Read before the reporting scenario, whose own queries would count: every index the run so far has not used.
        var unusedIndexes = await SystemStatements.UnusedIndexesAsync(target, ct);

        progress.WriteLine($"reporting at scale: {settings.Facts:N0} dossiers' facts");
        var reporting = await new ReportingScaleScenario(target, api, clients, progress).RunAsync(settings.Facts, settings.QueryRepetitions, settings.KeepFacts, ct);

        var machine = new MachineInfo(Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription,
            await PostgresVersionAsync(target, ct), await RabbitMqVersionAsync(target, ct), loadAtStart, LoadAverage(), started, DateTimeOffset.UtcNow);
        var partial = new BenchmarkReport(machine, BenchmarkSettingsView.Of(settings, SystemProcesses.TraceRecording(processes, Services)), limits, submission, lifecycleReport, reporting, [])
            { UnusedIndexes = unusedIndexes };
        return partial with { Goals = Goals.Judge(partial) };
    }

    private sealed record Measured(LoadResult Load, OperationCost Cost, CpuCost Cpu, StatementCost? Statements, WalTransactions.Breakdown? Transactions);

    /// <summary>
    /// Runs a load and charges it what the system did from its start until the pipeline behind it settled (downstream
    /// consumers, relays, the portal sync): write transactions and deliveries from the databases, CPU time from /proc.
    /// </summary>
    private static async Task<Measured> MeasuredAsync(SystemTarget target, ProcessCpu cpu, double background, LimitsReport limits,
        Func<Task<LoadResult>> load, CancellationToken ct)
    {
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var before = await SystemCounters.ReadAsync(target, since, ct);
        var statements = await SystemStatements.ResetAsync(target, ct);
        await using var wal = await WalTransactions.StartAsync(target, ct);
        var cpuBefore = cpu.Take();
        var result = await load();
        var after = await SystemCounters.SettledAsync(target, since, ct);
        var cpuAfter = cpu.Take();
        var rows = statements ? await SystemStatements.ReadAsync(target, ct) : null;
        var transactions = wal is null ? null : await wal.ReadAsync(target, result.Completed, ct);
        var cost = SystemCounters.PerOperation(before, after, result.Completed, background);
        return new Measured(result, cost, CpuCost.Of(cpuBefore, cpuAfter, result.Completed, cost, limits.Primitives),
            StatementCost.Of(rows, result.Completed, cost), transactions);
    }

    /// <summary>The run's stages and its loss check (after the measured window: the check reads the portal's records).</summary>
    private static async Task<LifecycleRun> LifecycleRunAsync(LifecycleScenario lifecycle, LoadResult load, BenchmarkSettings settings, CancellationToken ct)
    {
        var stages = lifecycle.StageLatencies();
        var (submitted, atPortal, missing) = await lifecycle.CheckLossAsync(settings.StageTimeout, ct);
        return new LifecycleRun(load, stages, submitted, atPortal, missing);
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static async Task<string> PostgresVersionAsync(SystemTarget target, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(target.Postgres("postgres"));
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SHOW server_version", connection);
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }

    private static async Task<string> RabbitMqVersionAsync(SystemTarget target, CancellationToken ct)
    {
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{target.RabbitMqManagementPort}"), Timeout = TimeSpan.FromSeconds(10) };
            http.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String("guest:guest"u8.ToArray()));
            return (await http.GetFromJsonAsync<JsonElement>("/api/overview", ct)).GetProperty("rabbitmq_version").GetString() ?? "?";
        }
        catch (HttpRequestException) { return "?"; }
    }
}

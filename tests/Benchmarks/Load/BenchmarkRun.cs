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

        progress.WriteLine($"machine limits, {settings.Concurrency} in flight, {settings.LimitDuration.TotalSeconds:F0} s each");
        var limitShape = new LoadShape(settings.Concurrency, settings.LimitDuration);
        var limits = new LimitsReport(await MachineLimits.PostgresCommitsAsync(target, limitShape, progress, ct),
            await MachineLimits.RabbitMqAsync(target, limitShape, progress, ct));

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
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var before = await SystemCounters.ReadAsync(target, since, ct);
        var submissions = await LoadRunner.RunAsync("submissions", new LoadShape(settings.Concurrency, settings.SubmissionDuration, settings.SubmissionRate),
            async (i, token) =>
            {
                var unit = clients.UnitFor(i);
                await api.SubmitAsync(unit, await clients.TokenForAsync(unit), SystemApi.PlainProcedure, i, token);
            }, progress, ct);
        // What the submissions cost downstream (Processing, Payment, PortalSync, Reporting, Notifications) counts too: let it settle.
        var after = await SystemCounters.SettledAsync(target, since, ct);
        var submissionCost = SystemCounters.PerOperation(before, after, submissions.Completed, background, 0);
        var submission = new ScenarioReport(submissions, submissionCost, Ratios.Of(submissions.PerSecond, submissionCost, limits));

        progress.WriteLine($"full lifecycles, {settings.LifecycleConcurrency} in flight, {settings.LifecycleDuration.TotalSeconds:F0} s");
        var lifecycle = new LifecycleScenario(api, clients, settings.StageTimeout);
        await using var memory = ProcessMemory.Start(target, Services);
        since = DateTimeOffset.UtcNow.AddSeconds(-1);
        before = await SystemCounters.ReadAsync(target, since, ct);
        var max = await LifecycleAsync(lifecycle, "lifecycles", new LoadShape(settings.LifecycleConcurrency, settings.LifecycleDuration), settings, progress, ct);
        after = await SystemCounters.SettledAsync(target, since, ct);
        var lifecycleCost = SystemCounters.PerOperation(before, after, max.Load.Completed, background, lifecycle.AuditedReads);
        var halfRate = Math.Max(0.2, max.Load.PerSecond / 2);
        progress.WriteLine($"full lifecycles paced at half that rate ({halfRate:F1}/s), {settings.HalfRateDuration.TotalSeconds:F0} s");
        lifecycle.Reset();
        var half = await LifecycleAsync(lifecycle, "lifecycles at half rate",
            new LoadShape(settings.LifecycleConcurrency * 2, settings.HalfRateDuration, halfRate), settings, progress, ct);
        var (peaks, total) = memory.Peaks();
        var lifecycleReport = new LifecycleReport(max, half, lifecycleCost, Ratios.Of(max.Load.PerSecond, lifecycleCost, limits),
            new MemoryReport(peaks, total, memory.Processes));

        progress.WriteLine($"reporting at scale: {settings.Facts:N0} dossiers' facts");
        var reporting = await new ReportingScaleScenario(target, api, clients, progress).RunAsync(settings.Facts, settings.QueryRepetitions, settings.KeepFacts, ct);

        var machine = new MachineInfo(Environment.ProcessorCount, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription,
            await PostgresVersionAsync(target, ct), await RabbitMqVersionAsync(target, ct), loadAtStart, LoadAverage(), started, DateTimeOffset.UtcNow);
        var partial = new BenchmarkReport(machine, BenchmarkSettingsView.Of(settings), limits, submission, lifecycleReport, reporting, []);
        return partial with { Goals = Goals.Judge(partial) };
    }

    private static async Task<LifecycleRun> LifecycleAsync(LifecycleScenario lifecycle, string name, LoadShape shape, BenchmarkSettings settings,
        TextWriter progress, CancellationToken ct)
    {
        var load = await LoadRunner.RunAsync(name, shape, lifecycle.RunOneAsync, progress, ct);
        var (submitted, atPortal, missing) = await lifecycle.CheckLossAsync(settings.StageTimeout, ct);
        return new LifecycleRun(load, lifecycle.StageLatencies(), submitted, atPortal, missing);
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

using System.Diagnostics;
using Procedures.Benchmarks.Load;
using Procedures.TestInfrastructure;

namespace Procedures.Benchmarks;

/// <summary>The "system" command: against the running system, or one it starts itself with deploy/local/up.sh (and stops).</summary>
public static class SystemCommand
{
    /// <summary>The dev profile's per-client rate limit (1,200/min) would cap one client at 20 requests/s; the dev profile has
    /// three agency clients for 168 units, so the benchmark raises it (as the end-to-end fixture does).</summary>
    public const string UpArguments = "Hardening:RequestsPerMinutePerClient=1000000 Hardening:PublicLookupsPerMinutePerAddress=1000000";

    public static async Task<int> RunAsync(Options options)
    {
        var root = RepositoryRoot.Path;
        var smoke = options.Text("smoke") == "true";
        var defaults = smoke ? BenchmarkSettings.Smoke : new BenchmarkSettings();
        TimeSpan Seconds(string name, TimeSpan fallback) => TimeSpan.FromSeconds(options.Int(name, (int)fallback.TotalSeconds));
        var settings = defaults with
        {
            Concurrency = options.Int("concurrency", defaults.Concurrency),
            SubmissionDuration = Seconds("duration", defaults.SubmissionDuration),
            SubmissionRate = options.Text("rate") is { } rate ? double.Parse(rate, System.Globalization.CultureInfo.InvariantCulture) : null,
            LifecycleConcurrency = options.Int("lifecycle-concurrency", defaults.LifecycleConcurrency),
            LifecycleDuration = Seconds("lifecycle-duration", defaults.LifecycleDuration),
            HalfRateDuration = Seconds("half-rate-duration", defaults.HalfRateDuration),
            LimitDuration = Seconds("limit-duration", defaults.LimitDuration),
            Facts = options.Int("facts", defaults.Facts),
            KeepFacts = options.Text("keep-facts") == "true",
            TraceSampleRatio = options.Text("trace-sample-ratio") is { } ratio
                ? double.Parse(ratio, System.Globalization.CultureInfo.InvariantCulture) : null,
        };
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
        var json = options.Text("json") ?? Path.Combine(root, "tests", "Benchmarks", "results", $"system-{stamp}.json");
        var markdown = options.Text("markdown") ?? Path.Combine(root, "BENCHMARKS.md");
        var target = SystemTarget.Local();

        Process? system = null;
        // A started system gets a fresh data folder (unless --fresh-data false): with the data of earlier runs, a restarted
        // system re-sends every earlier dossier to the sandbox portal (which keeps its records in memory only) during the
        // run, and its cost lands in the measured windows.
        string? dataDir = options.Text("start") == "true" && options.Text("fresh-data") != "false"
            ? Path.Combine(Path.GetTempPath(), $"procedures-bench-{stamp}") : null;
        try
        {
            // A start that fails stops what it started itself; the data folder is removed below either way.
            if (options.Text("start") == "true") system = await StartAsync(root, target, dataDir, settings.TraceSampleRatio);
            var report = await BenchmarkRun.RunAsync(target, settings, root, Console.Out);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(json))!);
            await File.WriteAllTextAsync(json, ReportWriter.ToJson(report));
            if (markdown != "none") ReportWriter.IntoMarkdownFile(markdown, report);
            Console.WriteLine();
            Console.WriteLine(ReportWriter.ToMarkdown(report));
            Console.WriteLine($"results: {Path.GetFullPath(json)}{(markdown != "none" ? $" and {Path.GetFullPath(markdown)}" : "")}");
            return 0;
        }
        finally
        {
            if (system is not null) await StopAsync(system);
            if (dataDir is not null && Directory.Exists(dataDir))
            {
                try { Directory.Delete(dataDir, recursive: true); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { Console.Error.WriteLine($"left {dataDir}: {e.Message}"); }
            }
        }
    }

    /// <summary>Runs deploy/local/up.sh in its own session (so one signal to its process group reaches the whole tree) and waits for every /health.</summary>
    private static async Task<Process> StartAsync(string root, SystemTarget target, string? dataDir, double? traceSampleRatio)
    {
        var arguments = UpArguments + (dataDir is null ? "" : $" Infrastructure:DataDir={dataDir}")
            + (traceSampleRatio is { } ratio ? $" Telemetry:TraceSampleRatio={ratio.ToString(System.Globalization.CultureInfo.InvariantCulture)}" : "");
        Console.WriteLine($"starting the system: deploy/local/up.sh {arguments}");
        var process = Process.Start(new ProcessStartInfo("setsid", $"{Path.Combine(root, "deploy", "local", "up.sh")} {arguments}")
        {
            WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true,
        })!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await WaitHealthyAsync(process, target);
            return process;
        }
        catch
        {
            // Not healthy in time (or up.sh failed): stop what it started, so no system is left running behind the benchmark.
            await StopAsync(process);
            throw;
        }
    }

    private static async Task WaitHealthyAsync(Process process, SystemTarget target)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var services = new[] { target.Intake, target.Processing, target.Payment, target.PortalSync, target.Reporting, target.Sandbox };
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited) throw new InvalidOperationException($"up.sh exited with {process.ExitCode}");
            var healthy = 0;
            foreach (var service in services)
            {
                try { if ((await http.GetAsync(new Uri(service, "/health"))).IsSuccessStatusCode) healthy++; }
                catch (HttpRequestException) { }
                catch (TaskCanceledException) { }
            }
            Console.Write($"\rwaiting for the system: {healthy}/{services.Length} healthy, {clock.Elapsed.TotalSeconds:F0} s   ");
            if (healthy == services.Length) break;
            if (clock.Elapsed > TimeSpan.FromMinutes(10)) throw new TimeoutException("the system did not get healthy in 10 minutes");
            await Task.Delay(2000);
        }
        Console.WriteLine();
    }

    private static async Task StopAsync(Process system)
    {
        Console.WriteLine("stopping the system");
        // SIGTERM (the host's orderly shutdown): SIGINT is ignored by jobs a non-interactive shell started in the background.
        using (var kill = Process.Start("kill", $"-TERM -- -{system.Id}")) await kill.WaitForExitAsync();
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        try { await system.WaitForExitAsync(wait.Token); }
        catch (OperationCanceledException) { system.Kill(entireProcessTree: true); }
    }
}

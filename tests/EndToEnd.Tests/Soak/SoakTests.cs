using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Procedures.Benchmarks.Load;
using Procedures.EndToEnd.Tests.Cluster;
using Procedures.Contracts;
using Procedures.TestInfrastructure;

namespace Procedures.EndToEnd.Tests.Soak;

/// <summary>The soak's own system: the fault system in the cluster topology.</summary>
public sealed class SoakSystemFixture : ClusterSystemFixture;

[CollectionDefinition(Name)]
public sealed class SoakSystemCollection : ICollectionFixture<SoakSystemFixture>
{
    public const string Name = "soak-system";
}

/// <summary>
/// The fault suite's lifecycle driver and verdict, for the soak. Not public, so xunit does not run the fault suite's own test
/// on it.
/// </summary>
internal sealed class FaultSuiteDriver(FaultSystemFixture system) : FaultSuite(system, instances: 1);

/// <summary>
/// Issue 26's soak (item 3): paced fee-bearing lifecycles for a long time in the cluster topology, with a fault every few
/// minutes rotating through: the broker node leading most queues killed, another node killed, the Postgres primary killed
/// (failover), the new primary killed (fail-back), a service instance killed. It reports lifecycles done, lost and
/// duplicated (the fault suite's verdict on every dossier that got a 201), each fault's recovery, and each process's memory
/// per minute, and fails on a loss, a duplicate, an abandoned lifecycle, a stall (no lifecycle completing for
/// SOAK_STALL_MINUTES: it fails at once, naming what was in flight) or memory growth beyond the stated bound.
/// Category "Soak": deploy/local/test.sh (CI) leaves it out — the full form runs 30 minutes, more than CI's whole budget;
/// run it by its filter (README, "The soak").
/// </summary>
[Trait("Category", "Soak")]
[Collection(SoakSystemCollection.Name)]
public sealed class SoakTests(SoakSystemFixture system)
{
    private sealed class Fault(string kind, TimeSpan at) : ClusterFault
    {
        public string Kind { get; } = kind;
        public TimeSpan At { get; } = at;
        /// <summary>From the fault until the first lifecycle begun after it completed.</summary>
        public TimeSpan? TrafficBack { get; set; }
        public string? Error { get; set; }
    }

    [Fact]
    public async Task Lifecycles_through_rotating_cluster_faults_are_neither_lost_nor_duplicated_and_memory_stays_bounded()
    {
        var settings = SoakSettings.FromEnvironment();
        var driver = new FaultSuiteDriver(system);
        var cluster = new ClusterFaults(system, driver);
        var sandbox = system.Client(ResourceNames.Sandbox);
        var clock = Stopwatch.StartNew();
        var duration = TimeSpan.FromMinutes(settings.Minutes);
        await using var memory = new MemoryTimeline(() => Processes(cluster), TimeSpan.FromSeconds(10));

        using var abort = new CancellationTokenSource();
        var accepted = new ConcurrentDictionary<string, byte>();
        var completed = new ConcurrentBag<string>();
        var abandoned = new ConcurrentBag<string>();
        var inFlight = new ConcurrentDictionary<int, string>();
        var faults = new List<Fault>();
        long lastCompletionTicks = 0;
        string? stall = null;
        var skipped = 0;

        async Task LifeAsync(int id, string token, TimeSpan started)
        {
            inFlight[id] = "submitting";
            try
            {
                var code = await driver.ResilientLifeAsync(token, abort.Token, (c, stage) =>
                {
                    inFlight[id] = $"{c} {stage}";
                    if (stage == "submitted") accepted.TryAdd(c, 0);
                });
                if (code is null) return;
                completed.Add(code);
                Interlocked.Exchange(ref lastCompletionTicks, clock.Elapsed.Ticks);
                lock (faults)
                    foreach (var f in faults.Where(f => f.TrafficBack is null && f.At < started)) f.TrafficBack = clock.Elapsed - f.At;
            }
            catch (Exception e) // whatever ended it, it is counted and named (an unobserved failure would hide a loss)
            {
                abandoned.Add($"{inFlight.GetValueOrDefault(id)}: {e.GetType().Name}: {e.Message}");
            }
            finally
            {
                inFlight.TryRemove(id, out _);
            }
        }

        // The watchdog: no lifecycle completing for the stall time while some are in flight ends the soak at once.
        var watchdog = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5));
            while (await timer.WaitForNextTickAsync(abort.Token).AsTask().ContinueWith(t => t.IsCompletedSuccessfully && t.Result))
            {
                var quiet = clock.Elapsed - TimeSpan.FromTicks(Interlocked.Read(ref lastCompletionTicks));
                if (inFlight.IsEmpty || quiet < TimeSpan.FromMinutes(settings.StallMinutes)) continue;
                var stages = inFlight.Values.ToList();
                stall = $"stalled at {clock.Elapsed.TotalMinutes:F1} min: no lifecycle completed for {quiet.TotalMinutes:F1} min; "
                        + $"{stages.Count} in flight: "
                        + string.Join("; ", stages.GroupBy(s => s.Split(' ', 2).Last()).Select(g => $"{g.Count()} at '{g.Key}' (e.g. {string.Join(", ", g.Take(3))})"));
                await abort.CancelAsync();
                return;
            }
        });

        var faultLoop = Task.Run(async () =>
        {
            string? lastBroker = null;
            var serviceTurn = 0;
            for (var i = 0; ; i++)
            {
                var at = TimeSpan.FromMinutes(settings.FaultEvery * (i + 1));
                if (at >= duration || abort.IsCancellationRequested) return;
                if (at > clock.Elapsed)
                    try { await Task.Delay(at - clock.Elapsed, abort.Token); } // the schedule of faults, not a wait for readiness
                    catch (OperationCanceledException) { return; }
                // A fault held up by a slow recovery comes late; none comes once the traffic has stopped (nothing to disturb).
                if (clock.Elapsed >= duration) return;
                var fault = new Fault(settings.Faults[i % settings.Faults.Count], clock.Elapsed);
                lock (faults) faults.Add(fault);
                try
                {
                    switch (fault.Kind)
                    {
                        case SoakSettings.BrokerLeader or SoakSettings.BrokerOther:
                            lastBroker = await cluster.KillBrokerNodeAsync(fault, fault.Kind == SoakSettings.BrokerOther ? lastBroker : null);
                            break;
                        case SoakSettings.PostgresFailover or SoakSettings.PostgresFailBack:
                            await cluster.KillPrimaryAsync(fault);
                            break;
                        default:
                            var service = FaultSuite.Killed[serviceTurn++ % FaultSuite.Killed.Length];
                            fault.What = $"{service} killed -9";
                            var clock1 = Stopwatch.StartNew();
                            await cluster.StartAgainAsync(fault, service, await driver.KillAsync(service));
                            await driver.AnsweringAsync(service);
                            fault.Recovery += $"answering its health check {clock1.Elapsed.TotalSeconds:F0} s after the kill";
                            break;
                    }
                }
                catch (Exception e) when (e is TimeoutException or InvalidOperationException or HttpRequestException)
                {
                    fault.Error = e.Message;
                }
            }
        });

        // Lifecycles started at the set rate (open loop: a slow system gets more in flight, up to the cap).
        var lifecycles = new List<Task>();
        var clerk = (Token: await Tokens.ForClientAsync(sandbox, "phuong-sai-gon"), At: clock.Elapsed);
        var interval = TimeSpan.FromSeconds(1 / settings.Rate);
        var due = TimeSpan.Zero;
        for (var id = 0; clock.Elapsed < duration && !abort.IsCancellationRequested; id++)
        {
            if (clock.Elapsed - clerk.At > TimeSpan.FromMinutes(5)) // tokens live 15 minutes
                clerk = (await Tokens.ForClientAsync(sandbox, "phuong-sai-gon"), clock.Elapsed);
            if (inFlight.Count >= settings.MaxInFlight) skipped++;
            else lifecycles.Add(LifeAsync(id, clerk.Token, clock.Elapsed));
            due += interval;
            if (due > clock.Elapsed)
                try { await Task.Delay(due - clock.Elapsed, abort.Token); } // the pace itself, not a wait for readiness
                catch (OperationCanceledException) { }
        }
        var started = lifecycles.Count;
        // The last lifecycles finish (each step has its own 4-minute limit); the watchdog still ends a stall.
        await Task.WhenAny(Task.WhenAll(lifecycles), Task.Delay(Timeout.Infinite, abort.Token).ContinueWith(_ => { }));
        await Task.WhenAny(faultLoop, Task.Delay(Timeout.Infinite, abort.Token).ContinueWith(_ => { }));
        var ran = clock.Elapsed;

        var perMinute = memory.PerMinute();
        var groups = perMinute.Values.SelectMany(g => g.Keys).Distinct().Order(StringComparer.Ordinal).ToList();
        var growth = MemoryTimeline.Growth(perMinute, memory.Since(), settings.WarmUpMinutes, settings.WindowMinutes, settings.MemoryGrowth, settings.MemorySlackMb);
        string FaultLines()
        {
            lock (faults)
                return string.Join("\n", faults.Select(f => $"- {f.At.TotalMinutes:F1} min, {f.Kind}: {f.What}; "
                    + f.Recovery + (f.Error is { } error ? $" **failed**: {error}" : "") + "; "
                    + (f.TrafficBack is { } back ? $"a lifecycle begun after it completed {back.TotalSeconds:F0} s after the fault" : "no lifecycle begun after it completed")));
        }
        var summary = new System.Text.StringBuilder();
        summary.AppendLine($"soak (cluster topology): {settings}");
        summary.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"started {started} lifecycles in {settings.Minutes} min ({started / duration.TotalSeconds:F2}/s; {skipped} starts skipped at the in-flight cap); "
            + $"{accepted.Count} dossiers accepted (201), {completed.Count} lifecycles done, {abandoned.Count} abandoned; ran {ran.TotalMinutes:F1} min"));
        summary.AppendLine("faults:");
        summary.AppendLine(FaultLines());

        string? verdictLine = null;
        var lost = new ConcurrentBag<string>();
        var duplicated = new ConcurrentBag<string>();
        var errors = new Dictionary<string, string>();
        if (stall is null)
        {
            var token = await Tokens.ForClientAsync(sandbox, "phuong-sai-gon");
            var drive = new Lifecycles(system);
            await Parallel.ForEachAsync(completed, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (code, _) =>
            {
                var verdict = await driver.CheckAsync(code, token, drive);
                if (verdict.Lost is { } why) lost.Add($"{code}: {why}");
                foreach (var d in verdict.Duplicated) duplicated.Add($"{code}: {d}");
            });
            var admin = await Tokens.ForClientAsync(sandbox, "dev-admin");
            await Eventually.Until(() => drive.SyncStatusAsync(admin), st => st.GetProperty("totals").GetProperty("pending").GetInt64() == 0,
                TimeSpan.FromMinutes(2), "an empty sync backlog");
            foreach (var service in FaultSuite.Killed)
                await Eventually.Until(() => driver.UnsentAsync(service), n => n == 0, TimeSpan.FromMinutes(1), $"{service}'s outbox drained");
            errors = await driver.ErrorQueuesAsync();
            verdictLine = $"lost {lost.Count}, duplicated {duplicated.Count} (of {completed.Count} done); status events asked for again by PortalSync {await driver.GapRequestsAsync()}; "
                          + $"error queues: {(errors.Count == 0 ? "empty" : string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value}")))}";
            summary.AppendLine(verdictLine);
        }
        else
        {
            summary.AppendLine("**" + stall + "**");
        }
        summary.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"memory (MB; services RSS, Postgres nodes and monitor PSS, RabbitMQ nodes RSS), mean per minute, sampled every 10 s; bound: mean of the last {settings.WindowMinutes} min ≤ mean of minutes {settings.WarmUpMinutes}–{settings.WarmUpMinutes + settings.WindowMinutes} × {1 + settings.MemoryGrowth} + {settings.MemorySlackMb} MB:"));
        summary.AppendLine(string.Join("; ", growth.Select(g => (g.Since > 0 ? $"{g.Group} (restarted at minute {g.Since}) " : $"{g.Group} ")
            + (g.Window == 0 ? "not compared (too short a life since)" : $"{g.FirstMb:F0} → {g.LastMb:F0} (≤ {g.LimitMb:F0}, {g.Window}-min windows){(g.Exceeded ? " **exceeded**" : "")}"))));
        summary.AppendLine();
        summary.Append(MemoryTimeline.Table(perMinute, groups));
        foreach (var line in lost.Concat(duplicated).Concat(abandoned)) summary.AppendLine("- " + line);
        var text = summary.ToString();
        Console.WriteLine(text);
        // Kept beside the test binaries for RELIABILITY.md (xunit does not show a passing test's output).
        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, "soak-summary.md"), text);
        await abort.CancelAsync(); // ends the watchdog
        await watchdog;

        Assert.True(stall is null, text);
        Assert.True(lost.IsEmpty, "lost: " + string.Join("; ", lost));
        Assert.True(duplicated.IsEmpty, "duplicated: " + string.Join("; ", duplicated));
        Assert.True(abandoned.IsEmpty, "lifecycles abandoned (a step did not get through in 4 minutes): " + string.Join("; ", abandoned));
        Assert.True(errors.Count == 0, "messages in error queues: " + verdictLine);
        lock (faults) Assert.True(faults.All(f => f.Error is null), "faults that did not recover:\n" + FaultLines());
        Assert.True(growth.All(g => !g.Exceeded), "memory beyond the bound: " + string.Join("; ", growth.Where(g => g.Exceeded)));
        Assert.True(completed.Count >= started / 2, $"only {completed.Count} of {started} lifecycles completed");
    }

    /// <summary>
    /// This system's processes, found again at each sample: each service (its environment holds this system's first
    /// Postgres address), each Postgres data node and the monitor (the server on its port and its backends, PSS), each
    /// RabbitMQ node (the beam listening on its AMQP port).
    /// </summary>
    private IReadOnlyList<ProcessGroup> Processes(ClusterFaults cluster)
    {
        var marker = $"127.0.0.1:{system.PostgresPort},";
        var groups = FaultSuite.Killed.Select(s => new ProcessGroup(s, SystemProcesses.Service(s, marker), Proportional: false)).ToList();
        for (var i = 1; i <= ClusterFaults.DatabaseNodes; i++)
            groups.Add(new ProcessGroup(ResourceNames.PostgresNode(i), SystemProcesses.ListeningWithChildren(system.PostgresPort + i - 1), Proportional: true));
        groups.Add(new ProcessGroup(ResourceNames.PostgresMonitor, SystemProcesses.ListeningWithChildren(system.PostgresPort + ClusterFaults.DatabaseNodes), Proportional: true));
        for (var i = 1; i <= ClusterFaults.BrokerNodes; i++)
        {
            var node = ResourceNames.RabbitMqNode(i);
            groups.Add(new ProcessGroup(node, SystemProcesses.ListeningWithChildren(cluster.AmqpPort(node)), Proportional: false));
        }
        return groups;
    }
}

using System.Text.Json;
using Procedures.Benchmarks.Load;
using Procedures.Contracts;
using Procedures.TestInfrastructure;
using Procedures.TestInfrastructure.Contract;

namespace Procedures.EndToEnd.Tests;

/// <summary>
/// The whole-system benchmark (tests/Benchmarks, issue 11) in its smoke settings against this fixture's system: every
/// scenario runs a few seconds (10,000 reporting facts), and the report must be complete and sane — CI's guard against
/// regressions in the harness. The figures themselves are only meaningful from a full run (BENCHMARKS.md).
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class BenchmarkSmokeTests(SystemFixture system)
{
    [Fact]
    public async Task The_benchmark_in_smoke_settings_reports_every_scenario_limit_and_memory_figure_with_nothing_lost()
    {
        Uri At(string service) => system.Client(service).BaseAddress!;
        var target = new SystemTarget(At(ResourceNames.Intake), At(ResourceNames.Processing), At(ResourceNames.Payment),
            At(ResourceNames.PortalSync), At(ResourceNames.Reporting), At(ResourceNames.Sandbox), system.PostgresPort, "procedures-dev",
            system.RabbitMqPort, system.RabbitMqManagementPort)
        {
            // Like every other answer of the suite, the benchmark's are checked against the committed OpenAPI documents.
            WrapHandler = (service, transport) => new ContractCheckingHandler(service, transport),
        };

        var report = await BenchmarkRun.RunAsync(target, BenchmarkSettings.Smoke, RepositoryRoot.Path, TextWriter.Null);

        Assert.True(report.Limits.CommitsPerSecond > 0 && report.Limits.MessagesPerSecond > 0, ReportWriter.ToJson(report));
        Assert.Equal(report.Limits.RabbitMq.Publish.Completed, report.Limits.RabbitMq.Consumed);
        Assert.True(report.Submission.Load is { Completed: > 0, Failed: 0 }, string.Join(" | ", report.Submission.Load.Errors));
        // A submission commits at least its idempotency claim and the dossier; its event reaches every consumer downstream.
        Assert.True(report.Submission.Cost.WriteTransactions >= 2, JsonSerializer.Serialize(report.Submission));
        Assert.True(report.Submission.Cost.MessagesConsumed >= 1, JsonSerializer.Serialize(report.Submission));
        Assert.True(report.Submission.Ratios.ShareOfCommitBound > 0);
        foreach (var run in new[] { report.Lifecycle.Max, report.Lifecycle.HalfRate })
        {
            Assert.True(run.Load is { Completed: > 0, Failed: 0 }, string.Join(" | ", run.Load.Errors));
            Assert.Empty(run.Missing); // zero loss: every submitted lifecycle ends acknowledged at status 10
            Assert.Equal(run.Submitted, run.AtPortal);
            Assert.All(LifecycleScenario.Stages, s => Assert.Equal(run.Load.Completed, run.Stages[s].Count));
            Assert.True(run.Stages["end-to-end"].P50 >= run.Stages["portal-ack"].P50);
        }
        Assert.True(report.Lifecycle.Cost.WriteTransactions > report.Submission.Cost.WriteTransactions);
        Assert.All(BenchmarkRun.Services.Append("postgres").Append("rabbitmq"), p => Assert.True(report.Lifecycle.Memory.PeakMb.GetValueOrDefault(p) > 10,
            $"{p}: {JsonSerializer.Serialize(report.Lifecycle.Memory)}"));
        Assert.True(report.Lifecycle.Memory.PeakTotalMb >= report.Lifecycle.Memory.PeakMb.Values.Max());
        // CPU per operation (issue 23): each process of the system, the harness apart, against the run's primitive floor.
        Assert.True(report.Limits.Primitives is { MsPerCommit: > 0, MsPerDelivery: > 0 }, JsonSerializer.Serialize(report.Limits.Primitives));
        foreach (var cpu in new[] { report.Submission.Cpu, report.Lifecycle.Cpu, report.Lifecycle.HalfRateCpu })
        {
            Assert.All(BenchmarkRun.Services.Append("postgres").Append("rabbitmq").Append(ProcessCpu.Harness),
                p => Assert.True(cpu.MsPerOperation.ContainsKey(p), $"{p}: {JsonSerializer.Serialize(cpu)}"));
            Assert.True(cpu is { SystemMsPerOperation: > 0, FloorMsPerOperation: > 0, TimesFloor: > 0 }, JsonSerializer.Serialize(cpu));
            Assert.InRange(cpu.SystemMsPerOperation - cpu.MsPerOperation.Where(kv => kv.Key != ProcessCpu.Harness).Sum(kv => kv.Value), -0.1, 0.1);
        }
        Assert.True(report.Lifecycle.Cpu.MsPerOperation["postgres"] > report.Submission.Cpu.MsPerOperation["postgres"]);
        // The write transactions read back from the WAL: a submission commits at Intake at least once.
        Assert.True(report.Submission.Transactions is { } t && t.ByDatabase.GetValueOrDefault(ResourceNames.Intake) >= 1
            && t.Kinds.Count > 0 && report.Lifecycle.Transactions is { PerOperation: > 0 }, JsonSerializer.Serialize(report.Submission.Transactions));
        Assert.Equal(BenchmarkSettings.Smoke.Facts, report.Reporting.Facts);
        Assert.Equal(report.Reporting.FactsInMonth, report.Reporting.IndexReceivedInMonth); // the index counts what was loaded
        Assert.All(report.Reporting.Queries, q => Assert.Equal(BenchmarkSettings.Smoke.QueryRepetitions, q.Milliseconds.Count));
        Assert.Equal(9, report.Goals.Count); // issue 23's goals (Goals.cs)
        Assert.Contains(report.Goals, g => g.Target == "≤ 0.5" && g.Measured.StartsWith("submission ", StringComparison.Ordinal));

        var json = JsonDocument.Parse(ReportWriter.ToJson(report)).RootElement;
        Assert.True(json.GetProperty("lifecycle").GetProperty("max").GetProperty("stages").GetProperty("end-to-end").GetProperty("p99").GetDouble() > 0);
        var markdown = ReportWriter.ToMarkdown(report);
        Assert.StartsWith(ReportWriter.Start, markdown, StringComparison.Ordinal);
        Assert.Contains("| portal-ack |", markdown, StringComparison.Ordinal);
        Assert.Contains("| CPU-ms per operation | submission | lifecycle | lifecycle at half rate |", markdown, StringComparison.Ordinal);
    }
}

using System.Diagnostics;
using Procedures.Contracts;
using Procedures.TestInfrastructure;

namespace Procedures.EndToEnd.Tests.Cluster;

/// <summary>
/// The fault system (fast payment reconciliation) in the cluster topology (<c>Infrastructure:Topology=cluster</c>): three
/// RabbitMQ nodes with quorum queues, a Postgres failover pair under pg_auto_failover (docs/operations.md).
/// </summary>
public abstract class ClusterSystemFixture : FaultSystemFixture
{
    protected override IEnumerable<string> ExtraArguments => ["Infrastructure:Topology=cluster"];

    /// <summary>The standby is built from the primary (and the broker nodes cluster) before any service starts.</summary>
    protected override TimeSpan StartBudget => TimeSpan.FromMinutes(6);
}

public sealed class ClusteredFaultSystemFixture : ClusterSystemFixture;

[CollectionDefinition(Name)]
public sealed class ClusteredFaultSystemCollection : ICollectionFixture<ClusteredFaultSystemFixture>
{
    public const string Name = "clustered-fault-system";
}

/// <summary>
/// Issue 26's clustered fault suite: the fault suite's traffic, verdict and portal faults in the cluster topology, where
/// the infrastructure's faults are what the engines do in production. With lifecycles running: the RabbitMQ node leading
/// most quorum queues killed -9 (timed until no queue is led by it; then started again), then the busiest other node;
/// the Postgres primary killed -9 (failover: timed until a write commits through the services' own multi-host login;
/// the killed node started again rejoins as the standby), then the new primary (fail-back). Before each database kill it
/// waits until the primary replicates synchronously and prints the settings "0 lost" rests on. Then services are killed
/// as in the single-node suite. Counted as the fault suite counts (0 lost, 0 duplicated, error queues empty, every
/// dossier synced); each fault's recovery time is in the summary. After the verdict: the asynchronous case, where a
/// committed dossier is lost at failover and Intake reports it (<see cref="AfterVerdictAsync"/>).
/// CLUSTER_KILL_SERVICES=all kills all six services as the single-node suite does; CI's form kills Intake (whose
/// memory of accepted dossiers the loss detection rests on) and PortalSync, the single-node suites kill every one.
/// </summary>
[Collection(ClusteredFaultSystemCollection.Name)]
public sealed class ClusteredFaultSuiteTests(ClusteredFaultSystemFixture system) : FaultSuite(system, instances: 1)
{
    private ClusterFaults Cluster => field ??= new ClusterFaults(Fixture, this);

    protected override string SummaryName => "cluster";

    protected override IReadOnlyList<string> ServicesToKill
        => Environment.GetEnvironmentVariable("CLUSTER_KILL_SERVICES") == "all" ? Killed : [ResourceNames.Intake, ResourceNames.PortalSync];

    protected override async Task BreakInfrastructureAsync(List<string> faults, System.Collections.Concurrent.ConcurrentBag<string> accepted)
    {
        string? leader = null;
        foreach (var kind in new[] { "leading most queues", "busiest other" })
        {
            var fault = new ClusterFault();
            leader = await Cluster.KillBrokerNodeAsync(fault, leader);
            faults.Add($"broker node {kind}, {fault}");
            await WaitForTrafficAsync(accepted, accepted.Count + 2);
        }
        foreach (var kind in new[] { "failover", "fail-back" })
        {
            var settings = await Cluster.SynchronousAsync(TimeSpan.FromMinutes(3));
            var fault = new ClusterFault();
            await Cluster.KillPrimaryAsync(fault);
            faults.Add($"{kind} ({settings}), {fault}");
            await WaitForTrafficAsync(accepted, accepted.Count + 2);
        }
    }

    /// <summary>
    /// The asynchronous case, shown: <c>synchronous_commit = local</c> on the primary (a commit no longer waits for the
    /// standby) and its WAL sender stopped (SIGSTOP), so the standby is certain not to have what follows; a submission is
    /// answered 201 and is on the primary, not on the standby; the primary is killed and the standby promoted. The
    /// dossier is gone from the database, and Intake's lost-at-failover check must report it in <c>lost_at_failover</c>.
    /// </summary>
    protected override async Task AfterVerdictAsync(string clerk)
    {
        var primary = await Cluster.PrimaryAsync();
        var standby = primary == ResourceNames.PostgresNode(1) ? ResourceNames.PostgresNode(2) : ResourceNames.PostgresNode(1);
        await Cluster.SynchronousAsync(TimeSpan.FromMinutes(3));
        await Cluster.SetSynchronousCommitAsync(primary, "local");
        await Cluster.PauseWalSenderAsync(primary);
        string? code = null;
        await Eventually.Until(async () => code = await SubmitAsync(clerk, Guid.NewGuid().ToString(), CancellationToken.None),
            c => c is not null, TimeSpan.FromMinutes(1), "a submission answered 201 with the WAL sender stopped");
        Assert.True(await Cluster.DossierOnAsync(primary, code!), $"{code} is on the primary");
        Assert.False(await Cluster.DossierOnAsync(standby, code!), $"{code} must not have reached the standby (its WAL sender is stopped)");

        var fault = new ClusterFault();
        var watch = Stopwatch.StartNew();
        await Cluster.KillPrimaryAsync(fault);
        Assert.False(await Cluster.DossierOnAsync(standby, code!), $"{code} was committed only on the killed primary: the promoted standby cannot have it");
        var reported = await Eventually.Until(
            () => ScalarAsync<long>(ResourceNames.Intake, "SELECT count(*) FROM lost_at_failover WHERE dossier_code = @code", ("code", code!)),
            n => n == 1, TimeSpan.FromMinutes(1), $"Intake to report {code} lost at the failover");
        var summary = $"asynchronous replication (synchronous_commit = local, {primary}'s WAL sender stopped): {code} answered 201, "
                      + $"then {fault}; the promoted {standby} does not have it; Intake reported it in lost_at_failover "
                      + $"{watch.Elapsed.TotalSeconds:F0} s after the kill";
        Console.WriteLine(summary);
        await File.AppendAllTextAsync(Path.Combine(AppContext.BaseDirectory, $"fault-suite-summary-{SummaryName}.txt"), "\n" + summary);
        Assert.Equal(1, reported);
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;
using Npgsql;
using Procedures.Contracts;
using Procedures.TestInfrastructure;

namespace Procedures.EndToEnd.Tests;

/// <summary>The fault system in the cluster topology: a three-node RabbitMQ cluster and a Postgres failover pair (issue 26).</summary>
public sealed class ClusterFaultSystemFixture : FaultSystemFixture
{
    protected override IEnumerable<string> ExtraArguments => ["Infrastructure:Topology=cluster"];

    /// <summary>The standby is built from the primary (and the broker nodes cluster) before any service starts.</summary>
    protected override TimeSpan StartBudget => TimeSpan.FromMinutes(6);
}

[CollectionDefinition(Name)]
public sealed class ClusterFaultSystemCollection : ICollectionFixture<ClusterFaultSystemFixture>
{
    public const string Name = "cluster-fault-system";
}

/// <summary>
/// Issue 26's fault suite: the same traffic, service kills and portal faults as <see cref="FaultSuite"/> and the same
/// verdict (0 lost, 0 duplicated, error queues empty, everything synced), but the infrastructure fails as a cluster does:
/// the broker node that leads most quorum queues is killed (-9) and started again, then the busiest of the others; the
/// Postgres primary is killed, the standby is promoted by pg_auto_failover and the killed node rejoins as the standby,
/// then the new primary is killed too (the fail-back). Each recovery is timed: for the broker, until every queue has a
/// leader on a live node; for the database, until a write commits through the services' own multi-host connection.
/// </summary>
[Collection(ClusterFaultSystemCollection.Name)]
public sealed class ClusteredFaultSuiteTests(ClusterFaultSystemFixture system) : FaultSuite(system, instances: 1)
{
    protected override string SummaryName => "cluster";

    protected override async Task BreakInfrastructureAsync(List<string> faults, ConcurrentBag<string> accepted)
    {
        string? previous = null;
        for (var round = 0; round < 2; round++)
        {
            var (node, led) = await BusiestBrokerNodeAsync(except: previous);
            var clock = Stopwatch.StartNew();
            var instance = await KillAsync(node);
            await Eventually.Until(() => QueuesLedByAsync(node), n => n == 0, TimeSpan.FromMinutes(2), $"new leaders for the queues {node} led");
            var moved = clock.Elapsed;
            // A killed broker node repairs its files and rejoins the cluster before it takes logins: measured 90 s from the
            // start to "Starting broker… completed" alone on a machine running three other clusters, so up to 4 min.
            await StartAgainAsync(node, instance, TimeSpan.FromMinutes(4));
            faults.Add($"rabbitmq node {node} (leading {led} queues) killed -9: leaders moved in {moved.TotalSeconds:F1} s, node back in {clock.Elapsed.TotalSeconds:F0} s");
            await WaitForTrafficAsync(accepted, accepted.Count + 2);
            previous = node;
        }
        foreach (var what in new[] { "failover", "fail-back" })
        {
            // "0 lost" rests on synchronous replication: the primary waits for the standby's flush before a commit returns.
            // pg_auto_failover sets it once the standby is a healthy secondary (after a fail-over, once the killed node
            // has rejoined), so the kill waits for that, then checks the setting the guarantee needs.
            var (standbys, commit) = await Eventually.Until(SynchronousReplicationAsync, r => r.Standbys.StartsWith("ANY 1 (", StringComparison.Ordinal),
                TimeSpan.FromMinutes(2), "the primary to replicate synchronously to the standby");
            Assert.Equal("on", commit);
            var primary = await PrimaryAsync();
            var clock = Stopwatch.StartNew();
            var instance = await KillAsync(primary);
            await Eventually.Until(WriteCommitsAsync, ok => ok, TimeSpan.FromMinutes(2), "a write to commit on the promoted standby");
            var promoted = clock.Elapsed;
            await StartAgainAsync(primary, instance);
            faults.Add($"postgres primary {primary} killed -9 ({what}; synchronous_standby_names '{standbys}', synchronous_commit {commit}): writes again after {promoted.TotalSeconds:F1} s, back as the standby in {clock.Elapsed.TotalSeconds:F0} s");
            await WaitForTrafficAsync(accepted, accepted.Count + 2);
        }
    }

    /// <summary>
    /// Asynchronous replication loses a commit at failover, and Intake reports it. The primary stops waiting for the
    /// standby (<c>synchronous_commit = local</c>) and its WAL sender is paused (SIGSTOP), so a submission commits (201)
    /// without its WAL leaving the machine; the primary is then killed and the standby promoted without it. Pausing the
    /// standby's receiver instead would not do: the WAL already sent waits in its socket and arrives on resume. Runs after
    /// the verdict (every commit in the window is lost, not only this one) and last (the killed node keeps the setting).
    /// </summary>
    protected override async Task AfterVerdictAsync(string token)
    {
        var primary = await PrimaryAsync();
        await using var superuser = await SuperuserAsync(primary);
        await Execute(superuser, "ALTER SYSTEM SET synchronous_commit = local");
        await Execute(superuser, "SELECT pg_reload_conf()");
        await Eventually.Until(SynchronousReplicationAsync, r => r.Commit == "local", TimeSpan.FromSeconds(30), "asynchronous commits");
        var walSender = Convert.ToInt32(await new NpgsqlCommand("SELECT pid FROM pg_stat_replication LIMIT 1", superuser).ExecuteScalarAsync(),
            System.Globalization.CultureInfo.InvariantCulture);
        Signal("STOP", walSender);
        var code = await Eventually.Until(() => SubmitAsync(token, Guid.NewGuid().ToString(), CancellationToken.None), c => c is not null,
            TimeSpan.FromMinutes(1), "a submission accepted (201) with asynchronous commits");
        Assert.Equal(1L, await ScalarAsync<long>(ResourceNames.Intake, "SELECT count(*) FROM dossiers WHERE code = @code", ("code", code!)));
        var clock = Stopwatch.StartNew();
        await KillAsync(primary); // the paused WAL sender dies with it
        await Eventually.Until(WriteCommitsAsync, ok => ok, TimeSpan.FromMinutes(2), "a write to commit on the promoted standby");
        var promoted = clock.Elapsed;
        var recorded = await Eventually.Until(
            () => ScalarAsync<long>(ResourceNames.Intake, "SELECT count(*) FROM lost_at_failover WHERE dossier_code = @code", ("code", code!)),
            n => n == 1, TimeSpan.FromMinutes(1), $"Intake to report {code} lost at failover");
        Assert.Equal(0L, await ScalarAsync<long>(ResourceNames.Intake, "SELECT count(*) FROM dossiers WHERE code = @code", ("code", code!)));
        var line = $"asynchronous replication (synchronous_commit local, WAL sender paused): {code} answered 201, primary {primary} killed, "
                   + $"writes again after {promoted.TotalSeconds:F1} s; the dossier is missing on the new primary and Intake reported it "
                   + $"in lost_at_failover {clock.Elapsed.TotalSeconds:F0} s after the kill";
        Console.WriteLine(line);
        await File.AppendAllTextAsync(Path.Combine(AppContext.BaseDirectory, $"fault-suite-summary-{SummaryName}.txt"), "\n" + line);
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>kill -SIG pid (.NET sends only SIGKILL itself).</summary>
    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>The node's superuser over its Unix socket (pg_hba trusts local connections: deploy/local/run-pg-node.sh).</summary>
    private async Task<NpgsqlConnection> SuperuserAsync(string node)
    {
        var index = int.Parse(node[(ResourceNames.PostgresNode(1).Length - 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder
        {
            Host = "/var/run/postgresql", Port = Fixture.PostgresPort + index - 1, Username = "postgres", Database = "postgres", Pooling = false,
        }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private HttpClient Management(int node)
    {
        var management = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Fixture.RabbitMqManagementPort + (node - 1) * 10}") };
        management.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("guest:guest"u8.ToArray()));
        return management;
    }

    /// <summary>Each quorum queue's leader, as a live node's management API reports it ("procedures-{amqp port}@localhost").</summary>
    private async Task<List<string>> LeadersAsync()
    {
        foreach (var node in Enumerable.Range(1, 3))
        {
            try
            {
                using var management = Management(node);
                var queues = await management.GetFromJsonAsync<JsonElement>("/api/queues?columns=name,type,leader");
                return queues.EnumerateArray()
                    .Where(q => q.TryGetProperty("type", out var t) && t.GetString() == "quorum")
                    .Select(q => q.TryGetProperty("leader", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString()! : "none")
                    .ToList();
            }
            catch (HttpRequestException) { } // that node is the one down: ask the next
        }
        throw new InvalidOperationException("no broker node answers its management API");
    }

    private string NodeName(string resource)
    {
        var index = resource == ResourceNames.RabbitMq ? 1 : int.Parse(resource[(ResourceNames.RabbitMq.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        return $"procedures-{Fixture.RabbitMqPort + (index - 1) * 10}@localhost";
    }

    private async Task<(string Node, int Led)> BusiestBrokerNodeAsync(string? except)
    {
        var leaders = await LeadersAsync();
        return Enumerable.Range(1, 3).Select(ResourceNames.RabbitMqNode).Where(n => n != except)
            .Select(n => (Node: n, Led: leaders.Count(l => l == NodeName(n))))
            .OrderByDescending(x => x.Led).First();
    }

    /// <summary>Queues still led by the node (or by no node at all).</summary>
    private async Task<int> QueuesLedByAsync(string node)
        => (await LeadersAsync()).Count(l => l == NodeName(node) || l == "none");

    private async Task<NpgsqlConnectionStringBuilder> IntakeLoginAsync()
        => new(await Fixture.App.GetConnectionStringAsync(ResourceNames.Database(ResourceNames.Intake)));

    /// <summary>The data node that takes writes now, asked on each node's own port.</summary>
    private async Task<string> PrimaryAsync()
    {
        for (var i = 1; i <= 2; i++)
        {
            var login = await IntakeLoginAsync();
            login.Host = "127.0.0.1";
            login.Port = Fixture.PostgresPort + i - 1;
            login.TargetSessionAttributes = null;
            login.Pooling = false;
            try
            {
                await using var connection = new NpgsqlConnection(login.ConnectionString);
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("SELECT NOT pg_is_in_recovery()", connection);
                if ((bool)(await command.ExecuteScalarAsync())!) return ResourceNames.PostgresNode(i);
            }
            catch (NpgsqlException) { }
        }
        throw new InvalidOperationException("no Postgres node takes writes");
    }

    /// <summary>The primary's replication settings, as the services' own login sees them through their multi-host connection.</summary>
    private async Task<(string Standbys, string Commit)> SynchronousReplicationAsync()
    {
        var login = await IntakeLoginAsync();
        login.Pooling = false;
        try
        {
            await using var connection = new NpgsqlConnection(login.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "SELECT current_setting('synchronous_standby_names'), current_setting('synchronous_commit')", connection);
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            return (reader.GetString(0), reader.GetString(1));
        }
        catch (NpgsqlException)
        {
            return ("", "");
        }
    }

    /// <summary>A transaction that needs a primary commits through the services' own multi-host connection string.</summary>
    private async Task<bool> WriteCommitsAsync()
    {
        var login = await IntakeLoginAsync();
        login.Pooling = false;
        login.Timeout = 3;
        try
        {
            await using var connection = new NpgsqlConnection(login.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT txid_current()", connection); // refused during recovery
            await command.ExecuteScalarAsync();
            return true;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }
}

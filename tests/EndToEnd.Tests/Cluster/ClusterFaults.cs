using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;
using Npgsql;
using Procedures.Contracts;
using Procedures.TestInfrastructure;

namespace Procedures.EndToEnd.Tests.Cluster;

/// <summary>A fault in the cluster topology as the clustered suite and the soak print it: what was done, how it recovered.</summary>
public class ClusterFault
{
    public string? What { get; set; }
    /// <summary>Until the component was back (leaders moved and node back; writes again and node back).</summary>
    public string? Recovery { get; set; }

    public override string ToString() => $"{What}: {Recovery}";
}

/// <summary>
/// The faults of the cluster topology (docs/operations.md), shared by the clustered fault suite and the soak: which
/// RabbitMQ node leads the quorum queues and which Postgres node is the primary, killing either (-9) and timing the
/// recovery, and the settings "no commit lost" rests on. Killing and starting an instance is the fault suite's own
/// (<see cref="FaultSuite.KillAsync"/>): the AppHost's process ids and start command.
/// </summary>
public sealed class ClusterFaults(FaultSystemFixture system, FaultSuite driver)
{
    public const int BrokerNodes = 3;
    public const int DatabaseNodes = 2;

    private HttpClient Management(int node)
    {
        var management = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{system.RabbitMqManagementPort + (node - 1) * 10}") };
        management.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("guest:guest"u8.ToArray()));
        return management;
    }

    /// <summary>Each quorum queue's leader, as a live node's management API reports it ("procedures-{amqp port}@localhost").</summary>
    public async Task<List<string>> LeadersAsync()
    {
        foreach (var node in Enumerable.Range(1, BrokerNodes))
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

    /// <summary>The AMQP port of the broker node resource (node i listens 10 ports above node i-1).</summary>
    public int AmqpPort(string resource) => system.RabbitMqPort + (NodeIndex(resource, ResourceNames.RabbitMq) - 1) * 10;

    /// <summary>The port of the Postgres data node resource ("postgres-i" listens on PostgresPort + i - 1).</summary>
    public int PostgresPort(string resource) => system.PostgresPort + NodeIndex(resource, "postgres") - 1;

    private static int NodeIndex(string resource, string stem)
        => resource == ResourceNames.RabbitMq ? 1 : int.Parse(resource[(stem.Length + 1)..], CultureInfo.InvariantCulture);

    private string NodeName(string resource) => $"procedures-{AmqpPort(resource)}@localhost";

    /// <summary>The broker node leading the most quorum queues, other than <paramref name="except"/>, and how many it leads.</summary>
    public async Task<(string Node, int Led)> BusiestBrokerNodeAsync(string? except)
    {
        var leaders = await LeadersAsync();
        return Enumerable.Range(1, BrokerNodes).Select(ResourceNames.RabbitMqNode).Where(n => n != except)
            .Select(n => (Node: n, Led: leaders.Count(l => l == NodeName(n))))
            .OrderByDescending(x => x.Led).First();
    }

    /// <summary>Queues still led by the node (or by no node at all).</summary>
    public async Task<int> QueuesLedByAsync(string node)
        => (await LeadersAsync()).Count(l => l == NodeName(node) || l == "none");

    /// <summary>Intake's login as the services have it: both data nodes, Target Session Attributes=read-write.</summary>
    public async Task<NpgsqlConnectionStringBuilder> IntakeLoginAsync()
        => new(await system.App.GetConnectionStringAsync(ResourceNames.Database(ResourceNames.Intake)));

    /// <summary>Intake's login on one data node only, whatever its role (a standby answers reads).</summary>
    public async Task<string> IntakeLoginOnAsync(string node)
    {
        var login = await IntakeLoginAsync();
        login.Host = "127.0.0.1";
        login.Port = PostgresPort(node);
        login.TargetSessionAttributes = null;
        login.Pooling = false;
        return login.ConnectionString;
    }

    /// <summary>The superuser on one data node, through its socket (run-pg-node.sh trusts local connections).</summary>
    private string Superuser(string node)
        => $"Host=/var/run/postgresql;Port={PostgresPort(node)};Username=postgres;Database=postgres;Pooling=false;Timeout=5";

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The data node that takes writes now, asked on each node's own port.</summary>
    public async Task<string> PrimaryAsync()
    {
        for (var i = 1; i <= DatabaseNodes; i++)
        {
            var node = ResourceNames.PostgresNode(i);
            try
            {
                if (await ScalarAsync<bool>(await IntakeLoginOnAsync(node), "SELECT NOT pg_is_in_recovery()")) return node;
            }
            catch (NpgsqlException) { }
        }
        throw new InvalidOperationException("no Postgres node takes writes");
    }

    /// <summary>A transaction that needs a primary commits through the services' own multi-host connection string.</summary>
    public async Task<bool> WriteCommitsAsync()
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

    /// <summary>
    /// Waits until the primary replicates synchronously (a standby streaming and counted in the quorum) and returns the
    /// two settings "no commit lost" rests on, read through the services' own login: after a failover the killed node
    /// must be back and caught up before the next kill, or that kill could lose commits (docs/operations.md).
    /// </summary>
    public async Task<string> SynchronousAsync(TimeSpan within)
    {
        var primary = await PrimaryAsync();
        await Eventually.Until(async () =>
            {
                try
                {
                    return await ScalarAsync<long>(Superuser(primary),
                        "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' AND sync_state IN ('sync', 'quorum')");
                }
                catch (NpgsqlException) { return 0L; }
            }, n => n > 0, within, $"{primary} to replicate synchronously to a standby");
        var login = await IntakeLoginAsync();
        login.Pooling = false;
        var names = await ScalarAsync<string>(login.ConnectionString, "SHOW synchronous_standby_names");
        var commit = await ScalarAsync<string>(login.ConnectionString, "SHOW synchronous_commit");
        return $"synchronous_standby_names = '{names}', synchronous_commit = {commit}";
    }

    /// <summary>Kills (-9) the broker node leading most queues (other than <paramref name="except"/>), times the leaders' move, starts it again.</summary>
    public async Task<string> KillBrokerNodeAsync(ClusterFault fault, string? except)
    {
        var (node, led) = await BusiestBrokerNodeAsync(except);
        fault.What = $"{node} (leading {led} of the quorum queues) killed -9";
        var watch = Stopwatch.StartNew();
        var instance = await driver.KillAsync(node);
        try
        {
            await Eventually.Until(() => QueuesLedByAsync(node), n => n == 0, TimeSpan.FromMinutes(2), $"new leaders for the queues {node} led");
            fault.Recovery = $"leaders moved in {watch.Elapsed.TotalSeconds:F1} s";
        }
        finally
        {
            await StartAgainAsync(fault, node, instance); // started again even when the leaders did not move
        }
        fault.Recovery += $", node back in {watch.Elapsed.TotalSeconds:F0} s";
        return node;
    }

    /// <summary>Kills (-9) the Postgres primary, times until a write commits through the services' login, starts it again (it rejoins as the standby).</summary>
    public async Task<string> KillPrimaryAsync(ClusterFault fault)
    {
        var primary = await PrimaryAsync();
        fault.What = $"postgres primary {primary} killed -9";
        var watch = Stopwatch.StartNew();
        var instance = await driver.KillAsync(primary);
        try
        {
            await Eventually.Until(WriteCommitsAsync, ok => ok, TimeSpan.FromMinutes(2), "a write to commit on the promoted standby");
            fault.Recovery = $"writes again after {watch.Elapsed.TotalSeconds:F1} s";
        }
        finally
        {
            await StartAgainAsync(fault, primary, instance);
        }
        fault.Recovery += $", back as the standby in {watch.Elapsed.TotalSeconds:F0} s";
        return primary;
    }

    /// <summary>
    /// The fault suite's start again, which waits 2 minutes for health; a node on a starved machine may need longer (a
    /// broker node's boot, a standby's rewind), which is waited for up to 8 more minutes and reported.
    /// </summary>
    public async Task StartAgainAsync(ClusterFault fault, string resource, string instance)
    {
        try
        {
            await driver.StartAgainAsync(resource, instance);
        }
        catch (TimeoutException)
        {
            fault.Recovery += " (not healthy within 2 min of its start)";
            await system.App.ResourceNotifications.WaitForResourceAsync(resource,
                    e => e.ResourceId == instance && e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy)
                .WaitAsync(TimeSpan.FromMinutes(8));
        }
    }

    /// <summary>Sets <c>synchronous_commit</c> for every session of a node (ALTER SYSTEM and a reload), as the superuser.</summary>
    public async Task SetSynchronousCommitAsync(string node, string value)
    {
        await using var connection = new NpgsqlConnection(Superuser(node));
        await connection.OpenAsync();
        await using (var alter = new NpgsqlCommand($"ALTER SYSTEM SET synchronous_commit = '{value}'", connection))
            await alter.ExecuteNonQueryAsync();
        await using (var reload = new NpgsqlCommand("SELECT pg_reload_conf()", connection))
            await reload.ExecuteNonQueryAsync();
    }

    /// <summary>Stops (SIGSTOP) the primary's WAL sender: nothing more reaches the standby, while the primary keeps committing.</summary>
    public async Task<int> PauseWalSenderAsync(string node)
    {
        var pid = await ScalarAsync<int>(Superuser(node), "SELECT pid FROM pg_stat_replication LIMIT 1");
        using var stop = Process.Start("kill", ["-STOP", pid.ToString(CultureInfo.InvariantCulture)]);
        await stop.WaitForExitAsync();
        if (stop.ExitCode != 0) throw new InvalidOperationException($"kill -STOP {pid} ended with {stop.ExitCode}");
        return pid;
    }

    /// <summary>Whether Intake's dossier is in the database of <paramref name="node"/> (primary or standby).</summary>
    public async Task<bool> DossierOnAsync(string node, string code)
    {
        await using var connection = new NpgsqlConnection(await IntakeLoginOnAsync(node));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM dossiers WHERE code = @code", connection);
        command.Parameters.AddWithValue("code", code);
        return (long)(await command.ExecuteScalarAsync())! > 0;
    }
}

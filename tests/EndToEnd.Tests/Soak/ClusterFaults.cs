using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;
using Npgsql;
using Procedures.Contracts;

namespace Procedures.EndToEnd.Tests.Soak;

/// <summary>
/// What a fault in the cluster topology needs to know: which RabbitMQ node leads the quorum queues and which Postgres node
/// is the primary. Written after the clustered fault suite of branch cluster26-suite (ClusteredFaultSuiteTests), which
/// holds the same questions; when that suite is merged, one of the two should use the other's.
/// </summary>
public sealed class ClusterFaults(FaultSystemFixture system)
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
    public int AmqpPort(string resource) => system.RabbitMqPort + (NodeIndex(resource) - 1) * 10;

    private static int NodeIndex(string resource)
        => resource == ResourceNames.RabbitMq ? 1 : int.Parse(resource[(ResourceNames.RabbitMq.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);

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

    private async Task<NpgsqlConnectionStringBuilder> IntakeLoginAsync()
        => new(await system.App.GetConnectionStringAsync(ResourceNames.Database(ResourceNames.Intake)));

    /// <summary>The data node that takes writes now, asked on each node's own port.</summary>
    public async Task<string> PrimaryAsync()
    {
        for (var i = 1; i <= DatabaseNodes; i++)
        {
            var login = await IntakeLoginAsync();
            login.Host = "127.0.0.1";
            login.Port = system.PostgresPort + i - 1;
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
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Procedures.Contracts;

namespace Procedures.AppHost;

/// <summary>
/// <c>Infrastructure:Topology=cluster</c> (issue 26): what a city runs on several machines, on one. Postgres is a failover
/// pair under pg_auto_failover (a monitor and two data nodes, synchronous streaming replication; the monitor promotes the
/// standby when the primary fails) and RabbitMQ a three-node cluster whose quorum queues have a member on every node.
/// The services are given every host and find the primary (Npgsql's Target Session Attributes) and a live broker node
/// (MassTransit's cluster nodes) by themselves. deploy/local/run-pg-node.sh and run-rabbitmq.sh run the members;
/// docs/operations.md says why pg_auto_failover and what "no commit lost" rests on.
/// </summary>
internal static class ClusterTopology
{
    public const int BrokerNodeCount = 3;
    public const int DatabaseNodeCount = 2;

    /// <summary>Each further broker node listens 10 ports above the previous one (AMQP, management, distribution).</summary>
    private const int BrokerPortStep = 10;

    private static int PostgresPort(IConfiguration infra) => infra.GetValue("PostgresPort", 55432);

    private static int MonitorPort(IConfiguration infra) => infra.GetValue("PostgresMonitorPort", PostgresPort(infra) + DatabaseNodeCount);

    /// <summary>The data nodes' addresses for a multi-host connection string: node i listens on PostgresPort + i - 1.</summary>
    public static string PostgresHosts(IConfiguration infra)
        => string.Join(',', Enumerable.Range(0, DatabaseNodeCount).Select(i => $"127.0.0.1:{PostgresPort(infra) + i}"));

    /// <summary>Every port the topology listens on, for the AppHost's port check.</summary>
    public static IEnumerable<(int Port, string Role)> Ports(IConfiguration infra)
    {
        for (var i = 1; i < DatabaseNodeCount; i++) yield return (PostgresPort(infra) + i, $"PostgreSQL node {i + 1}");
        yield return (MonitorPort(infra), "pg_auto_failover monitor");
        for (var i = 1; i < BrokerNodeCount; i++)
        {
            yield return (infra.GetValue("RabbitMqPort", 55672) + i * BrokerPortStep, $"RabbitMQ node {i + 1}");
            yield return (infra.GetValue("RabbitMqManagementPort", 55673) + i * BrokerPortStep, $"RabbitMQ node {i + 1} management");
        }
    }

    public static (IReadOnlyList<IResourceBuilder<IResource>> Servers, IReadOnlyList<IResourceBuilder<IResource>> Brokers, string BrokerNodes) Add(
        IDistributedApplicationBuilder builder, IConfiguration infra, string root, string data, string password)
    {
        var script = Path.Combine(root, "deploy", "local", "run-pg-node.sh");
        var monitorPort = MonitorPort(infra);
        builder.Services.AddHealthChecks().AddAsyncCheck(ResourceNames.PostgresMonitor + "-ready", ct => Readiness.PostgresAsync(
            $"Host=127.0.0.1;Port={monitorPort};Username=autoctl_node;Database=pg_auto_failover", ct));
        var monitor = builder.AddExecutable(ResourceNames.PostgresMonitor, "bash", root, script, "monitor",
                Path.Combine(data, ResourceNames.PostgresMonitor), monitorPort.ToString())
            .WithEndpoint(port: monitorPort, targetPort: monitorPort, scheme: "tcp", name: "tcp", isProxied: false)
            .WithHealthCheck(ResourceNames.PostgresMonitor + "-ready");
        var servers = new List<IResourceBuilder<IResource>> { monitor };
        var last = LocalAccounts.Services[^1];
        for (var i = 1; i <= DatabaseNodeCount; i++)
        {
            var name = ResourceNames.PostgresNode(i);
            var port = PostgresPort(infra) + i - 1;
            // Healthy once it takes the last service's login on its own port: as the primary, provisioning is done; as the
            // standby, it has replicated that far.
            builder.Services.AddHealthChecks().AddAsyncCheck(name + "-ready", ct => Readiness.PostgresAsync(
                $"Host=127.0.0.1;Port={port};Username={last};Password={LocalAccounts.Password(last, password)};Database={last}", ct));
            servers.Add(builder.AddExecutable(name, "bash", root, script, "node", Path.Combine(data, name), port.ToString(),
                    monitorPort.ToString(), name)
                .WithEnvironment("PROCEDURES_PG_ROLES", LocalAccounts.PostgresRoles(password))
                .WithEndpoint(port: port, targetPort: port, scheme: "tcp", name: "tcp", isProxied: false)
                .WithHealthCheck(name + "-ready")
                .WaitFor(monitor));
        }

        var amqp = infra.GetValue("RabbitMqPort", 55672);
        var mgmt = infra.GetValue("RabbitMqManagementPort", 55673);
        var dist = infra.GetValue("RabbitMqDistributionPort", 55674);
        var amqpPorts = Enumerable.Range(0, BrokerNodeCount).Select(i => amqp + i * BrokerPortStep).ToList();
        var brokers = Enumerable.Range(0, BrokerNodeCount).Select(i => RabbitMqNode(builder, ResourceNames.RabbitMqNode(i + 1), root,
                Path.Combine(data, ResourceNames.RabbitMqNode(i + 1)), amqpPorts[i], mgmt + i * BrokerPortStep, dist + i * BrokerPortStep, password)
            .WithEnvironment("PROCEDURES_MQ_CLUSTER", string.Join(' ', amqpPorts))
            .WithEnvironment("PROCEDURES_MQ_COOKIE", "procedures-cluster-" + password))
            .Cast<IResourceBuilder<IResource>>().ToList();
        return (servers, brokers, string.Join(',', amqpPorts.Select(p => $"127.0.0.1:{p}")));
    }

    /// <summary>One RabbitMQ node (deploy/local/run-rabbitmq.sh), healthy once the last service's user can connect to it.</summary>
    public static IResourceBuilder<ExecutableResource> RabbitMqNode(IDistributedApplicationBuilder builder, string name, string root,
        string dir, int amqpPort, int mgmtPort, int distPort, string password)
    {
        var last = LocalAccounts.Services[^1];
        builder.Services.AddHealthChecks().AddAsyncCheck(name + "-ready", ct => Readiness.RabbitMqAsync(
            new Uri($"amqp://{last}:{LocalAccounts.Password(last, password)}@127.0.0.1:{amqpPort}/"), ct));
        return builder.AddExecutable(name, "bash", root, Path.Combine(root, "deploy", "local", "run-rabbitmq.sh"),
                dir, amqpPort.ToString(), mgmtPort.ToString(), distPort.ToString())
            .WithEnvironment("PROCEDURES_MQ_DEFINITIONS", LocalAccounts.BrokerDefinitions(password))
            .WithEndpoint(port: amqpPort, targetPort: amqpPort, scheme: "tcp", name: "amqp", isProxied: false)
            .WithHttpEndpoint(port: mgmtPort, targetPort: mgmtPort, name: "management", isProxied: false)
            .WithHealthCheck(name + "-ready");
    }
}

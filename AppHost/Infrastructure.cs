using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Procedures.Contracts;

namespace Procedures.AppHost;

/// <summary>
/// Postgres (one database per service) and RabbitMQ. With a container engine that answers, Aspire's container
/// resources; without one (these machines, many agency servers) the locally installed servers run as
/// executables under DCP, started by deploy/local scripts, with data in a git-ignored folder.
/// </summary>
/// <param name="DatabaseServers">Every Postgres member a service waits for (one; or the failover pair and its monitor).</param>
/// <param name="Brokers">Every RabbitMQ node a service waits for; the first serves the management API.</param>
/// <param name="BrokerNodes">The cluster's AMQP endpoints ("host:port,…") for the services; null with one node.</param>
/// <param name="BrokerConnection">The operator's broker connection (tests read the host and port from it); no service gets it.</param>
/// <param name="Database">A service's runtime connection string (its own login, local mode; the superuser with containers).</param>
/// <param name="DatabaseOwner">The owner role's, for migrations only (null with containers: the service migrates as itself).</param>
/// <param name="BrokerUser">A service's own broker user.</param>
/// <param name="BrokerManagement">User and password of the broker-management account (null with containers: the shared user).</param>
public sealed record Infrastructure(
    IReadOnlyList<IResourceBuilder<IResource>> DatabaseServers,
    IReadOnlyList<IResourceBuilder<IResource>> Brokers,
    string? BrokerNodes,
    IResourceBuilder<IResourceWithConnectionString> BrokerConnection,
    Func<string, IResourceBuilder<IResourceWithConnectionString>> Database,
    Func<string, IResourceBuilder<IResourceWithConnectionString>?> DatabaseOwner,
    Func<string, IResourceBuilder<IResourceWithConnectionString>> BrokerUser,
    (string User, string Password)? BrokerManagement)
{
    public static Infrastructure Add(IDistributedApplicationBuilder builder)
    {
        var mode = builder.Configuration["Infrastructure:Mode"] ?? "auto";
        var useContainers = mode == "containers" || (mode == "auto" && ContainerEngineAnswers());
        return useContainers ? AddContainers(builder) : AddLocal(builder);
    }

    private static Infrastructure AddContainers(IDistributedApplicationBuilder builder)
    {
        var postgres = builder.AddPostgres(ResourceNames.Postgres).WithDataVolume();
        var rabbit = builder.AddRabbitMQ(ResourceNames.RabbitMq).WithManagementPlugin();
        // Aspire's containers keep one superuser and one broker user for all: least privilege is a local-mode and k8s setup.
        return new Infrastructure([postgres], [rabbit], null, rabbit,
            service => postgres.AddDatabase(ResourceNames.Database(service), service), _ => null, _ => rabbit, null);
    }

    private static Infrastructure AddLocal(IDistributedApplicationBuilder builder)
    {
        var config = builder.Configuration.GetSection("Infrastructure");
        var root = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));
        var data = config["DataDir"] is { Length: > 0 } dir ? dir : Path.Combine(root, ".local", "data");
        var pgPort = config.GetValue("PostgresPort", 55432);
        var amqpPort = config.GetValue("RabbitMqPort", 55672);
        var mgmtPort = config.GetValue("RabbitMqManagementPort", 55673);
        var distPort = config.GetValue("RabbitMqDistributionPort", 55674);
        var password = builder.Configuration["PROCEDURES_PG_PASSWORD"] ?? "procedures-dev";

        // Ready once the last account exists: both scripts create the accounts before (or as) the server answers.
        var last = LocalAccounts.Services[^1];
        // One server, or the failover pair: the client tries each host and keeps the one that takes writes ("read-write", not
        // "primary": a node being promoted is out of recovery but refuses writes until pg_auto_failover confirms the old primary gone).
        var pgHosts = config["Topology"] == "cluster"
            ? $"Host={ClusterTopology.PostgresHosts(config)};Target Session Attributes=read-write"
            : $"Host=127.0.0.1;Port={pgPort}";
        string PgLogin(string service, string role) =>
            $"{pgHosts};Username={role};Password={LocalAccounts.Password(role, password)};Database={service}";
        builder.Services.AddHealthChecks()
            .AddAsyncCheck("postgres-ready", ct => Readiness.PostgresAsync(PgLogin(last, LocalAccounts.Login(last)), ct));

        var (servers, brokers, brokerNodes) = config["Topology"] == "cluster"
            ? ClusterTopology.Add(builder, config, root, data, password)
            : SingleNodes(builder, root, data, password, pgPort, amqpPort, mgmtPort, distPort);

        var brokerConnection = builder.AddConnectionString(ResourceNames.RabbitMq + "-connection",
            ReferenceExpression.Create($"amqp://{LocalAccounts.Operator}:{LocalAccounts.Operator}@127.0.0.1:{amqpPort.ToString()}/"));
        return new Infrastructure(servers, brokers, brokerNodes, brokerConnection,
            service => builder.AddConnectionString(ResourceNames.Database(service),
                ReferenceExpression.Create($"{PgLogin(service, LocalAccounts.Login(service))}")),
            service => builder.AddConnectionString(ResourceNames.Migrations(ResourceNames.Database(service)),
                ReferenceExpression.Create($"{PgLogin(service, LocalAccounts.Owner(service))}")),
            service => builder.AddConnectionString(LocalAccounts.BrokerConnectionName(service), ReferenceExpression.Create(
                $"amqp://{service}:{LocalAccounts.Password(service, password)}@127.0.0.1:{amqpPort.ToString()}/")),
            (LocalAccounts.StreamAdmin, LocalAccounts.Password(LocalAccounts.StreamAdmin, password)));
    }

    private static (IReadOnlyList<IResourceBuilder<IResource>>, IReadOnlyList<IResourceBuilder<IResource>>, string?) SingleNodes(
        IDistributedApplicationBuilder builder, string root, string data, string password, int pgPort, int amqpPort, int mgmtPort, int distPort)
    {
        var scripts = Path.Combine(root, "deploy", "local");
        var postgres = builder.AddExecutable(ResourceNames.Postgres, "bash", root,
                Path.Combine(scripts, "run-postgres.sh"), Path.Combine(data, "postgres"), pgPort.ToString())
            .WithEnvironment("PROCEDURES_PG_PASSWORD", password)
            .WithEnvironment("PROCEDURES_PG_ROLES", LocalAccounts.PostgresRoles(password))
            .WithEndpoint(port: pgPort, targetPort: pgPort, scheme: "tcp", name: "tcp", isProxied: false)
            .WithHealthCheck("postgres-ready");
        var rabbit = ClusterTopology.RabbitMqNode(builder, ResourceNames.RabbitMq, root, Path.Combine(data, "rabbitmq"),
            amqpPort, mgmtPort, distPort, password);
        return ([postgres], [rabbit], null);
    }

    /// <summary>A docker client on PATH is not enough (these machines have one and no engine): ask the engine.</summary>
    private static bool ContainerEngineAnswers()
    {
        try
        {
            using var docker = Process.Start(new ProcessStartInfo("docker", "info --format {{.ServerVersion}}")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            });
            if (docker is null) return false;
            if (!docker.WaitForExit(TimeSpan.FromSeconds(3))) { docker.Kill(); return false; }
            return docker.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no docker client at all
        }
    }
}

public static class InfrastructureExtensions
{
    /// <summary>
    /// Passes settings given to the AppHost to the service: an overridden per-client rate limit (raised for the fuzz and load
    /// tests) and the telemetry settings (e.g. <c>Telemetry:TraceSampleRatio</c>).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithHardening(this IResourceBuilder<ProjectResource> service)
    {
        foreach (var section in new[] { "Hardening", "Telemetry" })
            foreach (var setting in service.ApplicationBuilder.Configuration.GetSection(section).GetChildren())
                if (setting.Value is { Length: > 0 } value)
                    service = service.WithEnvironment(section + "__" + setting.Key, value);
        return service;
    }

    /// <summary>The service's own database and the broker, waiting until both are ready, and token validation.</summary>
    /// <summary>
    /// Scale-out switch: <c>Infrastructure:Replicas=2</c> runs every service (not the sandbox, which stands in for
    /// single external systems) as that many processes behind the AppHost's proxy: competing consumers, and background
    /// jobs that must stay safe with two instances.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithReplicasFromConfig(this IResourceBuilder<ProjectResource> service)
        => int.TryParse(service.ApplicationBuilder.Configuration["Infrastructure:Replicas"], out var replicas) && replicas > 1
            ? service.WithReplicas(replicas)
            : service;

    public static IResourceBuilder<ProjectResource> WithInfrastructure(
        this IResourceBuilder<ProjectResource> service, Infrastructure infra, string name)
    {
        service = service
            .WithReplicasFromConfig()
            .WithTokenValidation()
            .WithHardening()
            .WithReference(infra.Database(name))
            .WithReference(infra.BrokerUser(name), ResourceNames.RabbitMq)
            ;
        foreach (var server in infra.DatabaseServers) service = service.WaitFor(server);
        foreach (var broker in infra.Brokers) service = service.WaitFor(broker);
        if (infra.BrokerNodes is { } nodes) service = service.WithEnvironment("Messaging__BrokerNodes", nodes);
        return infra.DatabaseOwner(name) is { } owner ? service.WithReference(owner) : service;
    }

    /// <summary>The broker's management API and the account allowed to create users: Notifications' alone.</summary>
    public static IResourceBuilder<ProjectResource> WithBrokerManagement(this IResourceBuilder<ProjectResource> service, Infrastructure infra)
    {
        service = service.WithEnvironment("Notifications__ManagementUrl", ((IResourceWithEndpoints)infra.Brokers[0].Resource).GetEndpoint("management"));
        return infra.BrokerManagement is var (user, password)
            ? service.WithEnvironment("Notifications__ManagementUser", user).WithEnvironment("Notifications__ManagementPassword", password)
            : service;
    }
}

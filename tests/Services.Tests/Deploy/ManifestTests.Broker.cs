using YamlDotNet.RepresentationModel;

namespace Procedures.Services.Tests.Deploy;

/// <summary>RabbitMQ: one user and permission per service from its secret, and TLS for the agencies' AMQP access.</summary>
public sealed partial class ManifestTests
{
    [Theory]
    [MemberData(nameof(ServiceNames))]
    public void Each_service_has_its_own_broker_user_from_its_secret_and_a_permission(string name)
    {
        var user = Named("User", name);
        var broker = Text(OfKind("RabbitmqCluster").Single(), "metadata", "name");
        Assert.Equal(broker, Text(user, "spec", "rabbitmqClusterReference", "name"));
        var secret = Named("Secret", Text(user, "spec", "importCredentialsSecret", "name")!);
        Assert.Equal(name, Text(secret, "stringData", "username"));
        Assert.NotNull(Text(secret, "stringData", "password"));
        Assert.Empty(((YamlSequenceNode)Node(user, "spec", "tags")!).Children); // no management rights

        var permission = Named("Permission", name);
        Assert.Equal((name, "/"), (Text(permission, "spec", "userReference", "name"), Text(permission, "spec", "vhost")));
        // The service's own connection string uses that user and that secret.
        var container = Items(Named("Deployment", name), "spec", "template", "spec", "containers").Single();
        Assert.StartsWith($"amqp://{name}:$(MQ_PASSWORD)@", Env(container, "ConnectionStrings__rabbitmq"));
        Assert.Equal(Text(secret, "metadata", "name"),
            Text(Items(container, "env").Single(e => Text(e, "name") == "MQ_PASSWORD"), "valueFrom", "secretKeyRef", "name"));
    }

    [Fact]
    public void Agencies_reach_the_broker_only_over_tls_with_a_certificate_for_the_address_they_are_given()
    {
        var tlsSecret = Text(OfKind("RabbitmqCluster").Single(), "spec", "tls", "secretName");
        var certificate = OfKind("Certificate").Single(c => Text(c, "spec", "secretName") == tlsSecret);

        var notifications = Items(Named("Deployment", "notifications"), "spec", "template", "spec", "containers").Single();
        var (host, port) = (Env(notifications, "Notifications__BrokerHost").Split(':')[0], Env(notifications, "Notifications__BrokerHost").Split(':')[1]);
        Assert.Equal(("5671", "amqps"), (port, Env(notifications, "Notifications__BrokerProtocol")));
        Assert.Contains(host, Scalars(certificate, "spec", "dnsNames"));

        // The agencies' load balancer opens the TLS port and nothing else (no plain AMQP, no management API).
        var door = Named("Service", "procedures-rabbitmq-agencies");
        Assert.Equal("LoadBalancer", Text(door, "spec", "type"));
        Assert.Equal(Text(OfKind("RabbitmqCluster").Single(), "metadata", "name"), Text(door, "spec", "selector", "app.kubernetes.io/name"));
        Assert.Equal(["5671"], Items(door, "spec", "ports").Select(p => Text(p, "targetPort")!));
    }

    [Fact]
    public void The_quorum_queues_log_rolls_over_well_below_the_memory_watermark()
    {
        var broker = OfKind("RabbitmqCluster").Single();
        var settings = Text(broker, "spec", "rabbitmq", "additionalConfig")!.Split('\n')
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('=', 2))
            .ToDictionary(kv => kv[0].Trim(), kv => kv[1].Trim());
        var limit = Text(broker, "spec", "resources", "limits", "memory");
        Assert.Equal("1Gi", limit);
        var watermark = double.Parse(settings["vm_memory_high_watermark.relative"], System.Globalization.CultureInfo.InvariantCulture) * 1024 * 1024 * 1024;
        // What the log holds in memory until its rollover must leave most of the watermark to everything else.
        Assert.True(long.Parse(settings["raft.wal_max_size_bytes"], System.Globalization.CultureInfo.InvariantCulture) <= watermark / 4,
            $"raft.wal_max_size_bytes {settings.GetValueOrDefault("raft.wal_max_size_bytes")} vs watermark {watermark:F0}");
    }
}

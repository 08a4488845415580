using YamlDotNet.RepresentationModel;

namespace Procedures.Services.Tests.Deploy;

/// <summary>The APIs behind a TLS gateway route, and NetworkPolicies: default deny, then each pod reaches only what it needs.</summary>
public sealed partial class ManifestTests
{
    [Fact]
    public void The_public_and_agency_apis_are_served_over_tls_only_each_service_under_its_prefix()
    {
        var gateway = OfKind("Gateway").Single();
        var listener = Assert.Single(Items(gateway, "spec", "listeners")); // no plain-HTTP listener
        Assert.Equal(("HTTPS", "443", "Terminate"), (Text(listener, "protocol"), Text(listener, "port"), Text(listener, "tls", "mode")));
        var certificate = OfKind("Certificate").Single(c => Text(c, "spec", "secretName") == Text(Items(listener, "tls", "certificateRefs").Single(), "name"));
        var hostname = Text(listener, "hostname")!;
        Assert.Contains(hostname, Scalars(certificate, "spec", "dnsNames"));

        var route = OfKind("HTTPRoute").Single();
        Assert.Equal((Text(gateway, "metadata", "name"), Text(listener, "name")),
            (Text(Items(route, "spec", "parentRefs").Single(), "name"), Text(Items(route, "spec", "parentRefs").Single(), "sectionName")));
        foreach (var name in Services)
        {
            var rule = Items(route, "spec", "rules").Single(r => Text(Items(r, "matches").Single(), "path", "value") == "/" + name);
            Assert.Equal("PathPrefix", Text(Items(rule, "matches").Single(), "path", "type"));
            // The prefix is stripped: the services serve /api/v1/... at their root.
            Assert.Equal(("ReplacePrefixMatch", "/"), (Text(Items(rule, "filters").Single(), "urlRewrite", "path", "type"),
                Text(Items(rule, "filters").Single(), "urlRewrite", "path", "replacePrefixMatch")));
            var backend = Items(rule, "backendRefs").Single();
            Assert.Equal(name, Text(backend, "name"));
            Assert.Equal(Text(Items(Named("Service", name), "spec", "ports").Single(), "port"), Text(backend, "port"));
        }

        // The addresses Notifications gives out are the ones the route serves.
        var notifications = Items(Named("Deployment", "notifications"), "spec", "template", "spec", "containers").Single();
        Assert.Equal($"https://{hostname}/notifications", Env(notifications, "Notifications__PublicBaseUrl"));
        Assert.StartsWith($"https://{hostname}/intake/api/v1/dossiers/", Env(notifications, "Notifications__DossierDetailsUrl"));
    }

    [Fact]
    public void Everything_is_denied_by_default_and_every_pod_may_resolve_names()
    {
        var deny = Named("NetworkPolicy", "default-deny");
        Assert.Empty(((YamlMappingNode)Node(deny, "spec", "podSelector")!).Children);
        Assert.Equal(["Ingress", "Egress"], Scalars(deny, "spec", "policyTypes"));
        Assert.Null(Node(deny, "spec", "ingress"));
        Assert.Null(Node(deny, "spec", "egress"));

        var dns = Named("NetworkPolicy", "allow-dns");
        Assert.Empty(((YamlMappingNode)Node(dns, "spec", "podSelector")!).Children);
        Assert.Equal(["53/UDP", "53/TCP"], Items(Items(dns, "spec", "egress").Single(), "ports").Select(p => $"{Text(p, "port")}/{Text(p, "protocol")}"));
        Assert.Equal("kube-dns", Text(Items(Items(dns, "spec", "egress").Single(), "to").Single(), "podSelector", "matchLabels", "k8s-app"));
    }

    /// <summary>What each service calls outside the cluster (HTTPS); everything else is inside.</summary>
    private static readonly HashSet<string> CallsOut = ["intake", "portalsync", "payment", "notifications"];

    [Theory]
    [MemberData(nameof(ServiceNames))]
    public void Each_service_reaches_only_the_pooler_the_broker_the_collector_and_the_systems_it_calls_and_only_the_gateway_reaches_it(string name)
    {
        var policy = OfKind("NetworkPolicy").Single(p => Text(p, "spec", "podSelector", "matchLabels", "app.kubernetes.io/name") == name);
        Assert.Equal(["Ingress", "Egress"], Scalars(policy, "spec", "policyTypes"));

        var reaches = Items(policy, "spec", "egress")
            .SelectMany(rule => Items(rule, "to").SelectMany(to => Items(rule, "ports").Select(port => $"{Peer(to)}:{Text(port, "port")}")))
            .Order().ToList();
        var expected = new List<string> { "pod cnpg.io/poolerName=procedures-pg-pooler:5432", "pod app.kubernetes.io/name=procedures-rabbitmq:5672",
            "pod app.kubernetes.io/name=otel-collector:4317" };
        if (name == "notifications") expected.Add("pod app.kubernetes.io/name=procedures-rabbitmq:15672"); // creates the agencies' users
        if (CallsOut.Contains(name)) expected.Add("outside 0.0.0.0/0 except 10.0.0.0/8,172.16.0.0/12,192.168.0.0/16:443");
        Assert.Equal(expected.Order(), reaches);

        var reachedFrom = Items(policy, "spec", "ingress")
            .SelectMany(rule => Items(rule, "from").SelectMany(from => Items(rule, "ports").Select(port => $"{Peer(from)}:{Text(port, "port")}")));
        Assert.Equal(["namespace gateway-system:8080"], reachedFrom);
        Assert.Equal("8080", Text(Items(Items(Named("Deployment", name), "spec", "template", "spec", "containers").Single(), "ports").Single(), "containerPort"));

        // The pods it talks to let it in.
        foreach (var (peer, port) in new[] { ("procedures-pg-pooler", "5432"), ("procedures-rabbitmq", "5672"), ("otel-collector", "4317") })
        {
            var other = Named("NetworkPolicy", peer);
            Assert.Contains(Items(other, "spec", "ingress"), rule =>
                Items(rule, "from").Any(from => Peer(from) == $"pod app.kubernetes.io/name={name}") && Items(rule, "ports").Any(p => Text(p, "port") == port));
        }
    }

    /// <summary>The policies open HTTPS (443) to the outside: the external systems the services are configured to call are HTTPS addresses.</summary>
    [Fact]
    public void The_external_systems_the_services_call_are_configured_as_https_addresses()
    {
        var config = Named("ConfigMap", "procedures-config");
        foreach (var key in new[] { "Portal__BaseAddress", "PaymentPlatform__BaseAddress" })
            Assert.Equal("https", new Uri(Text(config, "data", key)!).Scheme);
        Assert.NotNull(Text(Named("Secret", "procedures-auth"), "stringData", "PaymentPlatform__Secret"));
    }

    [Fact]
    public void Postgres_instances_are_reached_only_by_the_pooler_each_other_and_the_operator()
    {
        var policy = Named("NetworkPolicy", "procedures-pg");
        Assert.Equal("instance", Text(policy, "spec", "podSelector", "matchLabels", "cnpg.io/podRole"));
        var from = Items(policy, "spec", "ingress").SelectMany(rule => Items(rule, "from").Select(Peer)).ToHashSet();
        Assert.Equal(["pod cnpg.io/poolerName=procedures-pg-pooler", "pod cnpg.io/cluster=procedures-pg,cnpg.io/podRole=instance", "namespace cnpg-system"], from);
        // The services' own policies (above) send them to the pooler only, never straight to an instance.
    }

    /// <summary>One peer of a NetworkPolicy rule, written out for comparison.</summary>
    private static string Peer(YamlMappingNode peer)
    {
        if (Node(peer, "ipBlock") is YamlMappingNode block)
            return $"outside {Text(block, "cidr")}" + (Scalars(block, "except").Any() ? " except " + string.Join(",", Scalars(block, "except")) : "");
        var labels = (Node(peer, "podSelector", "matchLabels") as YamlMappingNode)?.Children
            .Select(c => $"{((YamlScalarNode)c.Key).Value}={((YamlScalarNode)c.Value).Value}");
        if (Text(peer, "namespaceSelector", "matchLabels", "kubernetes.io/metadata.name") is { } ns)
            return labels is null ? $"namespace {ns}" : $"namespace {ns} pod {string.Join(",", labels)}";
        return $"pod {string.Join(",", labels ?? [])}";
    }
}

using System.Diagnostics;
using Procedures.TestInfrastructure;
using YamlDotNet.RepresentationModel;

namespace Procedures.Services.Tests.Deploy;

/// <summary>
/// deploy/k8s rendered with `kubectl kustomize` (no cluster needed) and checked against the shape each kind must have
/// and the rules of the house: probes on the health endpoints, resources, an autoscaler, a disruption budget and a
/// Service per service, every referenced Secret/ConfigMap key present, a 3-node broker, a replicated Postgres with a
/// pooler, an OpenTelemetry collector. Every rendered document is also validated without a cluster by
/// deploy/k8s/validate (built-in kinds against Kubernetes' OpenAPI schemas, operator kinds against the schemas there).
/// What a platform engineer looks for (issue 26) is checked in the other parts: ManifestTests.Database (backups, WAL
/// archive, synchronous replication, managed roles), .Broker (users, permissions, TLS for agencies), .Network (gateway with
/// TLS, NetworkPolicies), .Pods (hardening, startup probes, spread, the collector).
/// </summary>
public sealed partial class ManifestTests
{
    private static readonly string[] Services = ["intake", "processing", "payment", "portalsync", "reporting", "notifications"];

    private static readonly Dictionary<string, string> ApiVersions = new()
    {
        ["Deployment"] = "apps/v1", ["Service"] = "v1", ["HorizontalPodAutoscaler"] = "autoscaling/v2", ["PodDisruptionBudget"] = "policy/v1",
        ["ConfigMap"] = "v1", ["Secret"] = "v1", ["Namespace"] = "v1", ["RabbitmqCluster"] = "rabbitmq.com/v1beta1",
        ["Cluster"] = "postgresql.cnpg.io/v1", ["Pooler"] = "postgresql.cnpg.io/v1",
        ["User"] = "rabbitmq.com/v1beta1", ["Permission"] = "rabbitmq.com/v1beta1",
        ["ScheduledBackup"] = "postgresql.cnpg.io/v1", ["Certificate"] = "cert-manager.io/v1", ["NetworkPolicy"] = "networking.k8s.io/v1",
        ["Gateway"] = "gateway.networking.k8s.io/v1", ["HTTPRoute"] = "gateway.networking.k8s.io/v1",
    };

    private static readonly Lazy<List<YamlMappingNode>> Production = new(() => Render("deploy/k8s/overlays/production"));

    private static List<YamlMappingNode> Render(string overlay)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(RenderText(overlay)));
        return [.. stream.Documents.Select(d => (YamlMappingNode)d.RootNode)];
    }

    private static string RenderText(string overlay)
    {
        var (exitCode, output, errors) = Run("kubectl", ["kustomize", Path.Combine(RepositoryRoot.Path, overlay)]);
        Assert.True(exitCode == 0, $"kubectl kustomize {overlay} failed: {errors}");
        return output;
    }

    /// <summary>deploy/k8s/validate/validate.mjs over rendered manifests (its node_modules come from prerequisites.sh).</summary>
    private static (int ExitCode, string Output, string Errors) Validate(string manifests)
        => Run("node", [Path.Combine(RepositoryRoot.Path, "deploy/k8s/validate/validate.mjs")], manifests);

    private static (int ExitCode, string Output, string Errors) Run(string program, string[] arguments, string? input = null)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} not found: run deploy/local/prerequisites.sh");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (input is not null) process.StandardInput.Write(input);
        process.StandardInput.Close();
        process.WaitForExit();
        return (process.ExitCode, output.Result, errors.Result);
    }

    private static string? Text(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var next)) return null;
            node = next;
        }
        return (node as YamlScalarNode)?.Value;
    }

    private static YamlNode? Node(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var next)) return null;
            node = next;
        }
        return node;
    }

    private static IEnumerable<YamlMappingNode> Items(YamlNode node, params string[] path)
        => (Node(node, path) as YamlSequenceNode)?.Cast<YamlMappingNode>() ?? [];

    private static IEnumerable<string> Scalars(YamlNode node, params string[] path)
        => (Node(node, path) as YamlSequenceNode)?.Cast<YamlScalarNode>().Select(s => s.Value!) ?? [];

    /// <summary>Every container of a Deployment's pod, init containers included.</summary>
    private static IEnumerable<YamlMappingNode> Containers(YamlMappingNode deployment)
        => Items(deployment, "spec", "template", "spec", "initContainers").Concat(Items(deployment, "spec", "template", "spec", "containers"));

    private static string Env(YamlMappingNode container, string name)
        => Text(Items(container, "env").Single(e => Text(e, "name") == name), "value")!;

    private static IEnumerable<YamlMappingNode> OfKind(string kind) => Production.Value.Where(d => Text(d, "kind") == kind);

    private static YamlMappingNode Named(string kind, string name) => OfKind(kind).Single(d => Text(d, "metadata", "name") == name);

    [Fact]
    public void Every_object_has_a_known_kind_its_api_version_a_name_and_the_production_namespace()
    {
        Assert.NotEmpty(Production.Value);
        foreach (var d in Production.Value)
        {
            var kind = Text(d, "kind")!;
            Assert.True(ApiVersions.ContainsKey(kind), $"unexpected kind {kind}");
            Assert.Equal(ApiVersions[kind], Text(d, "apiVersion"));
            Assert.False(string.IsNullOrEmpty(Text(d, "metadata", "name")));
            if (kind != "Namespace") Assert.Equal("procedures", Text(d, "metadata", "namespace"));
        }
    }

    [Theory]
    [MemberData(nameof(ServiceNames))]
    public void Each_service_has_probes_resources_a_service_an_autoscaler_and_a_disruption_budget(string name)
    {
        var deployment = Named("Deployment", name);
        var labels = (YamlMappingNode)Node(deployment, "spec", "template", "metadata", "labels")!;
        Assert.Equal(name, Text(labels, "app.kubernetes.io/name"));
        var container = (YamlMappingNode)((YamlSequenceNode)Node(deployment, "spec", "template", "spec", "containers")!).Children.Single();
        Assert.Equal("/health", Text(container, "readinessProbe", "httpGet", "path"));
        Assert.Equal("/alive", Text(container, "livenessProbe", "httpGet", "path"));
        Assert.NotNull(Text(container, "resources", "requests", "cpu"));
        Assert.NotNull(Text(container, "resources", "requests", "memory"));
        Assert.Equal("300Mi", Text(container, "resources", "limits", "memory")); // the issue's per-service ceiling
        Assert.Equal("true", Text(container, "securityContext", "runAsNonRoot"));
        Assert.Matches(@":\d+\.\d+\.\d+$", Text(container, "image")); // production pins a tag

        Assert.Equal(name, Text(Named("Service", name), "spec", "selector", "app.kubernetes.io/name"));
        var hpa = Named("HorizontalPodAutoscaler", name);
        Assert.Equal(("Deployment", name), (Text(hpa, "spec", "scaleTargetRef", "kind"), Text(hpa, "spec", "scaleTargetRef", "name")));
        Assert.True(int.Parse(Text(hpa, "spec", "minReplicas")!) >= 2, "at least two replicas, so a node loss keeps the service up");
        Assert.Equal(name, Text(Named("PodDisruptionBudget", name), "spec", "selector", "matchLabels", "app.kubernetes.io/name"));
    }

    public static TheoryData<string> ServiceNames() => [.. Services];

    [Fact]
    public void Every_referenced_secret_and_config_key_exists()
    {
        foreach (var deployment in OfKind("Deployment"))
        foreach (var container in Containers(deployment))
        {
            foreach (var env in Items(container, "env"))
            {
                if (Node(env, "valueFrom", "secretKeyRef") is YamlMappingNode reference)
                {
                    var secret = Named("Secret", Text(reference, "name")!);
                    Assert.NotNull(Text(secret, "stringData", Text(reference, "key")!));
                }
                if (Node(env, "valueFrom", "configMapKeyRef") is YamlMappingNode configReference)
                    Assert.NotNull(Text(Named("ConfigMap", Text(configReference, "name")!), "data", Text(configReference, "key")!));
            }
            foreach (var from in (Node(container, "envFrom") as YamlSequenceNode)?.Cast<YamlMappingNode>() ?? [])
            {
                if (Text(from, "configMapRef", "name") is { } map) Assert.NotNull(Named("ConfigMap", map));
                if (Text(from, "secretRef", "name") is { } secret) Assert.NotNull(Named("Secret", secret));
            }
        }
    }

    [Fact]
    public void The_broker_is_a_three_node_cluster_postgres_is_replicated_behind_a_pooler_and_telemetry_has_a_collector()
    {
        Assert.Equal("3", Text(OfKind("RabbitmqCluster").Single(), "spec", "replicas"));
        var cluster = OfKind("Cluster").Single();
        Assert.True(int.Parse(Text(cluster, "spec", "instances")!) >= 3);
        Assert.Equal(Text(cluster, "metadata", "name"), Text(OfKind("Pooler").Single(), "spec", "cluster", "name"));
        // LISTEN/NOTIFY (outbox relay) and session advisory locks (migrations) need session pooling.
        Assert.Equal("session", Text(OfKind("Pooler").Single(), "spec", "pgbouncer", "poolMode"));
        Assert.NotNull(Named("Deployment", "otel-collector"));
        Assert.Equal("http://otel-collector:4317", Text(Named("ConfigMap", "procedures-config"), "data", "OTEL_EXPORTER_OTLP_ENDPOINT"));
    }

    [Fact]
    public void Production_gives_the_busiest_services_more_replicas()
    {
        foreach (var name in new[] { "intake", "processing" })
            Assert.Equal("3", Text(Named("HorizontalPodAutoscaler", name), "spec", "minReplicas"));
    }

    [Theory]
    [InlineData("deploy/k8s/base")]
    [InlineData("deploy/k8s/overlays/production")]
    public void Every_rendered_document_validates_against_its_schema(string overlay)
    {
        var manifests = RenderText(overlay);
        var (exitCode, output, errors) = Validate(manifests);
        Assert.True(exitCode == 0, $"{overlay}: {errors}{output}");
        var documents = manifests.Split("\n---\n").Length;
        Assert.Equal($"{documents} documents checked, 0 invalid", output.Trim());
    }

    /// <summary>The validator is not a rubber stamp: one broken field (or an unchecked kind) fails the whole render.</summary>
    [Theory]
    [InlineData("containerPort: 8080", "containerPort: http-port", "containerPort must be integer")]
    [InlineData("maxReplicas: 10", "maxReplicaz: 10", "must have required property maxReplicas")]
    [InlineData("memory: 300Mi", "memory: lots", "must match format \"quantity\"")]
    [InlineData("poolMode: session", "poolMode: statement", "poolMode must be equal to one of the allowed values")]
    [InlineData("instances: 3", "instancs: 3", "must NOT have additional properties")]
    [InlineData("kind: Namespace", "kind: Ingress", "v1/Ingress procedures: no schema for this kind")]
    [InlineData("method: any", "method: all", "synchronous/method must be equal to one of the allowed values")]
    [InlineData("mode: Terminate", "mode: Terminal", "tls/mode must be equal to one of the allowed values")]
    [InlineData("schedule: 0 0 2 * * *", "schedul: 0 0 2 * * *", "must have required property 'schedule'")]
    [InlineData("podSelector: {}", "podSelector: []", "spec/podSelector must be object")]
    public void A_broken_manifest_is_refused_naming_the_document_and_the_rule(string field, string broken, string rule)
    {
        var manifests = RenderText("deploy/k8s/overlays/production");
        Assert.Contains(field, manifests);
        var (exitCode, _, errors) = Validate(ReplaceFirst(manifests, field, broken));
        Assert.Equal(1, exitCode);
        Assert.Contains(rule, errors);
    }

    private static string ReplaceFirst(string text, string value, string replacement)
    {
        var at = text.IndexOf(value, StringComparison.Ordinal);
        return text[..at] + replacement + text[(at + value.Length)..];
    }
}

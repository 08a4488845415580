using YamlDotNet.RepresentationModel;

namespace Procedures.Services.Tests.Deploy;

/// <summary>Every pod we run is hardened, starts behind a startup probe and spreads over nodes; the collector is two replicas exporting OTLP.</summary>
public sealed partial class ManifestTests
{
    public static TheoryData<string> DeploymentNames() => [.. Services, "otel-collector"];

    [Theory]
    [MemberData(nameof(DeploymentNames))]
    public void Every_container_runs_restricted_with_a_writable_tmp_only(string name)
    {
        var pod = Node(Named("Deployment", name), "spec", "template", "spec")!;
        Assert.Equal("RuntimeDefault", Text(pod, "securityContext", "seccompProfile", "type"));
        Assert.Equal("true", Text(pod, "securityContext", "runAsNonRoot"));
        var volumes = Items(pod, "volumes").ToList();
        foreach (var container in Containers(Named("Deployment", name)))
        {
            var context = Node(container, "securityContext")!;
            Assert.Equal(["ALL"], Scalars(context, "capabilities", "drop"));
            Assert.Null(Node(context, "capabilities", "add"));
            Assert.Equal(("true", "false", "true"),
                (Text(context, "readOnlyRootFilesystem"), Text(context, "allowPrivilegeEscalation"), Text(context, "runAsNonRoot")));
            Assert.Equal("RuntimeDefault", Text(context, "seccompProfile", "type"));
            var tmp = Items(container, "volumeMounts").Single(m => Text(m, "mountPath") == "/tmp");
            Assert.NotNull(Node(volumes.Single(v => Text(v, "name") == Text(tmp, "name")), "emptyDir"));
        }
    }

    [Theory]
    [MemberData(nameof(DeploymentNames))]
    public void Every_pod_spreads_over_nodes_and_starts_behind_a_startup_probe(string name)
    {
        var deployment = Named("Deployment", name);
        var labels = (YamlMappingNode)Node(deployment, "spec", "template", "metadata", "labels")!;
        var byNode = Items(deployment, "spec", "template", "spec", "topologySpreadConstraints")
            .Single(c => Text(c, "topologyKey") == "kubernetes.io/hostname");
        Assert.Equal(("1", "DoNotSchedule"), (Text(byNode, "maxSkew"), Text(byNode, "whenUnsatisfiable")));
        // The constraint counts this Deployment's own pods: its selector matches them, and the name label narrows it to them
        // (as a selector label or as a matchLabelKey, which takes the value from the pod).
        foreach (var selector in ((YamlMappingNode)Node(byNode, "labelSelector", "matchLabels")!).Children)
            Assert.Equal(((YamlScalarNode)selector.Value).Value, Text(labels, ((YamlScalarNode)selector.Key).Value!));
        Assert.True(Text(byNode, "labelSelector", "matchLabels", "app.kubernetes.io/name") == name
                    || Scalars(byNode, "matchLabelKeys").Contains("app.kubernetes.io/name"), "spread per service, not across all of them");

        var container = Items(deployment, "spec", "template", "spec", "containers").Single();
        var startup = Node(container, "startupProbe")!;
        Assert.Equal(Text(container, "livenessProbe", "httpGet", "path"), Text(startup, "httpGet", "path"));
        Assert.True(int.Parse(Text(startup, "periodSeconds")!) * int.Parse(Text(startup, "failureThreshold")!) >= 60,
            "a cold start gets at least a minute before liveness may restart it");
    }

    [Fact]
    public void The_collector_runs_two_replicas_and_exports_every_signal_over_otlp_to_the_configured_backend()
    {
        var collector = Named("Deployment", "otel-collector");
        Assert.Equal("2", Text(collector, "spec", "replicas"));
        Assert.Equal("otel-collector", Text(Named("PodDisruptionBudget", "otel-collector"), "spec", "selector", "matchLabels", "app.kubernetes.io/name"));

        var config = new YamlStream();
        config.Load(new StringReader(Text(Named("ConfigMap", "otel-collector"), "data", "config.yaml")!));
        var root = (YamlMappingNode)config.Documents.Single().RootNode;
        var exporters = (YamlMappingNode)Node(root, "exporters")!;
        var (exporter, settings) = exporters.Children.Select(e => (((YamlScalarNode)e.Key).Value!, e.Value)).Single(e => e.Item1.Split('/')[0] == "otlp");
        foreach (var signal in new[] { "traces", "metrics", "logs" })
            Assert.Equal([exporter], Scalars(root, "service", "pipelines", signal, "exporters"));

        // The endpoint is not in the config: it is an environment variable the Deployment fills from the backend's settings.
        var variable = Assert.Single(System.Text.RegularExpressions.Regex.Matches(Text(settings, "endpoint")!, @"^\$\{env:(\w+)\}$")).Groups[1].Value;
        var env = Items(Items(collector, "spec", "template", "spec", "containers").Single(), "env").Single(e => Text(e, "name") == variable);
        var reference = Node(env, "valueFrom", "configMapKeyRef")!;
        Assert.NotNull(Text(Named("ConfigMap", Text(reference, "name")!), "data", Text(reference, "key")!));

        // Health checks answer where the probes ask.
        Assert.Equal("0.0.0.0:13133", Text(root, "extensions", "health_check", "endpoint"));
        Assert.Contains("health_check", Scalars(root, "service", "extensions"));
    }
}

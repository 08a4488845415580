using Procedures.TestInfrastructure;
using YamlDotNet.RepresentationModel;

namespace Procedures.Services.Tests.Deploy;

/// <summary>CloudNativePG as a platform engineer expects it: continuous backup, synchronous replication, managed roles.</summary>
public sealed partial class ManifestTests
{
    private static YamlMappingNode PostgresCluster => OfKind("Cluster").Single();

    [Fact]
    public void Postgres_archives_wal_and_backs_up_nightly_to_the_object_store_the_installation_configures()
    {
        var store = (YamlMappingNode)Node(PostgresCluster, "spec", "backup", "barmanObjectStore")!;
        // The address comes from the overlay's backup-store settings (kustomize replacements), not the base's placeholder.
        var settings = new YamlStream();
        settings.Load(new StringReader(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "deploy/k8s/overlays/production/backup-store.yaml"))));
        var configured = (YamlMappingNode)settings.Documents.Single().RootNode;
        Assert.Equal(Text(configured, "data", "destinationPath"), Text(store, "destinationPath"));
        Assert.Equal(Text(configured, "data", "endpointURL"), Text(store, "endpointURL"));
        Assert.DoesNotContain("CHANGE-ME", Text(store, "destinationPath"));
        Assert.DoesNotContain(OfKind("ConfigMap"), m => Text(m, "metadata", "name") == "backup-store"); // render-time only

        foreach (var key in new[] { "accessKeyId", "secretAccessKey" })
        {
            var reference = Node(store, "s3Credentials", key)!;
            Assert.NotNull(Text(Named("Secret", Text(reference, "name")!), "stringData", Text(reference, "key")!));
        }
        Assert.NotNull(Text(store, "wal", "compression")); // WAL archiving is configured, not only base backups
        Assert.Matches("^[1-9][0-9]*[dwm]$", Text(PostgresCluster, "spec", "backup", "retentionPolicy"));

        var scheduled = OfKind("ScheduledBackup").Single();
        Assert.Equal(Text(PostgresCluster, "metadata", "name"), Text(scheduled, "spec", "cluster", "name"));
        Assert.Equal("barmanObjectStore", Text(scheduled, "spec", "method"));
        Assert.Equal(6, Text(scheduled, "spec", "schedule")!.Split(' ').Length); // CloudNativePG's schedule has a seconds field
    }

    /// <summary>
    /// "0 lost" at failover needs every commit on a standby before it returns: quorum replication to one of the two standbys,
    /// with durability required (no silent fall back to asynchronous), and one standby spare so a single loss keeps writes going.
    /// </summary>
    [Fact]
    public void Postgres_replicates_synchronously_to_one_standby_with_durability_required()
    {
        var synchronous = Node(PostgresCluster, "spec", "postgresql", "synchronous")!;
        Assert.Equal("any", Text(synchronous, "method"));
        Assert.Equal("1", Text(synchronous, "number"));
        Assert.Equal("required", Text(synchronous, "dataDurability"));
        Assert.True(int.Parse(Text(PostgresCluster, "spec", "instances")!) >= 1 + 1 + 1, "primary, the synchronous standby and a spare");
        Assert.Null(Node(PostgresCluster, "spec", "minSyncReplicas")); // one way of saying it, not two
        Assert.Equal("required", Text(PostgresCluster, "spec", "affinity", "podAntiAffinityType")); // one instance per node
    }

    [Theory]
    [MemberData(nameof(ServiceNames))]
    public void Each_service_has_a_managed_owner_role_and_login_whose_passwords_come_from_their_secrets(string name)
    {
        var roles = Items(PostgresCluster, "spec", "managed", "roles").ToList();
        foreach (var (role, secret) in new[] { (name + "_owner", $"pg-{name}-owner"), (name, $"pg-{name}") })
        {
            var managed = roles.Single(r => Text(r, "name") == role);
            Assert.Equal(("present", "true"), (Text(managed, "ensure"), Text(managed, "login")));
            Assert.Null(Text(managed, "superuser"));
            Assert.Equal(secret, Text(managed, "passwordSecret", "name"));
            // CloudNativePG takes the role's password from a basic-auth secret whose username is the role.
            Assert.Equal(role, Text(Named("Secret", secret), "stringData", "username"));
            Assert.NotNull(Text(Named("Secret", secret), "stringData", "password"));
        }
    }
}

namespace Procedures.Contracts;

/// <summary>
/// Names of the AppHost's resources. Shared by the AppHost and the services so that a rename cannot silently
/// break a connection string or a service-discovery address.
/// </summary>
public static class ResourceNames
{
    public const string Postgres = "postgres";
    public const string RabbitMq = "rabbitmq";

    /// <summary>The cluster topology's members (Infrastructure:Topology=cluster): the failover pair's monitor and nodes.</summary>
    public const string PostgresMonitor = "postgres-monitor";

    public static string PostgresNode(int i) => $"postgres-{i}";

    /// <summary>Broker node i of the cluster; the first keeps the single node's name (its management API, its connection).</summary>
    public static string RabbitMqNode(int i) => i == 1 ? RabbitMq : $"{RabbitMq}-{i}";

    public const string Intake = "intake";
    public const string Processing = "processing";
    public const string Payment = "payment";
    public const string PortalSync = "portalsync";
    public const string Reporting = "reporting";
    public const string Notifications = "notifications";
    public const string Sandbox = "sandbox";

    /// <summary>Connection-string name of a service's own database.</summary>
    public static string Database(string service) => service + "db";

    /// <summary>Connection-string name of the owner role that migrates a database (its runtime one's name + "-migrations").</summary>
    public static string Migrations(string databaseConnectionName) => databaseConnectionName + "-migrations";
}

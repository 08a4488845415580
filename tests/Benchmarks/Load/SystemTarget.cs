namespace Procedures.Benchmarks.Load;

/// <summary>Where the running system answers: each service's base address, Postgres (superuser) and RabbitMQ.</summary>
public sealed record SystemTarget(
    Uri Intake, Uri Processing, Uri Payment, Uri PortalSync, Uri Reporting, Uri Sandbox,
    int PostgresPort, string PostgresPassword, int RabbitMqPort, int RabbitMqManagementPort)
{
    /// <summary>
    /// Wraps the transport of each service's client (service name, transport → handler): the end-to-end suite's smoke
    /// run checks every answer against the service's OpenAPI document this way. Null for a measured run.
    /// </summary>
    public Func<string, HttpMessageHandler, HttpMessageHandler>? WrapHandler { get; init; }

    /// <summary>The Aspire dashboard (the services' OTLP collector), whose telemetry API gives spans per submission; null when none.</summary>
    public Uri? Dashboard { get; init; }

    /// <summary>The fixed addresses of deploy/local/up.sh (README "What you see, and where").</summary>
    public static SystemTarget Local() => new(
        new("http://localhost:5101"), new("http://localhost:5102"), new("http://localhost:5103"), new("http://localhost:5104"),
        new("http://localhost:5105"), new("http://localhost:5109"), 55432, "procedures-dev", 55672, 55673)
        { Dashboard = new("http://localhost:18888") };

    public string Postgres(string database) =>
        $"Host=127.0.0.1;Port={PostgresPort};Username=postgres;Password={PostgresPassword};Database={database};Maximum Pool Size=200;Timeout=30;Command Timeout=600";

    /// <summary>Every service database (each service owns one, named after it).</summary>
    public static readonly string[] ServiceDatabases = ["intake", "processing", "payment", "portalsync", "reporting", "notifications"];
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Procedures.Messaging.Migrations;

/// <summary>
/// Who migrates and who is granted the run-time rights. The migrations run with the owner role's connection string
/// (<c>ConnectionStrings:&lt;db&gt;-migrations</c>, named by the caller: ResourceNames.Migrations) when it is set, else with
/// the service's own connection string (test fixtures and container mode, where the service is the owner and nothing is
/// granted). The login granted is <c>Database:RuntimeLogin</c>, else the user
/// of the service's connection string when it differs from the owner.
/// </summary>
public sealed record MigrationSettings(string ConnectionString, string? RuntimeLogin)
{
    public static MigrationSettings From(IConfiguration configuration, string databaseName, string? ownerConnectionName)
    {
        var runtime = configuration.GetConnectionString(databaseName);
        var owner = (ownerConnectionName is null ? null : configuration.GetConnectionString(ownerConnectionName)) ?? runtime
            ?? throw new InvalidOperationException($"Connection string '{databaseName}' is missing.");
        var ownerUser = new NpgsqlConnectionStringBuilder(owner).Username;
        var login = configuration["Database:RuntimeLogin"] is { Length: > 0 } named ? named
            : runtime is null ? null : new NpgsqlConnectionStringBuilder(runtime).Username;
        return new MigrationSettings(owner, login is not null && login != ownerUser ? login : null);
    }

    /// <summary>
    /// The init container's whole job (<c>Database:MigrateOnly=true</c>): migrate and grant with the owner's secret, which the
    /// service's own container never holds, then end the process (exit code 0, or 1 with the failure logged).
    /// </summary>
    public static void MigrateAndExit(MigrationSettings settings, System.Reflection.Assembly scripts)
    {
        using var logging = LoggerFactory.Create(b => b.AddSimpleConsole());
        var logger = logging.CreateLogger("Procedures.Migrations");
        try
        {
            new MigrationHostedService(settings, scripts, logger).StartAsync(CancellationToken.None).GetAwaiter().GetResult();
            logger.LogInformation("Migrated; run-time rights granted to {Login}", settings.RuntimeLogin ?? "(the owner itself)");
        }
        catch (Exception ex)
        {
            logger.LogCritical(ex, "Migration failed");
            logging.Dispose();
            Environment.Exit(1);
        }
        logging.Dispose();
        Environment.Exit(0);
    }
}

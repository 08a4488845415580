using System.Reflection;
using DbUp;
using DbUp.Engine;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Procedures.Messaging.Migrations;

/// <summary>
/// Creates the service's database if missing and applies its embedded SQL scripts (messaging tables first,
/// then the service's own) with DbUp. Several instances may start at once, so the whole step runs under a
/// Postgres advisory lock taken in the maintenance database, keyed by the target database name.
/// </summary>
public static class DatabaseMigrator
{
    public static Task MigrateAsync(string connectionString, Assembly serviceScripts, ILogger logger, CancellationToken ct = default)
        => MigrateAsync(connectionString, serviceScripts, logger, runtimeLogin: null, ct);

    /// <param name="connectionString">The owner role's: it creates and alters every object.</param>
    /// <param name="runtimeLogin">The service's own login, granted its run-time rights after the scripts
    /// (<see cref="RuntimeGrants"/>); null when the service runs as the owner (test fixtures, container mode).</param>
    public static async Task MigrateAsync(string connectionString, Assembly serviceScripts, ILogger logger, string? runtimeLogin, CancellationToken ct)
    {
        var target = new NpgsqlConnectionStringBuilder(connectionString);
        var database = target.Database ?? throw new InvalidOperationException("The connection string names no database.");
        var maintenance = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Pooling = false };

        await using var lockConnection = new NpgsqlConnection(maintenance.ConnectionString);
        await lockConnection.OpenAsync(ct);
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(hashtext('procedures-migrate:' || @db))", lockConnection))
        {
            take.Parameters.AddWithValue("db", database);
            await take.ExecuteNonQueryAsync(ct);
        }
        try
        {
            await EnsureDatabaseAsync(lockConnection, database, ct);
            Upgrade(connectionString, serviceScripts, logger);
            if (runtimeLogin is not null) await RuntimeGrants.ApplyAsync(connectionString, runtimeLogin, ct);
        }
        finally
        {
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock_all()", lockConnection);
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private static async Task EnsureDatabaseAsync(NpgsqlConnection maintenance, string database, CancellationToken ct)
    {
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @db", maintenance);
        exists.Parameters.AddWithValue("db", database);
        if (await exists.ExecuteScalarAsync(ct) is not null) return;
        // Identifiers cannot be parameters; quote the name the Postgres way.
        var quoted = "\"" + database.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted} ENCODING 'UTF8'", maintenance);
        await create.ExecuteNonQueryAsync(ct);
    }

    private static void Upgrade(string connectionString, Assembly serviceScripts, ILogger logger)
    {
        var messagingScripts = typeof(DatabaseMigrator).Assembly;
        var builder = DeployChanges.To
            .PostgresqlDatabase(connectionString)
            .WithScriptsEmbeddedInAssembly(messagingScripts, n => n.EndsWith(".sql", StringComparison.Ordinal),
                new SqlScriptOptions { RunGroupOrder = 0 })
            .WithTransactionPerScript()
            .LogTo(new UpgradeLog(logger));
        if (serviceScripts != messagingScripts)
        {
            builder = builder.WithScriptsEmbeddedInAssembly(serviceScripts, n => n.EndsWith(".sql", StringComparison.Ordinal),
                new SqlScriptOptions { RunGroupOrder = 1 });
        }

        var result = builder.Build().PerformUpgrade();
        if (!result.Successful)
            throw new InvalidOperationException($"Migration failed at script {result.ErrorScript?.Name}.", result.Error);
    }
}

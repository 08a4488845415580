using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Procedures.Messaging;
using Procedures.Messaging.Migrations;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests;

/// <summary>A fresh database of one service on the fixture's Postgres, migrated with that service's real scripts.</summary>
internal static class ServiceDatabase
{
    public static async Task<NpgsqlDataSource> CreateAsync(InfrastructureFixture infra, string prefix, System.Reflection.Assembly serviceScripts)
    {
        DapperTypes.Register();
        var connectionString = infra.NewDatabase(prefix);
        await DatabaseMigrator.MigrateAsync(connectionString, serviceScripts, NullLogger.Instance);
        return NpgsqlDataSource.Create(connectionString);
    }

    /// <summary>Runs a product store's <paramref name="write"/> in one committed transaction (how the tests seed through the product).</summary>
    public static async Task InTransactionAsync(this NpgsqlDataSource db, Func<NpgsqlTransaction, Task> write)
    {
        await using var c = await db.OpenConnectionAsync();
        await using var tx = await c.BeginTransactionAsync();
        await write(tx);
        await tx.CommitAsync();
    }
}

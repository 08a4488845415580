using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Procedures.Messaging.Migrations;
using Procedures.TestInfrastructure;

namespace Procedures.Messaging.Tests;

[Collection(InfrastructureCollection.Name)]
public sealed class MigrationTests(InfrastructureFixture infra)
{
    [Fact]
    public async Task Instances_starting_at_once_create_the_database_and_apply_each_script_once()
    {
        var connectionString = infra.NewDatabase("migrate");

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
            DatabaseMigrator.MigrateAsync(connectionString, typeof(MigrationTests).Assembly, NullLogger.Instance))));

        await using var connection = new NpgsqlConnection(connectionString);
        var scripts = (await connection.QueryAsync<string>("SELECT scriptname FROM schemaversions")).ToList();
        Assert.Equal(scripts.Count, scripts.Distinct().Count());
        Assert.Contains(scripts, s => s.EndsWith("0001_outbox_inbox.sql", StringComparison.Ordinal));
        Assert.Contains(scripts, s => s.EndsWith("0001_effects.sql", StringComparison.Ordinal));
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM information_schema.tables WHERE table_name = 'effects'"));
    }
}

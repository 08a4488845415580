using Dapper;
using Npgsql;
using Procedures.TestInfrastructure;

namespace Procedures.Messaging.Tests;

/// <summary>A new empty database and a pool of it that, as the services' (MessagingRegistration), does not reset sessions.</summary>
internal static class UnresetPool
{
    public static async Task<string> NewDatabaseAsync(InfrastructureFixture infra, string prefix)
    {
        var connectionString = infra.NewDatabase(prefix);
        await using var maintenance = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres" }.ConnectionString);
        await maintenance.OpenAsync();
        await maintenance.ExecuteAsync($"CREATE DATABASE \"{new NpgsqlConnectionStringBuilder(connectionString).Database}\"");
        return connectionString;
    }

    /// <summary>One connection only: the pool hands out the session that was just returned.</summary>
    public static NpgsqlDataSource OfOne(string connectionString)
    {
        var source = new NpgsqlDataSourceBuilder(connectionString);
        source.ConnectionStringBuilder.NoResetOnClose = true;
        source.ConnectionStringBuilder.MaxPoolSize = 1;
        return source.Build();
    }
}

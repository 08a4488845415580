using Dapper;
using Npgsql;
using Procedures.Messaging;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests.Failover;

/// <summary>
/// What a failover throws at the services, produced for real: no host that takes writes, a server that refuses writes.
/// Those are "the database is out of reach" (a request answers 503, a consumer holds its message); the input's own
/// faults are not.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class DatabaseFailuresTests(InfrastructureFixture infra)
{
    [Fact]
    public async Task No_writable_host_and_a_read_only_server_are_unavailable_bad_data_and_conflicts_are_not()
    {
        // Nothing listens on either host: Npgsql's multi-host open finds no suitable host.
        await using (var nowhere = NpgsqlDataSource.Create(
                         "Host=127.0.0.1:1,127.0.0.1:2;Target Session Attributes=read-write;Username=x;Password=x;Timeout=2"))
            Assert.True(DatabaseFailures.IsUnavailable(await Assert.ThrowsAnyAsync<NpgsqlException>(() => nowhere.OpenConnectionAsync().AsTask())));

        var connectionString = infra.NewDatabase("readonly");
        await Procedures.Messaging.Migrations.DatabaseMigrator.MigrateAsync(connectionString, typeof(DatabaseFailures).Assembly,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance); // creates the database
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using (var c = await db.OpenConnectionAsync())
        {
            await c.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)");
            Assert.False(DatabaseFailures.IsUnavailable(await Assert.ThrowsAsync<PostgresException>(() => c.ExecuteAsync("SELECT 'x'::int"))));
            Assert.False(DatabaseFailures.IsUnavailable(await Assert.ThrowsAsync<PostgresException>(() => c.ExecuteAsync("INSERT INTO t VALUES (1)"))));
            // What a node being promoted (or demoted) does: out of recovery, but every transaction read-only.
            await c.ExecuteAsync($"ALTER DATABASE \"{c.Database}\" SET default_transaction_read_only = on");
        }
        db.Clear(); // a new session, which takes the database's new default
        await using (var c = await db.OpenConnectionAsync())
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => c.ExecuteAsync("INSERT INTO t VALUES (2)"));
            Assert.Equal(PostgresErrorCodes.ReadOnlySqlTransaction, refused.SqlState);
            Assert.True(DatabaseFailures.IsUnavailable(refused));
        }
    }

    [Fact]
    public async Task A_command_timeout_is_busy_and_retried_later_bad_data_and_conflicts_are_neither()
    {
        var connectionString = infra.NewDatabase("busy");
        await Procedures.Messaging.Migrations.DatabaseMigrator.MigrateAsync(connectionString, typeof(DatabaseFailures).Assembly,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        await using var db = NpgsqlDataSource.Create(connectionString + ";Command Timeout=1");
        await using var c = await db.OpenConnectionAsync();
        await c.ExecuteAsync("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)");

        // A lock queue longer than the command timeout, as under load: busy, not out of reach; the request answers 503.
        var timedOut = await Assert.ThrowsAnyAsync<NpgsqlException>(() => c.ExecuteAsync("SELECT pg_sleep(5)"));
        Assert.True(DatabaseFailures.IsBusy(timedOut));
        Assert.True(DatabaseFailures.ShouldRetryLater(timedOut));

        await using var fresh = await db.OpenConnectionAsync(); // the timed-out connection was broken by the cancellation
        foreach (var sql in new[] { "SELECT 'x'::int", "INSERT INTO t VALUES (1)" })
        {
            var fault = await Assert.ThrowsAsync<PostgresException>(() => fresh.ExecuteAsync(sql));
            Assert.False(DatabaseFailures.IsBusy(fault), sql);
            Assert.False(DatabaseFailures.ShouldRetryLater(fault), sql);
        }
    }
}

using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Procedures.TestInfrastructure;

namespace Procedures.Messaging.Tests;

/// <summary>The services' pools do not reset sessions (the DISCARD ALL per open); what keeps session state ends it itself.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class SessionResetTests(InfrastructureFixture infra)
{
    [Fact]
    public void The_services_data_source_does_not_reset_sessions_on_close()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:testdb"] = "Host=127.0.0.1;Port=1;Username=u;Password=p;Database=d",
            ["ConnectionStrings:rabbitmq"] = "amqp://guest:guest@127.0.0.1:1/",
        });
        builder.AddProceduresMessaging("reset", "testdb", typeof(SessionResetTests).Assembly);
        using var host = builder.Build(); // not started: nothing connects

        var db = host.Services.GetRequiredService<NpgsqlDataSource>();
        Assert.True(new NpgsqlConnectionStringBuilder(db.ConnectionString).NoResetOnClose);
    }

    [Fact]
    public async Task Without_the_reset_a_transaction_left_open_is_still_rolled_back_when_its_connection_goes_back()
    {
        await using var db = UnresetPool.OfOne(await UnresetPool.NewDatabaseAsync(infra, "reset"));

        int pid;
        await using (var c = await db.OpenConnectionAsync())
        {
            pid = c.ProcessID;
            await c.ExecuteAsync("CREATE TABLE t (n int)");
            await using (var begin = new NpgsqlCommand("BEGIN", c)) await begin.ExecuteNonQueryAsync();
            await c.ExecuteAsync("INSERT INTO t VALUES (1)"); // never committed
        }

        await using var next = await db.OpenConnectionAsync();
        Assert.Equal(pid, next.ProcessID); // the same session, back from the pool
        Assert.Equal(0, await next.ExecuteScalarAsync<int>("SELECT count(*) FROM t"));
        Assert.Equal(System.Data.ConnectionState.Open, next.State);
    }
}

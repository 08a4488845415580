using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Procedures.Messaging;
using Procedures.Messaging.Migrations;
using Procedures.Notifications;
using Procedures.Notifications.Stream;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests.Notifications;

/// <summary>
/// The publisher's session (its advisory lock, its LISTEN) ends with it although the services' pools do not reset sessions:
/// otherwise the lock stays with an idle pooled connection and no instance, this one included, publishes again.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class StreamPublisherSessionTests(InfrastructureFixture infra)
{
    [Fact]
    public async Task A_stopped_publisher_releases_its_lock_and_leaves_no_pooled_connection_listening()
    {
        DapperTypes.Register();
        var connectionString = infra.NewDatabase("streamlock");
        await DatabaseMigrator.MigrateAsync(connectionString, typeof(NotificationsOptions).Assembly, NullLogger.Instance);
        var source = new NpgsqlDataSourceBuilder(connectionString);
        source.ConnectionStringBuilder.NoResetOnClose = true; // as the services' pools (MessagingRegistration)
        source.ConnectionStringBuilder.MaxPoolSize = 2; // the session and one for the passes: both are handed out again below
        await using var db = source.Build();
        var options = new NotificationsOptions { PublishPollInterval = TimeSpan.FromMilliseconds(100) };
        await using var broker = new BrokerConnection(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:rabbitmq"] = infra.RabbitMq.ToString() }).Build());
        using var metrics = new NotificationsMetrics();
        using var publisher = new StreamPublisher(db, broker, Options.Create(options), metrics, new ConsoleLog<StreamPublisher>());

        await using var other = new NpgsqlConnection(connectionString + ";Pooling=false"); // another instance's session
        await other.OpenAsync();
        const string HeldLock = """
            SELECT (classid::bigint << 32) | objid::bigint FROM pg_locks
            WHERE locktype = 'advisory' AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """;
        await publisher.StartAsync(CancellationToken.None);
        long? key = null;
        await Eventually.Until(async () => (key = await other.ExecuteScalarAsync<long?>(HeldLock)) is not null,
            TimeSpan.FromSeconds(20), "the publisher to hold its lock");
        Assert.False(await other.ExecuteScalarAsync<bool>("SELECT pg_try_advisory_lock(@key)", new { key }));
        var sessionPid = await other.ExecuteScalarAsync<int>(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND (classid::bigint << 32) | objid::bigint = @key", new { key });

        await publisher.StopAsync(CancellationToken.None);

        Assert.True(await other.ExecuteScalarAsync<bool>("SELECT pg_try_advisory_lock(@key)", new { key }));
        await using var first = await db.OpenConnectionAsync();
        await using var second = await db.OpenConnectionAsync();
        Assert.Contains(sessionPid, new[] { first.ProcessID, second.ProcessID }); // the publisher's session, back from the pool
        foreach (var pooled in new[] { first, second })
            Assert.Empty(await pooled.QueryAsync<string>("SELECT pg_listening_channels()"));
    }
}

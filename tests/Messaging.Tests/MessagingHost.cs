using Dapper;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Procedures.TestInfrastructure;

namespace Procedures.Messaging.Tests;

/// <summary>
/// A service-shaped host (messaging registration exactly as the services use it) on the fixture's real
/// Postgres and RabbitMQ, with its own database and queue prefix so tests never share state.
/// </summary>
public sealed class MessagingHost : IAsyncDisposable
{
    public IHost Host { get; }
    public string ConnectionString { get; }
    public string Prefix { get; }
    public NpgsqlDataSource Db => Host.Services.GetRequiredService<NpgsqlDataSource>();

    private MessagingHost(IHost host, string connectionString, string prefix)
    {
        Host = host;
        ConnectionString = connectionString;
        Prefix = prefix;
    }

    public static async Task<MessagingHost> StartAsync(InfrastructureFixture infra, Action<Dictionary<string, string?>>? settings = null,
        string? connectionString = null, string? prefix = null)
    {
        prefix ??= "t" + Guid.NewGuid().ToString("N")[..10];
        connectionString ??= infra.NewDatabase();
        var config = new Dictionary<string, string?>
        {
            ["ConnectionStrings:testdb"] = connectionString,
            ["ConnectionStrings:rabbitmq"] = infra.RabbitMq.ToString(),
            ["Messaging:ImmediateRetries"] = "2",
            ["Messaging:ImmediateRetryDelay"] = "00:00:00.010",
            ["Messaging:RedeliveryDelays:0"] = "00:00:00.300",
            ["Messaging:PublishTimeout"] = "00:00:02",
        };
        settings?.Invoke(config);

        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(config);
        builder.Services.AddSingleton<FailurePlan>();
        builder.AddProceduresMessaging(prefix, "testdb", typeof(MessagingHost).Assembly, bus => bus.AddConsumer<PingRecorder>());
        var host = builder.Build();
        await host.StartAsync();
        return new MessagingHost(host, connectionString, prefix);
    }

    public FailurePlan Plan => Host.Services.GetRequiredService<FailurePlan>();

    /// <summary>Writes a business row and publishes a ping in one transaction, then commits or rolls back.</summary>
    public async Task<Guid> PublishPingAsync(string kind, bool commit = true, Guid? messageId = null)
    {
        var ping = new Ping(Guid.NewGuid(), kind);
        await using var connection = await Db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("INSERT INTO business_rows (id, note) VALUES (@Id, @Kind)", ping, tx);
        if (messageId is { } id)
            await Outbox.Outbox.EnqueueAsync(tx, ping, typeof(Ping), id, null, null, null, CancellationToken.None);
        else
            await Outbox.Outbox.PublishAsync(tx, ping);
        if (commit) await tx.CommitAsync(); else await tx.RollbackAsync();
        return ping.Id;
    }

    public async Task<int> EffectsAsync(Guid pingId)
    {
        await using var connection = await Db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM effects WHERE ping_id = @pingId", new { pingId });
    }

    public Task WaitForEffectAsync(Guid pingId, TimeSpan? timeout = null)
        => Eventually.Until(async () => await EffectsAsync(pingId) > 0, timeout ?? TimeSpan.FromSeconds(30), $"ping {pingId} to be applied");

    public string QueueName => new KebabCaseEndpointNameFormatter(Prefix, false).Consumer<PingRecorder>();

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync();
        Host.Dispose();
    }
}

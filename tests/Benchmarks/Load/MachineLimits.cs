using System.Diagnostics;
using Npgsql;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Procedures.Benchmarks.Load;

/// <summary>
/// The machine's own limits, measured in the same run and at the same concurrency as the scenarios: (1) durable single-row
/// commits through Npgsql (one INSERT per transaction, synchronous_commit on, so each waits for its WAL flush — group
/// commit may share a flush between concurrent ones, as it does for the services); (2) persistent messages published with
/// publisher confirms (each publish awaits its confirm, as MassTransit's does) to a durable queue and consumed with
/// manual acks, through RabbitMQ.Client. The rate of (2) is the consumed rate over the window.
/// </summary>
public static class MachineLimits
{
    public const string Database = "bench_limits";

    /// <param name="notify">
    /// Each commit also notifies a channel (an AFTER INSERT … FOR EACH STATEMENT trigger calling pg_notify, as the outbox and the
    /// work tables did): in Postgres 15 a transaction with a pending NOTIFY takes one cluster-wide lock at commit and holds it
    /// through its WAL flush, so notifying commits are serialised where plain ones share a flush (issue 23, item 4). The same
    /// load with and without it, side by side, is what a wake-up costs.
    /// </param>
    public static async Task<LoadResult> PostgresCommitsAsync(SystemTarget target, LoadShape shape, TextWriter progress, CancellationToken ct,
        bool notify = false)
    {
        await using (var admin = new NpgsqlConnection(target.Postgres("postgres")))
        {
            await admin.OpenAsync(ct);
            await using var exists = new NpgsqlCommand($"SELECT 1 FROM pg_database WHERE datname = '{Database}'", admin);
            if (await exists.ExecuteScalarAsync(ct) is null)
                await new NpgsqlCommand($"CREATE DATABASE {Database}", admin).ExecuteNonQueryAsync(ct);
        }
        await using var db = NpgsqlDataSource.Create(target.Postgres(Database) + ";Options=-c synchronous_commit=on");
        var table = notify ? "commits_notifying" : "commits";
        var trigger = notify ? $"""
            CREATE OR REPLACE FUNCTION bench_notify() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN PERFORM pg_notify('bench_limits', ''); RETURN NULL; END $$;
            CREATE OR REPLACE TRIGGER {table}_inserted AFTER INSERT ON {table} FOR EACH STATEMENT EXECUTE FUNCTION bench_notify();
            """ : "";
        await using (var setup = db.CreateCommand($"""
            CREATE TABLE IF NOT EXISTS {table} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), payload text NOT NULL);
            TRUNCATE {table};
            {trigger}
            """))
            await setup.ExecuteNonQueryAsync(ct);
        var payload = new string('x', 200);
        return await LoadRunner.RunAsync(notify ? "postgres durable commits, each notifying" : "postgres durable commits", shape, async (_, token) =>
        {
            await using var connection = await db.OpenConnectionAsync(token);
            await using var insert = new NpgsqlCommand($"INSERT INTO {table} (payload) VALUES ($1)", connection);
            insert.Parameters.Add(new NpgsqlParameter { Value = payload });
            await insert.ExecuteNonQueryAsync(token);
        }, progress, ct);
    }

    public sealed record BrokerResult(LoadResult Publish, long Consumed, double ConsumedPerSecond, Percentiles PublishToConsume);

    public static async Task<BrokerResult> RabbitMqAsync(SystemTarget target, LoadShape shape, TextWriter progress, CancellationToken ct)
    {
        var factory = new ConnectionFactory { HostName = "127.0.0.1", Port = target.RabbitMqPort, UserName = "guest", Password = "guest" };
        await using var connection = await factory.CreateConnectionAsync(ct);
        const string queue = "bench.limits";
        await using var consumerChannel = await connection.CreateChannelAsync(cancellationToken: ct);
        await consumerChannel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: ct);
        await consumerChannel.QueuePurgeAsync(queue, ct);
        await consumerChannel.BasicQosAsync(0, 100, false, ct);
        long consumed = 0;
        var endToEnd = new Latency();
        var clock = Stopwatch.StartNew();
        var consumer = new AsyncEventingBasicConsumer(consumerChannel);
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            var sentAt = BitConverter.ToInt64(delivery.Body.Span[..8]);
            endToEnd.Add((clock.ElapsedTicks - sentAt) * 1000.0 / Stopwatch.Frequency);
            Interlocked.Increment(ref consumed);
            await consumerChannel.BasicAckAsync(delivery.DeliveryTag, false);
        };
        var tag = await consumerChannel.BasicConsumeAsync(queue, autoAck: false, consumer, ct);

        var channels = new IChannel[shape.Concurrency];
        for (var i = 0; i < channels.Length; i++)
            channels[i] = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true,
                publisherConfirmationTrackingEnabled: true), ct);
        var properties = new BasicProperties { DeliveryMode = DeliveryModes.Persistent, ContentType = "application/json" };
        var start = clock.Elapsed;
        var publish = await LoadRunner.RunAsync("rabbitmq confirmed publish+consume", shape, async (i, token) =>
        {
            var body = new byte[1024];
            BitConverter.TryWriteBytes(body, clock.ElapsedTicks);
            await channels[i % channels.Length].BasicPublishAsync("", queue, mandatory: false, properties, body, token);
        }, progress, ct);
        var drain = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (Interlocked.Read(ref consumed) < publish.Completed && DateTime.UtcNow < drain) await Task.Delay(20, ct);
        var seconds = (clock.Elapsed - start).TotalSeconds;
        await consumerChannel.BasicCancelAsync(tag, cancellationToken: ct);
        foreach (var c in channels) await c.DisposeAsync();
        await consumerChannel.QueueDeleteAsync(queue, cancellationToken: ct);
        return new BrokerResult(publish, consumed, Math.Round(consumed / seconds, 1), endToEnd.Summary());
    }
}

using System.Globalization;
using System.Text;
using Dapper;
using Procedures.Messaging.Inbox;
using Procedures.TestInfrastructure;
using RabbitMQ.Client;

namespace Procedures.Messaging.Tests;

[Collection(InfrastructureCollection.Name)]
public sealed class InboxTests(InfrastructureFixture infra)
{
    [Fact]
    public async Task Redelivered_message_changes_state_once()
    {
        await using var host = await MessagingHost.StartAsync(infra);
        var messageId = Guid.NewGuid();
        // The same message (same MessageId) delivered five times, as a broker redelivery or a relay re-publish would.
        var pings = new List<Guid>();
        for (var i = 0; i < 5; i++) pings.Add(await host.PublishPingAsync("duplicate", messageId: messageId));
        var marker = await host.PublishPingAsync("marker");

        // Five payloads share one MessageId: whichever copy arrives first is applied, the others are duplicates.
        await host.WaitForEffectAsync(marker);
        await using var connection = await host.Db.OpenConnectionAsync();
        await Eventually.Until(async () => await connection.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM messaging.outbox WHERE message_id = @messageId AND sent_at IS NOT NULL", new { messageId }) == 5,
            TimeSpan.FromSeconds(20), "all five copies to be relayed");
        await Eventually.Until(async () => await connection.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM messaging.inbox WHERE message_id = @messageId", new { messageId }) == 1,
            TimeSpan.FromSeconds(5), "the inbox entry");

        await Eventually.Until(async () => await connection.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM effects WHERE message_id = @messageId", new { messageId }) > 0, TimeSpan.FromSeconds(30), "one copy to be applied");
        var applied = await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM effects WHERE message_id = @messageId", new { messageId });
        Assert.Equal(1, applied);
    }

    [Fact]
    public async Task Failing_consumer_is_retried_then_redelivered_later_and_applied_once()
    {
        await using var host = await MessagingHost.StartAsync(infra);
        var ping = new Ping(Guid.NewGuid(), "flaky");
        host.Plan.FailTimes(ping.Id, 3); // ImmediateRetries = 2: three attempts fail in process, the redelivery succeeds

        await PublishAsync(host, ping);
        await host.WaitForEffectAsync(ping.Id);

        Assert.Equal(4, host.Plan.Attempts(ping.Id));
        Assert.Equal(1, await host.EffectsAsync(ping.Id));
        await using var connection = await host.Db.OpenConnectionAsync();
        var redelivery = await connection.QuerySingleAsync<(string Destination, string Count)>(
            "SELECT destination, headers->>'procedures-redelivery' FROM messaging.outbox WHERE destination IS NOT NULL AND body->>'id' = @id",
            new { id = ping.Id.ToString() });
        Assert.EndsWith(host.QueueName, redelivery.Destination);
        Assert.Equal("1", redelivery.Count);
    }

    [Fact]
    public async Task Poison_message_lands_in_the_error_queue_with_the_reason()
    {
        await using var host = await MessagingHost.StartAsync(infra);
        var ping = new Ping(Guid.NewGuid(), "poison");
        host.Plan.FailTimes(ping.Id, int.MaxValue);

        await PublishAsync(host, ping);

        var factory = new ConnectionFactory { Uri = infra.RabbitMq };
        await using var connection = await factory.CreateConnectionAsync();
        var faulted = await Eventually.Until(
            () => TryGetAsync(connection, host.QueueName + "_error"),
            got => got is not null, TimeSpan.FromSeconds(30), "the message in the error queue");

        var headers = faulted!.BasicProperties.Headers!;
        var reason = Encoding.UTF8.GetString((byte[])headers["MT-Fault-Message"]!);
        Assert.Contains("planned failure", reason);
        Assert.Contains(ping.Id.ToString(), Encoding.UTF8.GetString(faulted.Body.Span));
        // Two rounds of three in-process attempts: the first delivery and the one delayed redelivery.
        Assert.Equal(6, host.Plan.Attempts(ping.Id));
        Assert.Equal(0, await host.EffectsAsync(ping.Id));
    }

    [Theory]
    [InlineData(32)]
    [InlineData(1)]
    public async Task Messages_that_wait_together_commit_together_and_each_changes_state_once(int batchSize)
    {
        await using var host = await MessagingHost.StartAsync(infra, s => s["Messaging:InboxBatchSize"] = batchSize.ToString(CultureInfo.InvariantCulture));
        // A burst (one outbox transaction, relayed at once) keeps the consumer's prefetch full, so messages wait together.
        var pings = Enumerable.Range(0, 300).Select(i => new Ping(Guid.NewGuid(), "burst")).ToList();
        // One fails once: its whole batch rolls back and each of its messages is applied alone.
        var failing = pings[150];
        host.Plan.FailTimes(failing.Id, 1);
        await using var connection = await host.Db.OpenConnectionAsync();
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await Outbox.Outbox.PublishManyAsync(tx, pings);
            await tx.CommitAsync();
        }
        var ids = pings.Select(p => p.Id).ToArray();
        await Eventually.Until(async () => await connection.ExecuteScalarAsync<int>(
            "SELECT count(DISTINCT ping_id) FROM effects WHERE ping_id = ANY(@ids)", new { ids }) == ids.Length,
            TimeSpan.FromSeconds(60), "every ping to be applied");

        Assert.Equal(ids.Length, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM effects WHERE ping_id = ANY(@ids)", new { ids }));
        Assert.Equal(2, host.Plan.Attempts(failing.Id));
        // The transactions that applied them: an inbox row's xmin is the id of the transaction that inserted it.
        var transactions = await connection.ExecuteScalarAsync<int>("""
            SELECT count(DISTINCT i.xmin::text) FROM messaging.inbox i JOIN effects e ON e.message_id = i.message_id
            WHERE e.ping_id = ANY(@ids)
            """, new { ids });
        Console.WriteLine($"batch size {batchSize}: {ids.Length} messages applied in {transactions} transactions");
        if (batchSize == 1) Assert.Equal(ids.Length, transactions);
        else Assert.True(transactions <= ids.Length / 3, $"{ids.Length} messages took {transactions} transactions");
    }

    /// <summary>MassTransit creates the error queue on the first fault; until then a get fails with 404.</summary>
    private static async Task<BasicGetResult?> TryGetAsync(IConnection connection, string queue)
    {
        try
        {
            await using var channel = await connection.CreateChannelAsync();
            return await channel.BasicGetAsync(queue, autoAck: true);
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            return null;
        }
    }

    private static async Task PublishAsync(MessagingHost host, Ping ping)
    {
        await using var connection = await host.Db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await Outbox.Outbox.PublishAsync(tx, ping);
        await tx.CommitAsync();
    }
}

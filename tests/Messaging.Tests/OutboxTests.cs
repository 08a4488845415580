using Dapper;
using Procedures.TestInfrastructure;

namespace Procedures.Messaging.Tests;

[Collection(InfrastructureCollection.Name)]
public sealed class OutboxTests(InfrastructureFixture infra)
{
    [Fact]
    public async Task Rolled_back_transaction_publishes_nothing()
    {
        await using var host = await MessagingHost.StartAsync(infra);
        var rolledBack = await host.PublishPingAsync("rolled-back", commit: false);
        var committed = await host.PublishPingAsync("committed");

        await host.WaitForEffectAsync(committed);

        Assert.Equal(0, await host.EffectsAsync(rolledBack));
        await using var connection = await host.Db.OpenConnectionAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM messaging.outbox WHERE body->>'id' = @id", new { id = rolledBack.ToString() }));
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM business_rows WHERE id = @rolledBack", new { rolledBack }));
    }

    [Fact]
    public async Task Committed_event_is_relayed_and_marked_sent()
    {
        await using var host = await MessagingHost.StartAsync(infra);
        var ping = await host.PublishPingAsync("plain");

        await host.WaitForEffectAsync(ping);

        await using var connection = await host.Db.OpenConnectionAsync();
        await Eventually.Until(async () => await connection.ExecuteScalarAsync<bool>(
            "SELECT sent_at IS NOT NULL FROM messaging.outbox WHERE body->>'id' = @id", new { id = ping.ToString() }),
            TimeSpan.FromSeconds(10), "the outbox row to be marked sent");
    }

    [Fact]
    public async Task Notify_wakes_the_relay_without_waiting_for_the_poll()
    {
        // With a five-minute poll, only LISTEN/NOTIFY can explain a delivery within seconds.
        await using var host = await MessagingHost.StartAsync(infra, s => s["Messaging:RelayPollInterval"] = "00:05:00");
        var ping = await host.PublishPingAsync("notified");

        await host.WaitForEffectAsync(ping, TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Row_that_cannot_be_published_is_kept_with_its_error_and_holds_back_none_of_its_batch()
    {
        // A five-minute poll: the rows below go out in the one pass the NOTIFY of their commit starts.
        await using var host = await MessagingHost.StartAsync(infra, s => s["Messaging:RelayPollInterval"] = "00:05:00");
        await using var connection = await host.Db.OpenConnectionAsync();
        var pings = new List<Guid>();
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await connection.ExecuteAsync(
                "INSERT INTO messaging.outbox (message_id, message_type, body) VALUES (gen_random_uuid(), 'No.Such.Message, Nowhere', '{}')",
                transaction: tx);
            for (var n = 0; n < 5; n++)
            {
                var ping = new Ping(Guid.NewGuid(), "batch-" + n);
                await connection.ExecuteAsync("INSERT INTO business_rows (id, note) VALUES (@Id, @Kind)", ping, tx);
                await Outbox.Outbox.PublishAsync(tx, ping);
                pings.Add(ping.Id);
            }
            await tx.CommitAsync();
        }

        foreach (var ping in pings) await host.WaitForEffectAsync(ping, TimeSpan.FromSeconds(20));

        // The pass commits its marks after the broker confirmed, possibly after the consumers applied the pings.
        var kept = await Eventually.Until(() => connection.QuerySingleAsync<(int Attempts, string? LastError, bool Sent, bool Later)>(
                "SELECT attempts, last_error, sent_at IS NOT NULL, due_at > now() FROM messaging.outbox WHERE message_type = 'No.Such.Message, Nowhere'"),
            k => k.Attempts > 0, TimeSpan.FromSeconds(20), "the relay's pass to commit");
        Assert.Equal(1, kept.Attempts);
        Assert.Contains("Nowhere", kept.LastError);
        Assert.False(kept.Sent);
        Assert.True(kept.Later);
        Assert.Equal(5, await connection.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM messaging.outbox WHERE sent_at IS NOT NULL AND attempts = 1 AND body->>'kind' LIKE 'batch-%'"));
    }

    [Fact]
    public async Task Event_committed_while_the_broker_is_down_is_delivered_once_it_is_back()
    {
        Assert.True(infra.OwnsBroker, "this test restarts the broker, so it needs the fixture's own instance");
        await using var host = await MessagingHost.StartAsync(infra);
        var warmUp = await host.PublishPingAsync("warm-up");
        await host.WaitForEffectAsync(warmUp);

        await infra.StopBrokerAsync();
        Guid ping;
        try
        {
            ping = await host.PublishPingAsync("during-outage");
            // The relay tries, fails and keeps the row: nothing is lost while the broker is away.
            await using var connection = await host.Db.OpenConnectionAsync();
            await Eventually.Until(async () => await connection.ExecuteScalarAsync<int>(
                "SELECT attempts FROM messaging.outbox WHERE body->>'id' = @id AND sent_at IS NULL", new { id = ping.ToString() }) > 0,
                TimeSpan.FromSeconds(30), "the relay to attempt and fail the publish");
        }
        finally
        {
            await infra.RestartBrokerAsync();
        }

        await host.WaitForEffectAsync(ping, TimeSpan.FromSeconds(90));
        var marker = await host.PublishPingAsync("after-outage");
        await host.WaitForEffectAsync(marker, TimeSpan.FromSeconds(30));
        Assert.Equal(1, await host.EffectsAsync(ping));
    }
}

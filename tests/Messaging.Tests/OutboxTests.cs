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

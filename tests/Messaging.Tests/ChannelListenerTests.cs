using Dapper;
using Npgsql;
using Procedures.TestInfrastructure;

namespace Procedures.Messaging.Tests;

[Collection(InfrastructureCollection.Name)]
public sealed class ChannelListenerTests(InfrastructureFixture infra)
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Each_notification_wakes_one_waiting_worker_and_one_that_came_while_none_waited_is_kept()
    {
        await using var db = NpgsqlDataSource.Create(await UnresetPool.NewDatabaseAsync(infra, "listen"));
        await using var listener = new ChannelListener(db, "work_due", workers: 3);
        await listener.ListenAsync(CancellationToken.None);
        // Listening starts with one wake-up (for whatever was notified before): take it.
        Assert.True(await listener.WaitAsync(TimeSpan.FromSeconds(20), CancellationToken.None));

        // Committed while nobody waits: kept for the next wait.
        await NotifyAsync(db);
        Assert.True(await listener.WaitAsync(TimeSpan.FromSeconds(20), CancellationToken.None));

        // Three workers wait; one notification wakes one of them, a second another.
        using var stop = new CancellationTokenSource();
        var waits = Enumerable.Range(0, 3).Select(_ => listener.WaitAsync(Long, stop.Token)).ToList();
        await NotifyAsync(db);
        Assert.True(await await Task.WhenAny(waits).WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Equal(1, waits.Count(w => w.IsCompleted));
        await NotifyAsync(db);
        await Eventually.Until(() => Task.FromResult(waits.Count(w => w.IsCompleted) == 2), TimeSpan.FromSeconds(20), "a second worker woken");
        Assert.Equal(2, waits.Count(w => w.IsCompletedSuccessfully && w.Result));

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waits.Single(w => !w.IsCompletedSuccessfully));
    }

    [Fact]
    public async Task A_stopped_listener_leaves_no_pooled_connection_listening_where_the_pool_does_not_reset_sessions()
    {
        var connectionString = await UnresetPool.NewDatabaseAsync(infra, "listen");
        await using var db = UnresetPool.OfOne(connectionString);
        int listenerPid;
        await using (var listener = new ChannelListener(db, "work_due"))
        {
            await listener.ListenAsync(CancellationToken.None);
            await using var watcher = new NpgsqlConnection(connectionString + ";Pooling=false");
            await watcher.OpenAsync();
            listenerPid = await watcher.ExecuteScalarAsync<int>(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN work_due'");
        }

        await using var next = await db.OpenConnectionAsync();
        Assert.Equal(listenerPid, next.ProcessID); // the very session that listened, back from the pool
        Assert.Empty(await next.QueryAsync<string>("SELECT pg_listening_channels()"));
    }

    private static async Task NotifyAsync(NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync("NOTIFY work_due");
    }
}

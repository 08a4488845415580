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
        var connectionString = infra.NewDatabase("listen");
        await using (var maintenance = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres" }.ConnectionString))
        {
            await maintenance.OpenAsync();
            await maintenance.ExecuteAsync($"CREATE DATABASE \"{new NpgsqlConnectionStringBuilder(connectionString).Database}\"");
        }
        await using var db = NpgsqlDataSource.Create(connectionString);
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

    private static async Task NotifyAsync(NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync();
        await connection.ExecuteAsync("NOTIFY work_due");
    }
}

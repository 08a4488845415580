using Dapper;
using Npgsql;
using Procedures.Notifications;
using Procedures.Notifications.Events;
using Procedures.Notifications.Webhooks;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests.Notifications;

/// <summary>A fresh Notifications database and what its consumers do with an event (learn the route, log, release).</summary>
internal sealed class NotificationsDatabase(NpgsqlDataSource db, NotificationsOptions options) : IAsyncDisposable
{
    public NpgsqlDataSource Db => db;

    public static async Task<NotificationsDatabase> CreateAsync(InfrastructureFixture infra, NotificationsOptions options)
        => new(await ServiceDatabase.CreateAsync(infra, "notifications", typeof(NotificationsOptions).Assembly), options);

    /// <summary>Exactly what RecordEvent&lt;T&gt;.HandleAsync does inside the consumer's transaction.</summary>
    public async Task<bool> AppendAsync(PublicEvent e)
    {
        await using var c = await db.OpenConnectionAsync();
        await using var tx = await c.BeginTransactionAsync();
        await EventLog.LearnRouteAsync(tx, e.DossierCode, e.Route, CancellationToken.None);
        var fresh = await EventLog.AppendAsync(tx, e, new PublicLinks(options), options.OrderHoldTimeout, CancellationToken.None);
        await tx.CommitAsync();
        return fresh;
    }

    /// <summary>An active subscription of <paramref name="agency"/>, stored as the create endpoint stores it (secret already sealed).</summary>
    public async Task<Guid> SubscribeAsync(string agency, string url, string secret, string[]? types = null)
    {
        var id = Guid.CreateVersion7();
        await db.InTransactionAsync(tx => SubscriptionStore.InsertAsync(tx,
            new SubscriptionStore.NewSubscription(id, agency, false, "test", url, secret, types ?? [], [], [], null, "active"), CancellationToken.None));
        return id;
    }

    /// <summary>The agency pauses or resumes its subscription, as the edit endpoint stores it (a new state clears why it was disabled).</summary>
    public async Task SetStateAsync(Guid id, string agency, string state)
        => Assert.True(await InTransactionAsync(tx => SubscriptionStore.UpdateAsync(tx, id, new SubscriptionStore.Change(State: state), agency, false,
            CancellationToken.None)));

    /// <summary>The agency deletes its subscription, as the delete endpoint stores it.</summary>
    public async Task DeleteAsync(Guid id, string agency)
        => Assert.True(await InTransactionAsync(tx => SubscriptionStore.DeleteAsync(tx, id, agency, false, CancellationToken.None)));

    private async Task<T> InTransactionAsync<T>(Func<NpgsqlTransaction, Task<T>> write)
    {
        var result = default(T)!;
        await db.InTransactionAsync(async tx => result = await write(tx));
        return result;
    }

    public async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var c = await db.OpenConnectionAsync();
        return await c.ExecuteScalarAsync<T>(sql, args) ?? throw new InvalidOperationException("no value");
    }

    public ValueTask DisposeAsync() => db.DisposeAsync();
}

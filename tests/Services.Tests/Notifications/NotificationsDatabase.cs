using Dapper;
using Npgsql;
using Procedures.Notifications;
using Procedures.Notifications.Events;
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

    public async Task<Guid> SubscribeAsync(string agency, string url, string secret, string[]? types = null)
    {
        var id = Guid.CreateVersion7();
        await using var c = await db.OpenConnectionAsync();
        await c.ExecuteAsync("""
            INSERT INTO webhook_subscriptions (id, agency, client_id, url, secret, event_types) VALUES (@id, @agency, 'test', @url, @secret, @types)
            """, new { id, agency, url, secret, types = types ?? [] });
        return id;
    }

    public async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var c = await db.OpenConnectionAsync();
        return await c.ExecuteScalarAsync<T>(sql, args) ?? throw new InvalidOperationException("no value");
    }

    public ValueTask DisposeAsync() => db.DisposeAsync();
}

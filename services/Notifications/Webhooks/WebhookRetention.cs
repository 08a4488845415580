using Dapper;
using Npgsql;

namespace Procedures.Notifications.Webhooks;

/// <summary>
/// The retention window (<see cref="WebhookOptions.Retention"/>) of webhook deliveries. A paused or disabled
/// subscription keeps receiving its events as pending deliveries, sent in order when it is active again; those older
/// than the window are expired instead, and the subscription shows exactly what it missed (first and last release
/// time, count) until one replay (<c>missed: true</c>) queues them again. A deleted subscription keeps its delivery log
/// for the window, then goes with it.
/// </summary>
public static class WebhookRetention
{
    public static async Task<(int Expired, int Purged)> SweepAsync(NpgsqlDataSource db, TimeSpan retention, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var expired = await c.ExecuteScalarAsync<int>(new CommandDefinition("""
            WITH expired AS (
                UPDATE webhook_deliveries d SET state = 'expired', finished_at = now()
                FROM webhook_subscriptions s
                WHERE s.id = d.subscription_id AND s.state IN ('paused', 'disabled') AND d.state = 'pending'
                  AND d.created_at < now() - @retention
                RETURNING d.subscription_id, d.created_at),
            missed AS (
                UPDATE webhook_subscriptions s SET missed_from = LEAST(s.missed_from, m.first), missed_to = GREATEST(s.missed_to, m.last),
                    missed_count = s.missed_count + m.n
                FROM (SELECT subscription_id, min(created_at) AS first, max(created_at) AS last, count(*)::int AS n
                      FROM expired GROUP BY subscription_id) m
                WHERE s.id = m.subscription_id
                RETURNING m.n)
            SELECT COALESCE(sum(n), 0)::int FROM missed
            """, new { retention }, tx, cancellationToken: ct));
        var purged = await c.ExecuteAsync(new CommandDefinition(
            "DELETE FROM webhook_subscriptions WHERE state = 'deleted' AND deleted_at < now() - @retention", new { retention }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        return (expired, purged);
    }
}

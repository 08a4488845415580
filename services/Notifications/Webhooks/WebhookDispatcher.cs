using System.Collections.Concurrent;
using System.Diagnostics;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging.Outbox;

namespace Procedures.Notifications.Webhooks;

/// <summary>
/// Alert event: a subscription has been failing persistently (raised at most once per Vietnam day per subscription).
/// Internal to the platform (operators' dashboards and mail), not part of the public contract.
/// </summary>
public sealed record WebhookSubscriptionFailing(Guid SubscriptionId, string Agency, string CallbackHost, DateTimeOffset FailingSince,
    int? LastStatus, string? LastError, bool DeadLettered, DateTimeOffset RaisedAt);

/// <summary>
/// Delivers webhook events. Each subscription with due deliveries gets its own worker (leased in the database, so several
/// instances share the work and never deliver for the same subscription at once): a slow or failing receiver only ever
/// holds up itself. Within a subscription a dossier's deliveries go one at a time in stream order (Processing's sequence);
/// different dossiers go in parallel. A success after failures brings the subscription's waiting retries forward.
/// </summary>
public sealed partial class WebhookDispatcher(NpgsqlDataSource db, WebhookSender sender, WebhookSecrets secrets, IOptions<WebhookOptions> options,
    NotificationsMetrics metrics, TimeProvider time, ILogger<WebhookDispatcher> logger) : BackgroundService
{
    private readonly WebhookOptions _options = options.Value;
    private readonly string _owner = $"{Environment.MachineName}:{Guid.NewGuid():N}";
    private readonly ConcurrentDictionary<Guid, Task> _workers = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pass = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await StartDueWorkersAsync(stoppingToken);
                if (pass++ % 20 == 0)
                {
                    await WebhookRetention.SweepAsync(db, _options.Retention, stoppingToken);
                    await ObserveAsync(stoppingToken);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                LogPassFailed(ex);
            }
            await Task.Delay(_options.PollInterval, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        await Task.WhenAll(_workers.Values).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task StartDueWorkersAsync(CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        var due = await c.QueryAsync<Guid>(new CommandDefinition("""
            SELECT DISTINCT d.subscription_id FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
            WHERE d.state = 'pending' AND d.due_at <= now() AND s.state = 'active'
              AND (s.lease_until IS NULL OR s.lease_until < now() OR s.lease_owner = @_owner)
            LIMIT 500
            """, new { _owner }, cancellationToken: ct));
        foreach (var id in due)
        {
            if (_workers.Count >= _options.MaxConcurrentSubscriptions) break;
            if (_workers.ContainsKey(id) || !await LeaseAsync(c, id, ct)) continue;
            _workers[id] = Task.Run(async () =>
            {
                try { await RunSubscriptionAsync(id, ct); }
                catch (Exception ex) when (!ct.IsCancellationRequested) { LogWorkerFailed(ex, id); }
                finally
                {
                    _workers.TryRemove(id, out _);
                    await ReleaseLeaseAsync(id);
                }
            }, CancellationToken.None);
        }
    }

    private async Task<bool> LeaseAsync(NpgsqlConnection c, Guid id, CancellationToken ct)
        => await c.ExecuteAsync(new CommandDefinition("""
            UPDATE webhook_subscriptions SET lease_owner = @_owner, lease_until = now() + @lease
            WHERE id = @id AND state = 'active' AND (lease_until IS NULL OR lease_until < now() OR lease_owner = @_owner)
            """, new { id, _owner, lease = _options.LeaseDuration }, cancellationToken: ct)) == 1;

    private async Task ReleaseLeaseAsync(Guid id)
    {
        await using var c = await db.OpenConnectionAsync();
        await c.ExecuteAsync("UPDATE webhook_subscriptions SET lease_until = NULL WHERE id = @id AND lease_owner = @_owner", new { id, _owner });
    }

    private sealed record Subscription(Guid Id, string Agency, string Url, string Secret, string? PreviousSecret, DateTimeOffset? PreviousSecretUntil);

    private sealed record Head(long Id, Guid EventId, int Attempts, DateTimeOffset? FirstFailedAt, string CloudEvent, string? TraceParent,
        string? ReplayReason, long? ReplayOf);

    /// <summary>Delivery spans: children of the event's original trace (its traceparent), so the dashboard shows a dossier's webhooks in its trace.</summary>
    public static readonly ActivitySource Source = new("Procedures.Notifications.Webhooks");

    /// <summary>Delivers a subscription's due deliveries until none is left, the lease is lost or the subscription stops.</summary>
    public async Task RunSubscriptionAsync(Guid id, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            await using var c = await db.OpenConnectionAsync(ct);
            var subscription = await c.QuerySingleOrDefaultAsync<Subscription>(new CommandDefinition("""
                UPDATE webhook_subscriptions SET lease_until = now() + @lease
                WHERE id = @id AND lease_owner = @_owner AND state = 'active'
                RETURNING id, agency, url, secret, previous_secret AS PreviousSecret, previous_secret_until AS PreviousSecretUntil
                """, new { id, _owner, lease = _options.LeaseDuration }, cancellationToken: ct));
            if (subscription is null) return;
            // The head of each dossier's queue for this subscription: nothing earlier of the same dossier is still pending.
            var heads = (await c.QueryAsync<Head>(new CommandDefinition("""
                SELECT d.id, d.event_id AS EventId, d.attempts, d.first_failed_at AS FirstFailedAt, e.cloud_event AS CloudEvent,
                       e.traceparent AS TraceParent, d.replay_reason AS ReplayReason, d.replay_of AS ReplayOf
                FROM webhook_deliveries d JOIN event_log e ON e.event_id = d.event_id
                WHERE d.subscription_id = @id AND d.state = 'pending' AND d.due_at <= now()
                  AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p
                                  WHERE p.subscription_id = d.subscription_id AND p.dossier_code = d.dossier_code AND p.state = 'pending'
                                    AND (p.stream_position, p.id) < (d.stream_position, d.id))
                ORDER BY d.stream_position, d.id
                LIMIT @limit
                """, new { id, limit = _options.PerSubscriptionParallelism * 4 }, cancellationToken: ct))).ToList();
            if (heads.Count == 0) return;
            var gone = false;
            await Parallel.ForEachAsync(heads, new ParallelOptions { MaxDegreeOfParallelism = _options.PerSubscriptionParallelism, CancellationToken = ct },
                async (head, token) =>
                {
                    if (await DeliverAsync(subscription, head, token)) gone = true;
                });
            if (gone) return;
        }
    }

    /// <summary>One attempt and its bookkeeping; true when the receiver answered 410 (the subscription is now disabled).</summary>
    private async Task<bool> DeliverAsync(Subscription s, Head head, CancellationToken ct)
    {
        ActivityContext.TryParse(head.TraceParent, null, out var parent);
        using var span = Source.StartActivity("webhook deliver", ActivityKind.Producer, parent);
        span?.SetTag("webhook.subscription_id", s.Id);
        span?.SetTag("webhook.event_id", head.EventId);
        span?.SetTag("webhook.replay", head.ReplayReason);
        var signing = SecretRotation.SigningSecrets(secrets.Open(s.Secret), s.PreviousSecret is { } previous ? secrets.Open(previous) : null,
            s.PreviousSecretUntil, time.GetUtcNow());
        var result = await sender.SendAsync(s.Url, signing, head.EventId, head.CloudEvent,
            new DeliveryMarks(head.TraceParent, head.ReplayReason, head.ReplayOf), ct);
        span?.SetTag("http.response.status_code", result.Status);
        var attempt = head.Attempts + 1;
        var now = time.GetUtcNow();
        var next = result.Delivered || result.Gone ? null
            : RetrySchedule.NextDelay(attempt, _options.EffectiveRetrySchedule, _options.Jitter, Random.Shared.NextDouble(), result.RetryAfter, _options.MaxRetryAfter);
        var outcome = result.Delivered ? "delivered" : result.Gone ? "gone" : next is null ? "dead" : "retry";

        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        await c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO webhook_attempts (delivery_id, subscription_id, event_id, attempt, attempted_at, status_code, latency_ms, outcome, error)
            VALUES (@Id, @sub, @EventId, @attempt, @now, @Status, @latency, @outcome, @Error);
            UPDATE webhook_deliveries SET attempts = @attempt, last_status = @Status, last_error = @Error,
                state = CASE @outcome WHEN 'delivered' THEN 'delivered' WHEN 'dead' THEN 'dead' ELSE 'pending' END,
                finished_at = CASE WHEN @outcome IN ('delivered', 'dead') THEN @now END,
                first_failed_at = CASE WHEN @outcome = 'delivered' THEN first_failed_at ELSE COALESCE(first_failed_at, @now) END,
                due_at = CASE WHEN @outcome = 'retry' THEN @now + @next ELSE due_at END
            WHERE id = @Id;
            """, new
            {
                head.Id, sub = s.Id, head.EventId, attempt, now, result.Status, latency = (int)result.Latency.TotalMilliseconds, outcome,
                result.Error, next = next ?? TimeSpan.Zero,
            }, tx, cancellationToken: ct));
        if (result.Delivered && head.Attempts > 0)
            await c.ExecuteAsync(new CommandDefinition("""
                UPDATE webhook_deliveries SET due_at = now() WHERE subscription_id = @Id AND state = 'pending' AND due_at > now()
                """, new { s.Id }, tx, cancellationToken: ct));
        if (result.Gone)
            await c.ExecuteAsync(new CommandDefinition("""
                UPDATE webhook_subscriptions SET state = 'disabled', updated_at = now(),
                    disabled_reason = 'The callback answered 410 Gone at ' || @now::text
                WHERE id = @Id
                """, new { s.Id, now }, tx, cancellationToken: ct));
        if (!result.Delivered && (outcome == "dead" || now - (head.FirstFailedAt ?? now) >= _options.AlertAfter))
            await AlertOnceADayAsync(tx, s, head.FirstFailedAt ?? now, result, outcome == "dead", now, ct);
        await tx.CommitAsync(ct);

        metrics.Attempts.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        metrics.Latency.Record(result.Latency.TotalMilliseconds, new KeyValuePair<string, object?>("outcome", outcome));
        return result.Gone;
    }

    private async Task AlertOnceADayAsync(NpgsqlTransaction tx, Subscription s, DateTimeOffset since, AttemptResult result, bool dead,
        DateTimeOffset now, CancellationToken ct)
    {
        var today = now.VietnamDate();
        var first = await tx.Connection!.ExecuteAsync(new CommandDefinition("""
            UPDATE webhook_subscriptions SET last_alert_on = @today WHERE id = @Id AND last_alert_on IS DISTINCT FROM @today
            """, new { s.Id, today }, tx, cancellationToken: ct));
        if (first == 0) return;
        await Outbox.PublishAsync(tx, new WebhookSubscriptionFailing(s.Id, s.Agency, new Uri(s.Url).Host, since, result.Status, result.Error,
            dead, now), ct);
        metrics.Alerts.Add(1);
        LogAlert(s.Id, s.Agency, since);
    }

    private async Task ObserveAsync(CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        var (backlog, dead) = await c.QuerySingleAsync<(long, long)>(new CommandDefinition("""
            SELECT count(*) FILTER (WHERE state = 'pending'), count(*) FILTER (WHERE state = 'dead' AND replayed_at IS NULL)
            FROM webhook_deliveries WHERE state IN ('pending', 'dead')
            """, cancellationToken: ct));
        metrics.Observe(backlog, dead);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook dispatch pass failed")]
    private partial void LogPassFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook worker for subscription {SubscriptionId} failed")]
    private partial void LogWorkerFailed(Exception ex, Guid subscriptionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook subscription {SubscriptionId} of {Agency} failing since {Since}: alert raised")]
    private partial void LogAlert(Guid subscriptionId, string agency, DateTimeOffset since);
}

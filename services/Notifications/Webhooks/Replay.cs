using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Procedures.Notifications.Events;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.OpenApi;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Notifications.Webhooks;

/// <summary>
/// Replays to a subscription: one event, the events of a time range (by release time), or the subscription's dead
/// letters. Each replay queues new deliveries (the event id stays the same, so the receiver deduplicates), only of
/// events the subscription may see, in their original stream order.
/// </summary>
public static class Replay
{
    public sealed record Request(Guid? EventId, DateTimeOffset? From, DateTimeOffset? To, bool? DeadLetters, bool? Missed = null);

    public sealed record Queued(Guid SubscriptionId, int Count);

    private const int MaxEvents = 100_000;

    public static IEndpointRouteBuilder MapReplay(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/webhooks/subscriptions/{id:guid}").WithTags("Webhooks").RequireScope(Scopes.Webhooks);
        group.MapPost("/replay", ReplayAsync).WithName("ReplayWebhookEvents")
            .WithSummary("Queues again one event (eventId), a time range (from, to), the dead letters (deadLetters: true) or what the subscription missed beyond the retention window (missed: true); each delivery says what it replays (procedures-replay header)")
            .WithExamples(new Request(null, DateTimeOffset.Parse("2026-11-28T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
                DateTimeOffset.Parse("2026-11-29T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture), null), new Queued(Guid.Empty, 42));
        return app;
    }

    private static async Task<Results<Accepted<Queued>, NotFound, ProblemHttpResult>> ReplayAsync(Guid id, Request request, Caller caller, HttpContext http,
        NpgsqlDataSource db, CancellationToken ct)
    {
        var modes = (request.EventId is not null ? 1 : 0) + (request.From is not null || request.To is not null ? 1 : 0) + (request.DeadLetters == true ? 1 : 0)
            + (request.Missed == true ? 1 : 0);
        var errors = new List<FieldError>();
        if (modes != 1)
            errors.Add(new FieldError("replay", "one-mode", "Chọn đúng một cách phát lại: eventId, khoảng thời gian (from, to), deadLetters hoặc missed",
                "Choose exactly one replay: eventId, a time range (from, to), deadLetters or missed"));
        else if ((request.From is null) != (request.To is null) || request.From > request.To)
            errors.Add(new FieldError("from", "range", "Cần cả from và to, from không sau to", "Both from and to are needed, from not after to"));
        if (errors.Count > 0) return Problems.Validation(errors);
        var queued = await QueueAsync(db, id, request, caller.Agency, caller.SeesAllAgencies, ct);
        if (queued is null) await Subscriptions.MarkIfForeignAsync(db, http, caller, id, ct);
        return queued is null ? TypedResults.NotFound() : TypedResults.Accepted((string?)null, new Queued(id, queued.Value));
    }

    /// <summary>Queues the replay; null when the subscription is not the caller's (or the one event is unknown or not visible to it).</summary>
    public static async Task<int?> QueueAsync(NpgsqlDataSource db, Guid id, Request request, string agency, bool seesAllAgencies, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var owned = await c.ExecuteScalarAsync<bool?>(new CommandDefinition(
            $"SELECT true FROM webhook_subscriptions WHERE id = @id AND {Subscriptions.Owned} FOR UPDATE",
            new { id, Agency = agency, SeesAllAgencies = seesAllAgencies }, tx, cancellationToken: ct));
        if (owned != true) return null;

        int queued;
        if (request.DeadLetters == true || request.Missed == true)
        {
            // Dead letters, or the deliveries expired while the subscription was paused or disabled: each queued again,
            // pointing at the delivery it repeats; the missed range is cleared with them.
            var (state, reason) = request.DeadLetters == true ? ("dead", "dead-letter") : ("expired", "missed");
            queued = await c.ExecuteAsync(new CommandDefinition("""
                WITH old AS (UPDATE webhook_deliveries SET replayed_at = now()
                             WHERE subscription_id = @id AND state = @state AND replayed_at IS NULL
                             RETURNING id, event_id, dossier_code, stream_position)
                INSERT INTO webhook_deliveries (subscription_id, event_id, dossier_code, stream_position, replay_of, replay_reason)
                SELECT @id, event_id, dossier_code, stream_position, id, @reason FROM old ORDER BY stream_position
                """, new { id, state, reason }, tx, cancellationToken: ct));
            if (request.Missed == true)
                await c.ExecuteAsync(new CommandDefinition(
                    "UPDATE webhook_subscriptions SET missed_from = NULL, missed_to = NULL, missed_count = 0 WHERE id = @id",
                    new { id }, tx, cancellationToken: ct));
        }
        else
        {
            // One event or a time range; each points at this subscription's latest earlier delivery of the event, if any.
            queued = await c.ExecuteAsync(new CommandDefinition($"""
                INSERT INTO webhook_deliveries (subscription_id, event_id, dossier_code, stream_position, replay_of, replay_reason)
                SELECT s.id, r.event_id, r.dossier_code, r.stream_position,
                       (SELECT max(d.id) FROM webhook_deliveries d WHERE d.subscription_id = s.id AND d.event_id = r.event_id),
                       CASE WHEN @eventId::uuid IS NULL THEN 'range' ELSE 'event' END
                FROM event_log r JOIN webhook_subscriptions s ON s.id = @id
                WHERE r.stream_position > 0
                  AND (@eventId::uuid IS NULL OR r.event_id = @eventId)
                  AND (@from::timestamptz IS NULL OR r.released_at BETWEEN @from AND @to)
                  AND {EventLog.SubscriptionSees}
                ORDER BY r.stream_position
                LIMIT {MaxEvents}
                """, new { id, eventId = request.EventId, from = request.From?.ToUniversalTime(), to = request.To?.ToUniversalTime() },
                tx, cancellationToken: ct));
            if (request.EventId is not null && queued == 0) return null;
        }
        await tx.CommitAsync(ct);
        return queued;
    }
}

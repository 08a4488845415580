using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Notifications.Webhooks;

/// <summary>The delivery log of a subscription: its deliveries (state, attempts, dead letters) and every attempt with status and latency.</summary>
public static class DeliveryLog
{
    public sealed record Delivery(long Id, Guid EventId, string DossierCode, string State, int Attempts, int? LastStatus, string? LastError,
        DateTimeOffset CreatedAt, DateTimeOffset DueAt, DateTimeOffset? FinishedAt, long? ReplayOf, string? ReplayReason);

    public sealed record Attempt(long Id, long DeliveryId, Guid EventId, int Number, DateTimeOffset AttemptedAt, int? StatusCode,
        int LatencyMs, string Outcome, string? Error);

    public sealed record DeliveryList(IReadOnlyList<Delivery> Items);

    public sealed record AttemptList(IReadOnlyList<Attempt> Items);

    public static IEndpointRouteBuilder MapDeliveryLog(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/webhooks/subscriptions/{id:guid}").WithTags("Webhooks").RequireScope(Scopes.Webhooks);
        group.MapGet("/deliveries", DeliveriesAsync).WithName("ListWebhookDeliveries")
            .WithSummary("Deliveries, newest first (kept after the subscription is deleted, for the retention window); state = pending | delivered | dead | expired | cancelled; eventId narrows to one event");
        group.MapGet("/attempts", AttemptsAsync).WithName("ListWebhookAttempts")
            .WithSummary("Every delivery attempt (status, latency, outcome), newest first, optionally in a time range");
        return app;
    }

    private static async Task<Results<Ok<DeliveryList>, NotFound, ProblemHttpResult>> DeliveriesAsync(Guid id, string? state, Guid? eventId, int? limit, Caller caller, HttpContext http, NpgsqlDataSource db,
        CancellationToken ct)
    {
        if (state is not null and not "pending" and not "delivered" and not "dead" and not "expired" and not "cancelled")
            return Problems.Validation([new FieldError("state", "state", "state phải là pending, delivered, dead, expired hoặc cancelled",
                "state must be pending, delivered, dead, expired or cancelled")]);
        await using var c = await db.OpenConnectionAsync(ct);
        if (!await OwnedAsync(c, id, caller, ct))
        {
            await Subscriptions.MarkIfForeignAsync(db, http, caller, id, ct);
            return TypedResults.NotFound();
        }
        var items = await c.QueryAsync<Delivery>(new CommandDefinition("""
            SELECT id, event_id AS EventId, dossier_code AS DossierCode, state, attempts, last_status AS LastStatus, last_error AS LastError,
                   created_at AS CreatedAt, due_at AS DueAt, finished_at AS FinishedAt, replay_of AS ReplayOf,
                   replay_reason AS ReplayReason
            FROM webhook_deliveries
            WHERE subscription_id = @id AND (@state::text IS NULL OR state = @state) AND (@eventId::uuid IS NULL OR event_id = @eventId)
            ORDER BY id DESC LIMIT @limit
            """, new { id, state, eventId, limit = Math.Clamp(limit ?? 100, 1, 1000) }, cancellationToken: ct));
        return TypedResults.Ok(new DeliveryList(items.AsList()));
    }

    private static async Task<Results<Ok<AttemptList>, NotFound>> AttemptsAsync(Guid id, VietnamMoment? from, VietnamMoment? to, int? limit, Caller caller,
        HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        if (!await OwnedAsync(c, id, caller, ct))
        {
            await Subscriptions.MarkIfForeignAsync(db, http, caller, id, ct);
            return TypedResults.NotFound();
        }
        var items = await c.QueryAsync<Attempt>(new CommandDefinition("""
            SELECT id, delivery_id AS DeliveryId, event_id AS EventId, attempt AS Number, attempted_at AS AttemptedAt, status_code AS StatusCode,
                   latency_ms AS LatencyMs, outcome, error
            FROM webhook_attempts
            WHERE subscription_id = @id AND (@from::timestamptz IS NULL OR attempted_at >= @from) AND (@to::timestamptz IS NULL OR attempted_at <= @to)
            ORDER BY id DESC LIMIT @limit
            """, new { id, from = from?.ToUniversalTime(), to = to?.ToUniversalTime(), // VietnamMoment: no offset is Vietnam time
                limit = Math.Clamp(limit ?? 100, 1, 1000) },
            cancellationToken: ct));
        return TypedResults.Ok(new AttemptList(items.AsList()));
    }

    private static Task<bool> OwnedAsync(NpgsqlConnection c, Guid id, Caller caller, CancellationToken ct)
        => c.ExecuteScalarAsync<bool>(new CommandDefinition($"SELECT EXISTS (SELECT 1 FROM webhook_subscriptions WHERE id = @id AND {Subscriptions.OwnedOrDeleted})",
            new { id, caller.Agency, caller.SeesAllAgencies }, cancellationToken: ct));
}

using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.Options;
using Procedures.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Procedures.Messaging.Audit;
using Procedures.ServiceDefaults.Idempotency;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.OpenApi;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Notifications.Webhooks;

/// <summary>
/// What an integrator does to a subscription besides editing it: rotate its signing secret with an overlap, and send a
/// signed test event (ping) to check the receiver end to end.
/// </summary>
public static class SubscriptionChecks
{
    public sealed record RotateRequest(int? OverlapMinutes);

    /// <summary>The new secret (shown in this answer only) and until when the previous one still signs beside it.</summary>
    public sealed record Rotated(Guid Id, string Secret, DateTimeOffset? PreviousSecretValidUntil);

    /// <summary>What the receiver answered to the ping (status null: no answer; delivered: a 2xx).</summary>
    public sealed record PingResult(Guid EventId, bool Delivered, int? Status, int LatencyMs, string? Error);

    /// <summary>The ping event's CloudEvents type: not a dossier event, never on the stream, only sent by this call.</summary>
    public const string PingType = "vn.hcm.procedures.webhook.ping.v1";

    public static IEndpointRouteBuilder MapSubscriptionChecks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/webhooks/subscriptions/{id:guid}").WithTags("Webhooks").RequireScope(Scopes.Webhooks);
        // The stored answer keeps the secret sealed; a retry with the same key opens it again (and does not rotate twice).
        group.MapPost("/rotate-secret", RotateAsync).RequireIdempotencyKey(Subscriptions.OpenStoredAnswer).WithName("RotateWebhookSecret")
            .WithSummary("Issues a new signing secret (in this answer only); the previous one keeps signing beside it for overlapMinutes (default 1440)")
            .WithExamples(new RotateRequest(1440), new Rotated(Guid.Empty, "whsec_…", DateTimeOffset.Parse("2026-11-29T09:00:00+07:00",
                System.Globalization.CultureInfo.InvariantCulture)));
        group.MapPost("/ping", PingAsync).WithName("PingWebhookSubscription")
            .WithSummary($"Sends a signed test event ({PingType}) to the callback now and answers what the receiver answered")
            .WithExamples(null, new PingResult(Guid.Empty, true, 200, 42, null));
        return app;
    }

    private static async Task<Results<Ok<Rotated>, NotFound, ProblemHttpResult>> RotateAsync(Guid id, RotateRequest? request, Caller caller,
        NpgsqlDataSource db, WebhookSecrets secrets, IdempotencyContext idempotency, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var overlap = SecretRotation.Overlap(request?.OverlapMinutes, errors);
        if (errors.Count > 0) return Problems.Validation(errors);

        var secret = WebhookSender.NewSecret();
        var sealedSecret = secrets.Seal(secret);
        var now = time.GetUtcNow();
        DateTimeOffset? until = overlap > TimeSpan.Zero ? now + overlap : null;
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await idempotency.BeginAsync(c, ct);
        var rotated = await RotateInAsync(tx, id, sealedSecret, until, caller.Agency, caller.SeesAllAgencies, ct);
        if (!rotated)
        {
            await Subscriptions.MarkIfForeignAsync(db, http, caller, id, ct);
            return TypedResults.NotFound();
        }
        await AuditLog.AppendAsync(tx, AuditActor.FromRequest(http, caller.ClientId, caller.Agency),
            new AuditEntry("webhook.subscription.rotate-secret", id.ToString(), PersonalData: false, new { previousSecretValidUntil = until }), now, ct);
        var answer = new Rotated(id, secret, until);
        await idempotency.CompleteAsync(tx, StatusCodes.Status200OK, answer with { Secret = sealedSecret }, null, ct);
        await tx.CommitAsync(ct);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(answer);
    }

    /// <summary>
    /// The rotation itself, in the caller's transaction: the current secret becomes the previous one, signing beside
    /// <paramref name="sealedSecret"/> until <paramref name="until"/> (null: it stops at once). False when not the caller's.
    /// </summary>
    public static async Task<bool> RotateInAsync(NpgsqlTransaction tx, Guid id, string sealedSecret, DateTimeOffset? until, string agency,
        bool seesAllAgencies, CancellationToken ct)
        => await tx.Connection!.ExecuteAsync(new CommandDefinition($"""
            UPDATE webhook_subscriptions SET previous_secret = CASE WHEN @until::timestamptz IS NULL THEN NULL ELSE secret END,
                previous_secret_until = @until, secret = @sealedSecret, updated_at = now()
            WHERE id = @id AND {Subscriptions.Owned}
            """, new { id, until, sealedSecret, Agency = agency, SeesAllAgencies = seesAllAgencies }, tx, cancellationToken: ct)) == 1;

    private sealed record Target(string Url, string Secret, string? PreviousSecret, DateTimeOffset? PreviousSecretUntil);

    private static async Task<Results<Ok<PingResult>, NotFound>> PingAsync(Guid id, Caller caller, NpgsqlDataSource db, WebhookSender sender,
        WebhookSecrets secrets, IOptions<NotificationsOptions> options, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        var target = await c.QuerySingleOrDefaultAsync<Target>(new CommandDefinition($"""
            SELECT url, secret, previous_secret AS PreviousSecret, previous_secret_until AS PreviousSecretUntil
            FROM webhook_subscriptions WHERE id = @id AND {Subscriptions.Owned}
            """, new { id, caller.Agency, caller.SeesAllAgencies }, cancellationToken: ct));
        if (target is null)
        {
            await Subscriptions.MarkIfForeignAsync(db, http, caller, id, ct);
            return TypedResults.NotFound();
        }
        var now = time.GetUtcNow();
        var eventId = Guid.CreateVersion7();
        var payload = PingEvent(eventId, id, now, options.Value);
        var signing = SecretRotation.SigningSecrets(secrets.Open(target.Secret), target.PreviousSecret is { } p ? secrets.Open(p) : null,
            target.PreviousSecretUntil, now);
        var result = await sender.SendAsync(target.Url, signing, eventId, payload,
            new DeliveryMarks(System.Diagnostics.Activity.Current?.Id), ct);
        await using (var tx = await c.BeginTransactionAsync(ct))
        {
            await AuditLog.AppendAsync(tx, AuditActor.FromRequest(http, caller.ClientId, caller.Agency),
                new AuditEntry("webhook.subscription.ping", id.ToString(), PersonalData: false, new { eventId, result.Status }), now, ct);
            await tx.CommitAsync(ct);
        }
        return TypedResults.Ok(new PingResult(eventId, result.Delivered, result.Status, (int)result.Latency.TotalMilliseconds, result.Error));
    }

    /// <summary>The ping as a CloudEvent (structured JSON, like every delivery), with no dossier and no personal data.</summary>
    public static string PingEvent(Guid eventId, Guid subscriptionId, DateTimeOffset at, NotificationsOptions options) => new JsonObject
    {
        ["specversion"] = "1.0",
        ["id"] = eventId.ToString(),
        ["source"] = "/procedures/notifications",
        ["type"] = PingType,
        ["subject"] = subscriptionId.ToString(),
        ["time"] = at.ToVietnam(),
        ["datacontenttype"] = "application/json",
        ["data"] = new JsonObject { ["subscriptionId"] = subscriptionId.ToString(), ["sentAt"] = at.ToVietnam(), ["docs"] = options.PublicBaseUrl },
    }.ToJsonString();
}

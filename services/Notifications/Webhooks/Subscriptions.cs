using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Procedures.Messaging.Audit;
using Procedures.ServiceDefaults.Idempotency;
using Procedures.Notifications.Events;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.OpenApi;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Notifications.Webhooks;

/// <summary>
/// Webhook subscriptions over REST (scope <c>webhooks</c>): create (the secret is shown once), list, read, update,
/// pause/resume and delete. A subscription belongs to the caller's agency and only ever receives that agency's events;
/// every query names the agency in its WHERE.
/// </summary>
public static class Subscriptions
{
    public sealed record Request(string? Url, string[]? EventTypes, string[]? Agencies, string[]? Procedures, string? Description, string? State);

    /// <summary>A subscription as listed (never its secret). A class: Dapper reads text[] columns into properties, not record parameters.</summary>
    public sealed class View
    {
        public Guid Id { get; init; }
        public string Agency { get; init; } = "";
        public string Url { get; init; } = "";
        public string[] EventTypes { get; init; } = [];
        public string[] Agencies { get; init; } = [];
        public string[] Procedures { get; init; } = [];
        public string? Description { get; init; }
        public string State { get; init; } = "";
        public string? DisabledReason { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }

        /// <summary>After a rotation: until when the previous secret still signs beside the new one (null: no overlap running).</summary>
        public DateTimeOffset? PreviousSecretValidUntil { get; init; }

        /// <summary>Events that waited longer than the retention window while paused or disabled (null: none); one replay with missed: true sends them.</summary>
        public MissedRange? Missed { get; init; }
    }

    /// <summary>What a subscription missed: the release times of the first and last missed event, and how many.</summary>
    public sealed record MissedRange(DateTimeOffset From, DateTimeOffset To, int Count);

    /// <summary>The caller's subscriptions, oldest first.</summary>
    public sealed record List(IReadOnlyList<View> Items);

    public sealed record Created(Guid Id, string Agency, string Url, string[] EventTypes, string[] Agencies, string[] Procedures,
        string? Description, string State, string Secret);

    private const string Columns = """
        id, agency, url, event_types AS EventTypes, agencies, procedures, description, state, disabled_reason AS DisabledReason,
        created_at AS CreatedAt, updated_at AS UpdatedAt,
        CASE WHEN previous_secret_until > now() THEN previous_secret_until END AS PreviousSecretValidUntil,
        missed_from AS MissedFrom, missed_to AS MissedTo, missed_count AS MissedCount
        """;

    /// <summary>A row as read (Dapper fills the flat columns; the view nests the missed range).</summary>
    private sealed class Row
    {
        public Guid Id { get; init; }
        public string Agency { get; init; } = "";
        public string Url { get; init; } = "";
        public string[] EventTypes { get; init; } = [];
        public string[] Agencies { get; init; } = [];
        public string[] Procedures { get; init; } = [];
        public string? Description { get; init; }
        public string State { get; init; } = "";
        public string? DisabledReason { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
        public DateTimeOffset? PreviousSecretValidUntil { get; init; }
        public DateTimeOffset? MissedFrom { get; init; }
        public DateTimeOffset? MissedTo { get; init; }
        public int MissedCount { get; init; }

        public View ToView() => new()
        {
            Id = Id, Agency = Agency, Url = Url, EventTypes = EventTypes, Agencies = Agencies, Procedures = Procedures, Description = Description,
            State = State, DisabledReason = DisabledReason, CreatedAt = CreatedAt, UpdatedAt = UpdatedAt, PreviousSecretValidUntil = PreviousSecretValidUntil,
            Missed = MissedCount > 0 && MissedFrom is { } from && MissedTo is { } to ? new MissedRange(from, to, MissedCount) : null,
        };
    }

    /// <summary>SQL condition: the subscription is the caller's (or the caller sees every agency), and not deleted.</summary>
    public const string Owned = "((agency = @Agency OR @SeesAllAgencies) AND state <> 'deleted')";

    /// <summary>SQL condition: as <see cref="Owned"/>, deleted ones included (their delivery logs are kept for the retention window).</summary>
    public const string OwnedOrDeleted = "(agency = @Agency OR @SeesAllAgencies)";

    /// <summary>
    /// After a look-up under <see cref="Owned"/> missed (the answer stays the 404 of an unknown id): when the subscription
    /// is another agency's, marks the request as a refused cross-agency attempt for the security-event recorder.
    /// </summary>
    public static async Task MarkIfForeignAsync(NpgsqlDataSource db, HttpContext http, Caller caller, Guid id, CancellationToken ct)
    {
        if (caller.SeesAllAgencies) return;
        await using var c = await db.OpenConnectionAsync(ct);
        var owner = await c.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT agency FROM webhook_subscriptions WHERE id = @id", new { id }, cancellationToken: ct));
        if (owner is not null && owner != caller.Agency) CrossAgency.Refused(http, id.ToString(), owner);
    }

    public static IEndpointRouteBuilder MapSubscriptions(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/webhooks/subscriptions").WithTags("Webhooks").RequireScope(Scopes.Webhooks);
        // The stored answer keeps the secret sealed like the table does; a replay opens it again.
        group.MapPost("/", CreateAsync).RequireIdempotencyKey(OpenStoredAnswer).WithName("CreateWebhookSubscription")
            .WithSummary("Subscribes a callback URL to the agency's events; the signing secret is in this answer only")
            .WithExamples(new Request("https://hooks.example.vn/procedures", [EventCatalogue.Received.Type], null, ["1.003677"], "Hệ thống một cửa", null));
        group.MapGet("/", ListAsync).WithName("ListWebhookSubscriptions").WithSummary("The agency's subscriptions (never their secrets)");
        group.MapGet("/{id:guid}", GetAsync).WithName("GetWebhookSubscription").WithSummary("One subscription (never its secret)");
        group.MapPatch("/{id:guid}", UpdateAsync).WithName("UpdateWebhookSubscription")
            .WithSummary("Changes the URL, filters, description or state (active | paused); a disabled subscription is re-enabled with state active");
        group.MapPost("/{id:guid}/pause", (Guid id, Caller caller, NpgsqlDataSource db, CallbackUrlGuard guard, HttpContext http, TimeProvider time, CancellationToken ct)
            => UpdateAsync(id, new Request(null, null, null, null, null, "paused"), caller, db, guard, http, time, ct)).WithName("PauseWebhookSubscription")
            .WithSummary("Pauses deliveries to the subscription");
        group.MapPost("/{id:guid}/resume", (Guid id, Caller caller, NpgsqlDataSource db, CallbackUrlGuard guard, HttpContext http, TimeProvider time, CancellationToken ct)
            => UpdateAsync(id, new Request(null, null, null, null, null, "active"), caller, db, guard, http, time, ct)).WithName("ResumeWebhookSubscription")
            .WithSummary("Resumes deliveries to a paused or disabled subscription");
        group.MapDelete("/{id:guid}", DeleteAsync).WithName("DeleteWebhookSubscription")
            .WithSummary("Deletes a subscription; its delivery log stays readable for the retention window");
        return app;
    }

    private static async Task<Results<Created<Created>, ProblemHttpResult>> CreateAsync(Request request, Caller caller, NpgsqlDataSource db, CallbackUrlGuard guard,
        IdempotencyContext idempotency, WebhookSecrets secrets, HttpContext http, TimeProvider time, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        if (await guard.CheckAsync(request.Url, ct) is { } urlError) errors.Add(urlError);
        var filters = Filters(request, caller, errors);
        var description = Description(request, errors);
        if (request.State is not null and not "active" and not "paused")
            errors.Add(new FieldError("state", "state", "Trạng thái phải là active hoặc paused", "State must be active or paused"));
        if (errors.Count > 0) return Problems.Validation(errors);

        var id = Guid.CreateVersion7();
        var secret = WebhookSender.NewSecret();
        var sealedSecret = secrets.Seal(secret);
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await idempotency.BeginAsync(c, ct);
        await SubscriptionStore.InsertAsync(tx, new SubscriptionStore.NewSubscription(id, caller.Agency, caller.SeesAllAgencies, caller.ClientId,
            request.Url!, sealedSecret, filters.EventTypes, filters.Agencies, filters.Procedures, description, request.State ?? "active"), ct);
        var created = new Created(id, caller.Agency, request.Url!, filters.EventTypes, filters.Agencies, filters.Procedures, description,
            request.State ?? "active", secret);
        var location = $"/api/v1/webhooks/subscriptions/{id}";
        await AuditLog.AppendAsync(tx, AuditActor.FromRequest(http, caller.ClientId, caller.Agency),
            new AuditEntry("webhook.subscription.create", id.ToString(), PersonalData: false, new { request.Url, state = request.State ?? "active" }),
            time.GetUtcNow(), ct);
        await idempotency.CompleteAsync(tx, StatusCodes.Status201Created, created with { Secret = sealedSecret }, location, ct);
        await tx.CommitAsync(ct);
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Created(location, created);
    }

    internal static string OpenStoredAnswer(HttpContext http, string stored)
    {
        var answer = System.Text.Json.Nodes.JsonNode.Parse(stored)!.AsObject();
        answer["secret"] = http.RequestServices.GetRequiredService<WebhookSecrets>().Open(answer["secret"]!.GetValue<string>());
        return answer.ToJsonString();
    }

    private static string? Description(Request request, List<FieldError> errors)
    {
        var description = TextInput.Clean(request.Description, "description", errors);
        if (description is { Length: > 500 })
            errors.Add(new FieldError("description", "max-length", "Mô tả tối đa 500 ký tự", "The description is at most 500 characters"));
        return description;
    }

    private sealed record FilterSet(string[] EventTypes, string[] Agencies, string[] Procedures);

    private static FilterSet Filters(Request request, Caller caller, List<FieldError> errors)
    {
        var types = request.EventTypes ?? [];
        if (types.Any(t => t is null || EventCatalogue.Find(t) is null))
            errors.Add(new FieldError("eventTypes", "known-type", "Có loại sự kiện không tồn tại (xem /asyncapi.json)",
                "An event type is unknown (see /asyncapi.json)"));
        var agencies = request.Agencies ?? [];
        if (!caller.SeesAllAgencies && agencies.Any(a => a != caller.Agency))
            errors.Add(new FieldError("agencies", "own-agency", "Chỉ được đăng ký sự kiện của cơ quan mình", "Only your own agency's events can be subscribed to"));
        var procedures = request.Procedures ?? [];
        if (types.Length > 50 || agencies.Length > 50 || procedures.Length > 200
            || agencies.Concat(procedures).Any(v => string.IsNullOrWhiteSpace(v) || v.Length > 50 || TextInput.Check(v, out _) != TextInput.Problem.None))
            errors.Add(new FieldError("filters", "filter-values", "Bộ lọc không hợp lệ (tối đa 50 mã, mỗi mã tối đa 50 ký tự)",
                "Invalid filters (at most 50 codes, each at most 50 characters)"));
        return new FilterSet(types.Distinct().ToArray(), agencies.Distinct().ToArray(), procedures.Distinct().ToArray());
    }

    private static async Task<Ok<List>> ListAsync(Caller caller, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        var items = await c.QueryAsync<Row>(new CommandDefinition($"SELECT {Columns} FROM webhook_subscriptions WHERE {Owned} ORDER BY created_at",
            new { caller.Agency, caller.SeesAllAgencies }, cancellationToken: ct));
        return TypedResults.Ok(new List(items.Select(r => r.ToView()).ToList()));
    }

    private static async Task<Results<Ok<View>, NotFound>> GetAsync(Guid id, Caller caller, HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        var view = await FindAsync(c, id, caller, ct);
        if (view is null) await MarkIfForeignAsync(db, http, caller, id, ct);
        return view is null ? TypedResults.NotFound() : TypedResults.Ok(view);
    }

    internal static async Task<View?> FindAsync(NpgsqlConnection c, Guid id, Caller caller, CancellationToken ct, NpgsqlTransaction? tx = null)
        => (await c.QuerySingleOrDefaultAsync<Row>(new CommandDefinition($"SELECT {Columns} FROM webhook_subscriptions WHERE id = @id AND {Owned}",
            new { id, caller.Agency, caller.SeesAllAgencies }, tx, cancellationToken: ct)))?.ToView();

    private static async Task<Results<Ok<View>, NotFound, ProblemHttpResult>> UpdateAsync(Guid id, Request request, Caller caller, NpgsqlDataSource db, CallbackUrlGuard guard,
        HttpContext http, TimeProvider time, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        if (request.Url is not null && await guard.CheckAsync(request.Url, ct) is { } urlError) errors.Add(urlError);
        var filters = Filters(request, caller, errors);
        var description = Description(request, errors);
        if (request.State is not null and not "active" and not "paused")
            errors.Add(new FieldError("state", "state", "Trạng thái phải là active hoặc paused", "State must be active or paused"));
        if (errors.Count > 0) return Problems.Validation(errors);

        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var updated = await SubscriptionStore.UpdateAsync(tx, id, new SubscriptionStore.Change(request.Url,
            request.EventTypes is null ? null : filters.EventTypes, request.Agencies is null ? null : filters.Agencies,
            request.Procedures is null ? null : filters.Procedures, description, request.State), caller.Agency, caller.SeesAllAgencies, ct);
        if (!updated)
        {
            await MarkIfForeignAsync(db, http, caller, id, ct);
            return TypedResults.NotFound();
        }
        var action = request.State switch { "paused" => "webhook.subscription.pause", "active" => "webhook.subscription.resume", _ => "webhook.subscription.change" };
        await AuditLog.AppendAsync(tx, AuditActor.FromRequest(http, caller.ClientId, caller.Agency),
            new AuditEntry(action, id.ToString(), PersonalData: false, new { request.Url, request.State }), time.GetUtcNow(), ct);
        var view = await FindAsync(c, id, caller, ct, tx);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(view!);
    }

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(Guid id, Caller caller, NpgsqlDataSource db, HttpContext http, TimeProvider time,
        CancellationToken ct)
    {
        await using var c = await db.OpenConnectionAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        if (!await SubscriptionStore.DeleteAsync(tx, id, caller.Agency, caller.SeesAllAgencies, ct))
        {
            await MarkIfForeignAsync(db, http, caller, id, ct);
            return TypedResults.NotFound();
        }
        await AuditLog.AppendAsync(tx, AuditActor.FromRequest(http, caller.ClientId, caller.Agency),
            new AuditEntry("webhook.subscription.delete", id.ToString(), PersonalData: false), time.GetUtcNow(), ct);
        await tx.CommitAsync(ct);
        return TypedResults.NoContent();
    }
}

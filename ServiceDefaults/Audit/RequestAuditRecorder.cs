using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Procedures.Messaging.Audit;
using Procedures.ServiceDefaults.Security;

namespace Procedures.ServiceDefaults.Audit;

/// <summary>
/// The audit log's safety net and security-event recorder, wrapped around the whole pipeline of every service with a
/// database of its own (AddServiceMessaging). Once a request is answered it appends, in a transaction of its own, an entry for (see
/// <see cref="RequestAuditDecision"/>): a write whose handler wrote none (action = the operation, resource = the route
/// values, detail = method, path and answer status), and security events (401, 403 for a missing scope, a cross-agency
/// refusal a handler marked). A failing audit write is logged and counted, never turned into an error answer. It runs
/// before the answer completes, so an entry is there when the caller has its answer.
/// </summary>
internal sealed class RequestAuditRecorder(
    RequestDelegate next, NpgsqlDataSource db, TimeProvider time, SecurityEventBudget budget, ILogger<RequestAuditRecorder> logger)
{
    /// <summary>Who acts when no valid token came (401s, public operations without one).</summary>
    public const string Anonymous = "anonymous";

    private static readonly TimeSpan WriteTimeout = TimeSpan.FromSeconds(5);

    public async Task InvokeAsync(HttpContext http)
    {
        var mark = RequestAuditMark.Of(http);
        await next(http);

        var endpoint = http.GetEndpoint();
        var refusal = CrossAgency.RefusalOf(http);
        var kind = RequestAuditDecision.Decide(new RequestFacts(http.Request.Method, http.Response.StatusCode,
            ReachedOperation(endpoint, http.Request.Method), mark.Appended, mark.Forbidden, refusal is not null));
        if (kind == RequestAuditKind.None) return;

        var (client, agency) = CallerOf(http, kind);
        if (kind != RequestAuditKind.Write && !budget.TryTake(client != Anonymous ? "client:" + client : "ip:" + http.Connection.RemoteIpAddress))
        {
            SecurityEvents.Count(kind, "suppressed");
            return;
        }

        var entry = kind == RequestAuditKind.Write
            ? new AuditEntry(OperationOf(endpoint, http.Request.Method), TargetOf(http), PersonalData: false, new WriteDetail(
                http.Request.Method, http.Request.Path.Value ?? "", http.Response.StatusCode, RouteValuesOf(http)))
            : new AuditEntry(RequestAuditDecision.ActionOf(kind), refusal?.Resource ?? http.Request.Path.Value ?? "/", PersonalData: false,
                new SecurityDetail(ReasonOf(http, kind), http.Request.Method, http.Request.Path.Value ?? "", http.Response.StatusCode,
                    endpoint?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName, refusal?.OwnerAgency));
        try
        {
            using var timeout = new CancellationTokenSource(WriteTimeout);
            await using var connection = await db.OpenConnectionAsync(timeout.Token);
            await using var tx = await connection.BeginTransactionAsync(timeout.Token);
            await AuditLog.AppendAsync(tx, AuditActor.FromRequest(http, client, agency), entry, time.GetUtcNow(), timeout.Token);
            await tx.CommitAsync(timeout.Token);
            if (kind != RequestAuditKind.Write)
            {
                SecurityEvents.Count(kind, "audited");
                logger.LogWarning("Security event {Action}: client {ClientId}, agency {Agency}, {Method} {Path} answered {Status}",
                    entry.Action, client, agency, http.Request.Method, http.Request.Path.Value, http.Response.StatusCode);
            }
        }
        catch (Exception ex)
        {
            // The answer is already decided (and maybe sent): the audit gap is logged and counted, the caller is not failed.
            if (kind != RequestAuditKind.Write) SecurityEvents.Count(kind, "audit-failed");
            SecurityEvents.CountFailure(kind);
            logger.LogError(ex, "Audit entry {Action} on {Resource} could not be written", entry.Action, entry.Resource);
        }
    }

    /// <summary>Routing picked one of our operations for this method (not its 405/415 refusal, not an unknown path).</summary>
    private static bool ReachedOperation(Endpoint? endpoint, string method)
        => endpoint?.Metadata.GetMetadata<IHttpMethodMetadata>() is { } methods
           && methods.HttpMethods.Contains(method, StringComparer.OrdinalIgnoreCase)
           && endpoint.DisplayName is not ("405 HTTP Method Not Supported" or "415 HTTP Unsupported Media Type");

    /// <summary>The token's client and agency; "anonymous" when none was valid (an invalid token's claims are not trusted).</summary>
    private static (string Client, string Agency) CallerOf(HttpContext http, RequestAuditKind kind)
    {
        if (kind == RequestAuditKind.Unauthenticated || http.User.Identity?.IsAuthenticated != true) return (Anonymous, Anonymous);
        var caller = Caller.From(http.User, new HashSet<string>());
        return (NonEmpty(caller.ClientId), NonEmpty(caller.Agency));
    }

    private static string NonEmpty(string value) => string.IsNullOrWhiteSpace(value) ? Anonymous : value;

    /// <summary>The operation's name (its OpenAPI operationId), else the method and route pattern.</summary>
    private static string OperationOf(Endpoint? endpoint, string method)
        => endpoint?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName
           ?? $"{method} {(endpoint as RouteEndpoint)?.RoutePattern.RawText ?? endpoint?.DisplayName}";

    /// <summary>One route value (a dossier code, a subscription id) as it is, several as name=value pairs, none: the path.</summary>
    public static string TargetOf(HttpContext http)
    {
        var values = RouteValuesOf(http);
        return values.Count switch
        {
            0 => http.Request.Path.Value is { Length: > 0 } path ? path : "/",
            1 => values.Values.Single() is { Length: > 0 } single ? single : "/",
            _ => string.Join('&', values.Select(v => $"{v.Key}={v.Value}")),
        };
    }

    private static SortedDictionary<string, string> RouteValuesOf(HttpContext http)
        => new(http.Request.RouteValues.Where(v => v.Value is not null)
            .ToDictionary(v => v.Key, v => Convert.ToString(v.Value, CultureInfo.InvariantCulture) ?? ""), StringComparer.Ordinal);

    private static string ReasonOf(HttpContext http, RequestAuditKind kind) => kind switch
    {
        // A 401 with a token sent means the token was refused (the reason stays with the token handler, as RFC 6750 wants).
        RequestAuditKind.Unauthenticated => http.Request.Headers.Authorization.Count == 0 ? "missing-token" : "invalid-token",
        RequestAuditKind.Forbidden => "missing-scope",
        _ => "foreign-agency-resource",
    };

    private sealed record WriteDetail(string Method, string Path, int Status, IReadOnlyDictionary<string, string> RouteValues);

    private sealed record SecurityDetail(string Reason, string Method, string Path, int Status, string? Operation, string? OwnerAgency);
}

/// <summary>Marks requests authorization forbade (an authenticated caller without the scope), then answers as the default does.</summary>
internal sealed class AuthorizationOutcomeMarker : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _inner = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden) RequestAuditMark.Of(context).Forbidden = true;
        return _inner.HandleAsync(next, context, policy, authorizeResult);
    }
}

/// <summary>Puts the recorder outside every other middleware, so it sees the final status, 401 and 403 included.</summary>
internal sealed class RequestAuditStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<RequestAuditRecorder>();
        next(app);
    };
}

public static class RequestAuditRegistration
{
    /// <summary>The request audit recorder (safety net for writes, security events) around the service's HTTP pipeline.</summary>
    public static IHostApplicationBuilder AddRequestAudit(this IHostApplicationBuilder builder)
    {
        var perMinute = builder.Configuration.GetValue(SecurityEventBudget.Setting, SecurityEventBudget.DefaultPerMinute);
        builder.Services.AddSingleton(new SecurityEventBudget(perMinute));
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuthorizationOutcomeMarker>();
        builder.Services.AddSingleton<IStartupFilter, RequestAuditStartupFilter>();
        return builder;
    }
}

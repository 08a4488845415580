using System.Security.Cryptography;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Procedures.ServiceDefaults.Idempotency;

/// <summary>Endpoint metadata: this POST creates something and takes an Idempotency-Key.</summary>
public sealed class RequiresIdempotencyKey : OpenApi.IAcceptsIdempotencyKey;

/// <summary>
/// Endpoint metadata: the answer was stored in a protected form (e.g. a secret sealed, <see cref="IdempotencyContext.CompleteAsync"/>)
/// and this turns the stored JSON back into the answer to replay.
/// </summary>
public sealed class ReplayedAnswer(Func<HttpContext, string, string> restore)
{
    public string Restore(HttpContext http, string stored) => restore(http, stored);
}

/// <summary>
/// Idempotency-Key for creating POSTs: same key + same body replays the first answer; same key + another body
/// is 422; a request with that key committed while this one was under way is answered like a later retry. Keys are per
/// client. The middleware only reads (a key already answered is answered here); the handler claims the key as the first
/// statement of its own transaction (<see cref="IdempotencyContext.BeginAsync"/>) and stores the answer in it
/// (<see cref="IdempotencyContext.CompleteAsync"/>), so a request costs one commit and a refusal or failure leaves the key
/// free. The keys live in the service's own database, in <c>messaging.idempotency</c>: Messaging's migration
/// Sql/0003_idempotency.sql creates it (a migration never moves) and MessagingRetention prunes it.
/// </summary>
public static class IdempotencyMiddleware
{
    public const string Header = "Idempotency-Key";

    public static TBuilder RequireIdempotencyKey<TBuilder>(this TBuilder endpoint) where TBuilder : IEndpointConventionBuilder
        => endpoint.WithMetadata(new RequiresIdempotencyKey());

    /// <summary>Idempotency-Key, with the stored answer restored by <paramref name="restore"/> before a replay.</summary>
    public static TBuilder RequireIdempotencyKey<TBuilder>(this TBuilder endpoint, Func<HttpContext, string, string> restore)
        where TBuilder : IEndpointConventionBuilder
        => endpoint.WithMetadata(new RequiresIdempotencyKey(), new ReplayedAnswer(restore));

    public static IApplicationBuilder UseIdempotencyKeys(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<RequiresIdempotencyKey>() is null || http.User.Identity?.IsAuthenticated != true)
        {
            await next(http);
            return;
        }
        var key = http.Request.Headers[Header].ToString();
        if (key.Length is 0 or > 255 || key.Any(c => c is < '!' or > '~'))
        {
            await Problem(http, 400, "idempotency-key-required", "Thiếu hoặc sai tiêu đề Idempotency-Key (1–255 ký tự ASCII in được)",
                "The Idempotency-Key header is missing or invalid (1–255 printable ASCII characters)");
            return;
        }
        var clientId = http.User.FindFirst("client_id")?.Value ?? http.User.FindFirst("sub")?.Value ?? "";
        var hash = await RequestHashAsync(http.Request);
        var db = http.RequestServices.GetRequiredService<NpgsqlDataSource>();

        // A read, not a write: a key already answered (or still leased by a claim committed without an answer) is answered here.
        if (await AnswerIfKnownAsync(http, db, clientId, key, hash)) return;

        var context = http.RequestServices.GetRequiredService<IdempotencyContext>();
        context.ClientId = clientId;
        context.Key = key;
        context.RequestHash = hash;
        try
        {
            await next(http);
        }
        catch (IdempotencyKeyTaken) when (!http.Response.HasStarted)
        {
            // The handler's claim waited for a request with the same key, which committed: its transaction (and with it
            // everything this request had begun) rolled back. Answer as to a retry arriving now.
            if (!await AnswerIfKnownAsync(http, db, clientId, key, hash)) await InFlight(http);
        }
    });

    /// <summary>Answers from the key's committed record: 422 for another body, the stored answer, 409 while leased.</summary>
    private static async Task<bool> AnswerIfKnownAsync(HttpContext http, NpgsqlDataSource db, string clientId, string key, byte[] hash)
    {
        Previous? previous;
        await using (var connection = await db.OpenConnectionAsync(http.RequestAborted))
            previous = await connection.QuerySingleOrDefaultAsync<Previous>(new CommandDefinition("""
                SELECT request_hash AS RequestHash, state, locked_until > now() AS Locked, response_status AS Status,
                       response_body AS Body, response_location AS Location
                FROM messaging.idempotency WHERE client_id = @clientId AND key = @key
                """, new { clientId, key }, cancellationToken: http.RequestAborted));
        if (previous is null) return false;
        if (!previous.RequestHash.AsSpan().SequenceEqual(hash))
            await Problem(http, 422, "idempotency-key-reused", "Idempotency-Key đã dùng cho một yêu cầu khác",
                "This Idempotency-Key was used with a different request");
        else if (previous.State == "completed")
            await ReplayAsync(http, previous);
        else if (previous.Locked)
            await InFlight(http);
        else
            return false; // a claim committed without an answer whose lease ran out: the handler's claim takes it over
        return true;
    }

    private static Task InFlight(HttpContext http)
    {
        // Retry-After: by then the first request has finished, or its lease (30 s at most) has run out.
        http.Response.Headers.RetryAfter = "5";
        return Problem(http, 409, "idempotency-key-in-flight", "Yêu cầu với Idempotency-Key này đang được xử lý",
            "A request with this Idempotency-Key is still in flight");
    }

    private static async Task<byte[]> RequestHashAsync(HttpRequest request)
    {
        request.EnableBuffering();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(System.Text.Encoding.UTF8.GetBytes($"{request.Method} {request.Path}\n"));
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, request.HttpContext.RequestAborted)) > 0) sha.AppendData(buffer, 0, read);
        request.Body.Position = 0;
        return sha.GetHashAndReset();
    }

    private static async Task ReplayAsync(HttpContext http, Previous previous)
    {
        http.Response.StatusCode = previous.Status ?? 200;
        http.Response.Headers["Idempotent-Replayed"] = "true";
        if (previous.Location is not null) http.Response.Headers.Location = previous.Location;
        http.Response.ContentType = "application/json; charset=utf-8";
        var body = previous.Body ?? "null";
        if (previous.Body is not null && http.GetEndpoint()?.Metadata.GetMetadata<ReplayedAnswer>() is { } answer)
            body = answer.Restore(http, previous.Body);
        await http.Response.WriteAsync(body);
    }

    private static Task Problem(HttpContext http, int status, string slug, string vi, string en)
    {
        var problem = Problems.Create(status, slug, vi, en);
        problem.Extensions["errors"] = new[] { new FieldError(Header, slug, vi, en) };
        return ProblemWriter.WriteAsync(http, problem);
    }

    private sealed record Previous(byte[] RequestHash, string State, bool Locked, int? Status, string? Body, string? Location);
}

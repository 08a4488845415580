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
/// is 422; a request still in flight with that key is 409. Keys are per client. A claim whose request died
/// before committing (lease expired) can be taken over, because nothing of it committed. The keys live in the service's own
/// database, in <c>messaging.idempotency</c>: Messaging's migration Sql/0003_idempotency.sql creates it (a migration never
/// moves) and MessagingRetention prunes it.
/// </summary>
public static class IdempotencyMiddleware
{
    public const string Header = "Idempotency-Key";
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

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
        var ct = http.RequestAborted;

        await using (var connection = await db.OpenConnectionAsync(ct))
        {
            var claimed = await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO messaging.idempotency (client_id, key, request_hash, state, locked_until)
                VALUES (@clientId, @key, @hash, 'in-flight', now() + @lease) ON CONFLICT DO NOTHING
                """, new { clientId, key, hash, lease = Lease }, cancellationToken: ct)) == 1;
            if (!claimed)
            {
                var previous = await connection.QuerySingleAsync<Previous>(new CommandDefinition("""
                    SELECT request_hash AS RequestHash, state, locked_until > now() AS Locked, response_status AS Status,
                           response_body AS Body, response_location AS Location
                    FROM messaging.idempotency WHERE client_id = @clientId AND key = @key
                    """, new { clientId, key }, cancellationToken: ct));
                if (!previous.RequestHash.AsSpan().SequenceEqual(hash))
                {
                    await Problem(http, 422, "idempotency-key-reused", "Idempotency-Key đã dùng cho một yêu cầu khác",
                        "This Idempotency-Key was used with a different request");
                    return;
                }
                if (previous.State == "completed")
                {
                    await ReplayAsync(http, previous);
                    return;
                }
                var takenOver = previous.Locked ? 0 : await connection.ExecuteAsync(new CommandDefinition("""
                    UPDATE messaging.idempotency SET locked_until = now() + @lease
                    WHERE client_id = @clientId AND key = @key AND state = 'in-flight' AND locked_until <= now()
                    """, new { clientId, key, lease = Lease }, cancellationToken: ct));
                if (takenOver == 0)
                {
                    // Retry-After: by then the first request has finished, or its lease (30 s at most) has run out.
                    http.Response.Headers.RetryAfter = "5";
                    await Problem(http, 409, "idempotency-key-in-flight", "Yêu cầu với Idempotency-Key này đang được xử lý",
                        "A request with this Idempotency-Key is still in flight");
                    return;
                }
            }
        }

        var context = http.RequestServices.GetRequiredService<IdempotencyContext>();
        context.ClientId = clientId;
        context.Key = key;
        try
        {
            await next(http);
        }
        finally
        {
            if (!context.Completed)
            {
                // The handler committed nothing under this key (refused input or failure): free it for a retry. If the
                // database cannot be reached for that either, the lease frees it later; the request's own failure (not
                // this one) is what the caller must see.
                try
                {
                    await using var connection = await db.OpenConnectionAsync(CancellationToken.None);
                    await connection.ExecuteAsync(
                        "DELETE FROM messaging.idempotency WHERE client_id = @clientId AND key = @key AND state = 'in-flight'",
                        new { clientId, key });
                }
                catch (NpgsqlException) { }
            }
        }
    });

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

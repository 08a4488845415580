using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Procedures.ServiceDefaults;

/// <summary>
/// Writes a problem outside the endpoint's own results (authentication, rate limit, status pages, exceptions, middleware),
/// so that every error has the same shape: the trace id, <c>application/problem+json</c> whatever the Accept header asks
/// for, Vietnamese text as letters rather than escapes, and for 401 the RFC 6750 challenge.
/// </summary>
public static class ProblemWriter
{
    /// <summary>Web defaults; every letter as itself (HTML-significant characters stay escaped).</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    public static Task WriteAsync(HttpContext http, ProblemDetails problem, CancellationToken ct = default)
    {
        AddTraceId(http, problem);
        http.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        if (http.Response.StatusCode == StatusCodes.Status401Unauthorized && !http.Response.Headers.ContainsKey("WWW-Authenticate"))
            http.Response.Headers.WWWAuthenticate = "Bearer";
        return http.Response.WriteAsJsonAsync(problem, Json, "application/problem+json", ct);
    }

    /// <summary>The W3C trace id, the one the dashboard shows (the request's identifier when the trace was not sampled).</summary>
    public static void AddTraceId(HttpContext http, ProblemDetails problem)
        => problem.Extensions["traceId"] = System.Diagnostics.Activity.Current?.TraceId.ToString() ?? http.TraceIdentifier;
}

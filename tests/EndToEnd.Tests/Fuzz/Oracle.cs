using System.Text.Json;

namespace Procedures.EndToEnd.Tests.Fuzz;

/// <summary>
/// What every answer must look like: no 5xx, no redirect, no HTML; a 4xx is RFC 9457 problem details
/// (<c>application/problem+json</c> with a <c>type</c>) — except the stand-in external systems in the sandbox, which
/// answer in their own documented formats: <c>/connect/token</c> as RFC 6749 §5.2 (<c>{"error": …}</c>) and
/// <c>/portal/…</c> as the national portal (<c>{"error_code", "message"}</c>). Those may also answer problem details
/// when the framework refuses a request before their handler runs (unreadable body, unknown route).
/// </summary>
public static class Oracle
{
    public const string ProjectProblemPrefix = "urn:procedures:problem:";

    private static readonly HashSet<string> OAuthErrors =
    [
        "invalid_request", "invalid_client", "invalid_grant", "unauthorized_client", "unsupported_grant_type", "invalid_scope",
    ];

    public enum Format { ProblemDetails, OAuthTokenError, NationalPortal }

    public static Format FormatFor(string path)
    {
        if (path.StartsWith("/connect/token", StringComparison.OrdinalIgnoreCase)) return Format.OAuthTokenError;
        if (path.StartsWith("/portal/", StringComparison.OrdinalIgnoreCase)) return Format.NationalPortal;
        return Format.ProblemDetails;
    }

    public sealed record Verdict(string? Violation, string? ProblemType, string? CreatedDossierCode, string? Note = null);

    /// <summary>Note on answers the HTTP server wrote itself, before the application saw the request.</summary>
    public const string ServerLevelRejection = "refused by Kestrel before the application (NUL in the path)";

    public static Verdict Judge(FuzzRequest request, int status, string? mediaType, byte[] body, bool fromApplication)
    {
        // Kestrel refuses a request target whose decoded path holds NUL with a bare 400 of its own, before any middleware
        // runs: no application code can make that problem details. Allowed (counted and listed in the report) only for
        // exactly that: NUL in the path, 400, empty, none of the application's headers. Note that an empty answer
        // without the application's headers is not proof enough on its own: the exception handler clears headers too.
        if (status == 400 && body.Length == 0 && mediaType is null && !fromApplication &&
            request.Path.Contains("%00", StringComparison.Ordinal))
            return new Verdict(null, null, null, ServerLevelRejection);

        JsonElement? json = null;
        try
        {
            if (body.Length > 0) json = JsonDocument.Parse(body).RootElement.Clone();
        }
        catch (JsonException)
        {
        }

        var problemType = mediaType == "application/problem+json" && json is { ValueKind: JsonValueKind.Object } p &&
                          p.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
            ? t.GetString()
            : null;
        string? created = null;
        if (status == 201 && json is { ValueKind: JsonValueKind.Object } c && c.TryGetProperty("dossierCode", out var code) &&
            code.ValueKind == JsonValueKind.String)
            created = code.GetString();

        string? violation = null;
        if (status >= 500)
            violation = $"5xx ({status})";
        else if (status is >= 300 and < 400)
            violation = $"redirect ({status})";
        else if (mediaType is "text/html" && !(status is >= 200 and < 300 && IsHtmlDocument(request.Path)))
            violation = "HTML answer from an API"; // a printable document (receipt.html) may answer HTML; nothing else, and no error
        else if (status is >= 200 and < 300 && mediaType is not null && mediaType.Contains("json", StringComparison.Ordinal) && body.Length > 0 && json is null)
            violation = "2xx with unparsable JSON";
        else if (status >= 400)
            violation = Check4xx(request, status, mediaType, json, problemType);
        return new Verdict(violation, problemType, created);
    }

    /// <summary>Endpoints that serve a printable HTML document by design (the receipt, form 01).</summary>
    private static bool IsHtmlDocument(string path) => path.Split('?')[0].EndsWith(".html", StringComparison.Ordinal);

    private static string? Check4xx(FuzzRequest request, int status, string? mediaType, JsonElement? json, string? problemType)
    {
        var problem = ProblemIssue(status, mediaType, json);
        if (problem is null) return null;
        switch (FormatFor(request.Path))
        {
            case Format.OAuthTokenError:
                if (mediaType == "application/json" && json is { ValueKind: JsonValueKind.Object } o &&
                    o.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String && OAuthErrors.Contains(error.GetString()!))
                    return null;
                return $"{status} neither problem details nor an RFC 6749 §5.2 error ({problem})";
            case Format.NationalPortal:
                if (json is { ValueKind: JsonValueKind.Object } portal && portal.TryGetProperty("error_code", out _) && portal.TryGetProperty("message", out _))
                    return null;
                return $"{status} neither problem details nor the portal's {{error_code, message}} ({problem})";
            default:
                return $"{status} not problem details ({problem})";
        }
    }

    /// <summary>Null when the answer is problem details, else what is wrong with it.</summary>
    private static string? ProblemIssue(int status, string? mediaType, JsonElement? json)
    {
        if (mediaType != "application/problem+json") return $"Content-Type {mediaType ?? "none"}";
        if (json is not { ValueKind: JsonValueKind.Object } problem) return "body is not a JSON object";
        if (!problem.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(type.GetString()))
            return "no type";
        if (problem.TryGetProperty("status", out var s) && (!s.TryGetInt32(out var value) || value != status))
            return $"status member {s.GetRawText()} differs from {status}";
        return null;
    }
}

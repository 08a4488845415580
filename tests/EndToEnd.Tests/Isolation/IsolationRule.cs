using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Procedures.EndToEnd.Tests.Isolation;

/// <summary>What was sent and what came back, as the rule judges it.</summary>
public sealed record IsolationAnswer(int Status, string Body, string Headers, string? ProblemType)
{
    /// <summary>The answer without its trace id (the only part two identical refusals may differ in).</summary>
    public string Shape
    {
        get
        {
            try
            {
                if (JsonNode.Parse(Body) is JsonObject o)
                {
                    o.Remove("traceId");
                    return $"{Status} {o.ToJsonString()}";
                }
            }
            catch (JsonException)
            {
            }
            return $"{Status} {Body}";
        }
    }
}

/// <summary>
/// README's isolation rule, written once: another agency never reads a byte of an agency's data; naming another agency's
/// resource is answered exactly as an unknown one of the same kind (404); a token without the operation's scope is 403
/// <c>forbidden</c>; a public operation tells another agency no more than an anonymous caller.
/// </summary>
public static class IsolationRule
{
    private const string Forbidden = "urn:procedures:problem:forbidden";

    /// <summary>The secrets of A (label: value) found in an answer, leaving out those the request itself carried.</summary>
    public static IReadOnlyList<string> Leaks(IsolationAnswer answer, string request, IReadOnlyDictionary<string, string> secrets)
    {
        var text = answer.Body + "\n" + answer.Headers;
        return secrets.Where(s => !Forms(s.Value).Any(f => request.Contains(f, StringComparison.OrdinalIgnoreCase))
                                  && Forms(s.Value).Any(f => text.Contains(f, StringComparison.OrdinalIgnoreCase)))
            .Select(s => s.Key).ToList();
    }

    /// <summary>A value as an answer may write it: plain, JSON-escaped, HTML-encoded, URL-encoded.</summary>
    public static IEnumerable<string> Forms(string value)
    {
        yield return value;
        yield return JsonSerializer.Serialize(value)[1..^1];
        yield return JsonSerializer.Serialize(value, new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping })[1..^1];
        yield return WebUtility.HtmlEncode(value);
        yield return Uri.EscapeDataString(value);
    }

    /// <summary>Agency B holding the operation's scope, on an operation that names A's resource: refused exactly as an unknown one.</summary>
    public static string? ForeignResource(IsolationAnswer foreign, IsolationAnswer unknown)
    {
        if (foreign.Status is >= 200 and < 300) return $"answered {foreign.Status} for another agency's resource";
        if (foreign.Status == 403 && foreign.ProblemType == Forbidden) return null;
        if (foreign.Status is < 400 or >= 500) return $"answered {foreign.Status} for another agency's resource";
        // Normally 404; a request refused before any look-up (its body invalid for anyone, say) gets that same refusal for
        // an unknown id: indistinguishable either way.
        return foreign.Shape == unknown.Shape ? null : $"refused unlike an unknown one: {Cut(foreign.Shape)} vs {Cut(unknown.Shape)}";
    }

    /// <summary>A token without any of the operation's scopes.</summary>
    public static string? MissingScope(IsolationAnswer answer)
        => answer.Status == 403 && answer.ProblemType == Forbidden ? null : $"answered {answer.Status} {answer.ProblemType}; a missing scope is 403 forbidden";

    /// <summary>Any answer: never a server error (a 5xx would hide what the rule is meant to show).</summary>
    public static string? NoServerError(IsolationAnswer answer) => answer.Status >= 500 ? $"answered {answer.Status}" : null;

    /// <summary>A public operation: B's token gets the same status as no token, and no secret the anonymous answer lacks.</summary>
    public static string? NoMoreThanAnonymous(IsolationAnswer asB, IReadOnlyList<string> leaksB, IsolationAnswer anonymous, IReadOnlyList<string> leaksAnonymous)
    {
        if (asB.Status != anonymous.Status) return $"answered {asB.Status} to agency B but {anonymous.Status} to an anonymous caller";
        var extra = leaksB.Except(leaksAnonymous).ToList();
        return extra.Count == 0 ? null : $"shows agency B what it does not show anyone: {string.Join(", ", extra)}";
    }

    private static string Cut(string s) => s.Length <= 200 ? s : s[..200] + "…";
}

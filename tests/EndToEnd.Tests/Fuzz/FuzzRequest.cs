using System.Text;

namespace Procedures.EndToEnd.Tests.Fuzz;

/// <summary>One generated request, reproducible from (seed, target, index); <see cref="Mutation"/> says what is hostile about it.</summary>
public sealed record FuzzRequest(
    int Index,
    string Target,
    string Service,
    string Method,
    string PathAndQuery,
    byte[]? Body,
    string? ContentType,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    string Auth,
    string? Authorization,
    string Mutation)
{
    /// <summary>The services' request body limit (Hardening.MaxRequestBodyBytes default).</summary>
    public const int BodyLimit = 1024 * 1024;

    /// <summary>The path without the query, for choosing the answer format the endpoint is documented to use.</summary>
    public string Path => PathAndQuery.Split('?', 2)[0];

    public HttpRequestMessage ToMessage(Uri baseAddress)
    {
        // Sent byte for byte: no dot-segment removal or re-escaping by System.Uri.
        var uri = new Uri(baseAddress.GetLeftPart(UriPartial.Authority) + PathAndQuery,
            new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        var message = new HttpRequestMessage(new HttpMethod(Method), uri);
        if (Body is not null || ContentType is not null)
        {
            var content = new ByteArrayContent(Body ?? []);
            if (ContentType is not null) content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            message.Content = content;
            // Large bodies ask first, so a server that refuses them by Content-Length need not swallow megabytes.
            if (Body is { Length: > 512 * 1024 }) message.Headers.ExpectContinue = true;
            // The server may close the connection instead of reading an over-limit body: keep that off the pool.
            if (Body is { Length: > BodyLimit }) message.Headers.ConnectionClose = true;
        }
        if (Authorization is not null) message.Headers.TryAddWithoutValidation("Authorization", Authorization);
        foreach (var (name, value) in Headers)
        {
            if (name.Equals("Content-Encoding", StringComparison.OrdinalIgnoreCase))
                message.Content?.Headers.TryAddWithoutValidation(name, value);
            else
                message.Headers.TryAddWithoutValidation(name, value);
        }
        return message;
    }

    /// <summary>Readable, bounded description of the body for reports.</summary>
    public string BodyPreview(int max = 160)
    {
        if (Body is null) return ContentType is null ? "(no body)" : $"(empty, {ContentType})";
        var text = Preview.Of(Body, max);
        return $"{ContentType ?? "(no content type)"} {Body.Length} B: {text}";
    }
}

public static class Preview
{
    /// <summary>The first bytes as text, with controls, invalid UTF-8 and long runs of one character made visible.</summary>
    public static string Of(byte[] bytes, int max)
    {
        var text = new UTF8Encoding(false, false).GetString(bytes, 0, Math.Min(bytes.Length, max * 4));
        return Of(text, max) + (bytes.Length > max * 4 ? "…" : "");
    }

    public static string Of(string text, int max)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < text.Length && sb.Length < max; i++)
        {
            var c = text[i];
            var run = 1;
            while (i + run < text.Length && text[i + run] == c) run++;
            if (run >= 16)
            {
                sb.Append(Visible(c)).Append($"×{run}");
                i += run - 1;
                continue;
            }
            sb.Append(Visible(c));
        }
        if (sb.Length >= max) sb.Append('…');
        return sb.ToString();
    }

    private static string Visible(char c) => c switch
    {
        '\r' => "\\r",
        '\n' => "\\n",
        '\t' => "\\t",
        '\ufffd' => "�",
        _ when char.IsControl(c) || char.IsSurrogate(c) => $"\\u{(int)c:x4}",
        _ => c.ToString(),
    };
}

/// <summary>How a request authenticates: a label for reports and the Authorization header value (or none).</summary>
public sealed record AuthChoice(string Label, string? Authorization, int Weight);

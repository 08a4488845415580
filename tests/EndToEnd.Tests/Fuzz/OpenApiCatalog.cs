using System.Text.Json;

namespace Procedures.EndToEnd.Tests.Fuzz;

/// <summary>A parameter of an operation: where it goes (path, query, header) and its schema, if documented.</summary>
public sealed record FuzzParameter(string Name, string In, bool Required, JsonElement? Schema);

/// <summary>One operation of one service as its OpenAPI document describes it.</summary>
public sealed record FuzzEndpoint(
    string Service,
    string Method,
    string Path,
    IReadOnlyList<FuzzParameter> Parameters,
    JsonElement? BodySchema,
    IReadOnlyList<string> BodyMediaTypes,
    OpenApiDocument Document)
{
    public string Key => $"{Service} {Method} {Path}";

    public IEnumerable<FuzzParameter> In(string location) => Parameters.Where(p => p.In == location);
}

/// <summary>An OpenAPI 3.1 document with <c>$ref</c> resolution inside it.</summary>
public sealed class OpenApiDocument(string service, JsonElement root)
{
    public string Service { get; } = service;
    public JsonElement Root { get; } = root;

    /// <summary>Follows local <c>$ref</c>s (<c>#/components/...</c>); a foreign or broken one resolves to an empty schema.</summary>
    public JsonElement Resolve(JsonElement element)
    {
        for (var hops = 0; hops < 32 && element.ValueKind == JsonValueKind.Object && element.TryGetProperty("$ref", out var reference); hops++)
        {
            var target = reference.GetString() ?? "";
            if (!target.StartsWith("#/", StringComparison.Ordinal)) return EmptySchema;
            var node = Root;
            foreach (var raw in target[2..].Split('/'))
            {
                var part = Uri.UnescapeDataString(raw).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
                if (node.ValueKind != JsonValueKind.Object || !node.TryGetProperty(part, out node)) return EmptySchema;
            }
            element = node;
        }
        return element;
    }

    private static readonly JsonElement EmptySchema = JsonDocument.Parse("{}").RootElement;
}

/// <summary>
/// Discovers the endpoints to fuzz from each service's own <c>/openapi/v1.json</c>, so operations added later are
/// fuzzed without touching the test.
/// </summary>
public static class OpenApiCatalog
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "options", "head", "trace"];

    public static async Task<IReadOnlyList<FuzzEndpoint>> DiscoverAsync(string service, HttpClient client, CancellationToken ct)
    {
        using var response = await client.GetAsync("/openapi/v1.json", ct);
        response.EnsureSuccessStatusCode();
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct)).RootElement.Clone();
        return Parse(service, root);
    }

    public static IReadOnlyList<FuzzEndpoint> Parse(string service, JsonElement root)
    {
        var document = new OpenApiDocument(service, root);
        var endpoints = new List<FuzzEndpoint>();
        if (!root.TryGetProperty("paths", out var paths) || paths.ValueKind != JsonValueKind.Object) return endpoints;
        foreach (var path in paths.EnumerateObject())
        {
            var item = document.Resolve(path.Value);
            var shared = ParametersOf(document, item);
            foreach (var method in Methods)
            {
                if (!item.TryGetProperty(method, out var operation)) continue;
                var parameters = new List<FuzzParameter>(shared);
                foreach (var p in ParametersOf(document, operation))
                {
                    parameters.RemoveAll(x => x.Name == p.Name && x.In == p.In);
                    parameters.Add(p);
                }
                // A path parameter named in the template but not documented is still a parameter.
                foreach (var name in TemplateNames(path.Name).Where(n => parameters.All(p => p.Name != n || p.In != "path")))
                    parameters.Add(new FuzzParameter(name, "path", true, null));

                JsonElement? bodySchema = null;
                var mediaTypes = new List<string>();
                if (operation.TryGetProperty("requestBody", out var body))
                {
                    body = document.Resolve(body);
                    if (body.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var media in content.EnumerateObject())
                        {
                            mediaTypes.Add(media.Name);
                            if (media.Value.TryGetProperty("schema", out var schema) &&
                                (bodySchema is null || media.Name.Contains("json", StringComparison.OrdinalIgnoreCase)))
                                bodySchema = schema;
                        }
                    }
                }
                endpoints.Add(new FuzzEndpoint(service, method.ToUpperInvariant(), path.Name, parameters, bodySchema, mediaTypes, document));
            }
        }
        return endpoints;
    }

    private static IEnumerable<FuzzParameter> ParametersOf(OpenApiDocument document, JsonElement owner)
    {
        if (!owner.TryGetProperty("parameters", out var list) || list.ValueKind != JsonValueKind.Array) yield break;
        foreach (var raw in list.EnumerateArray())
        {
            var p = document.Resolve(raw);
            var name = p.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
            var location = p.TryGetProperty("in", out var i) ? i.GetString() ?? "query" : "query";
            var required = p.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.True;
            JsonElement? schema = p.TryGetProperty("schema", out var s) ? s : null;
            if (name.Length > 0) yield return new FuzzParameter(name, location, required, schema);
        }
    }

    public static IEnumerable<string> TemplateNames(string template)
    {
        var at = 0;
        while ((at = template.IndexOf('{', at)) >= 0)
        {
            var end = template.IndexOf('}', at);
            if (end < 0) yield break;
            // Route constraints and catch-alls ({*rest}, {id:int}) as ASP.NET writes them are reduced to the name.
            yield return template[(at + 1)..end].TrimStart('*').Split(':', '=', '?')[0];
            at = end + 1;
        }
    }
}

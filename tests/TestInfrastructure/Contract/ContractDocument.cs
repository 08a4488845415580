using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Procedures.TestInfrastructure.Contract;

/// <summary>One documented operation: the method and path template as the document writes them.</summary>
public sealed record ContractOperation(string Service, string Method, string Template)
{
    public override string ToString() => $"{Method} {Template}";
}

/// <summary>What a request path and method found in a document.</summary>
/// <param name="Operation">The operation that answers, or null.</param>
/// <param name="PathKnown">Whether some template matched the path (then a null operation means the method is not documented).</param>
public sealed record RouteMatch(ContractOperation? Operation, bool PathKnown);

/// <summary>
/// A service's OpenAPI 3.1 document as the contract check reads it: the operations with their path templates, and per
/// operation, status and media type the response schema, compiled with JsonSchema.Net (OpenAPI 3.1 schemas are JSON Schema
/// 2020-12). The document's <c>components/schemas</c> become the <c>$defs</c> of one schema registered under a base URI of
/// its own, and every <c>#/components/schemas/X</c> reference is rewritten to point there, so references resolve the
/// same way from any response schema.
/// </summary>
public sealed class ContractDocument
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "options", "head", "trace"];
    private const string ComponentSchemas = "#/components/schemas/";
    private static readonly ConcurrentDictionary<string, Lazy<ContractDocument?>> Committed = new(StringComparer.Ordinal);

    private readonly JsonObject _root;
    private readonly List<(ContractOperation Operation, PathTemplate Path, JsonObject Node)> _operations = [];
    private readonly Uri _base;
    private readonly BuildOptions _build;
    private readonly ConcurrentDictionary<string, Lazy<JsonSchema>> _schemas = new(StringComparer.Ordinal);

    private ContractDocument(string service, JsonObject root)
    {
        Service = service;
        _root = root;
        _base = new Uri($"https://contract.procedures.invalid/{Uri.EscapeDataString(service)}/openapi.json");
        if (root["paths"] is JsonObject paths)
            foreach (var (template, item) in paths)
            {
                if (Resolve(item) is not JsonObject pathItem) continue;
                foreach (var method in Methods)
                    if (pathItem[method] is JsonObject operation)
                        _operations.Add((new ContractOperation(service, method.ToUpperInvariant(), template), new PathTemplate(template), operation));
            }
        Operations = _operations.Select(o => o.Operation).ToList();

        var defs = new JsonObject();
        if (root["components"]?["schemas"] is JsonObject schemas)
            foreach (var (name, schema) in schemas) defs[name] = Rewrite(schema);
        var registry = new SchemaRegistry();
        _build = new BuildOptions { SchemaRegistry = registry };
        var components = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema", ["$id"] = _base.ToString(), ["$defs"] = defs,
        };
        var all = JsonSchema.FromText(components.ToJsonString(), _build);
        if (registry.Get(_base) is null) registry.Register(all);
    }

    public string Service { get; }

    /// <summary>Every documented operation, in document order.</summary>
    public IReadOnlyList<ContractOperation> Operations { get; }

    /// <summary>Where the committed document of a service lives: docs/openapi/{service}.json.</summary>
    public static string CommittedPath(string service) => Path.Combine(RepositoryRoot.Path, "docs", "openapi", service + ".json");

    /// <summary>The committed document of a service, read once per test process; null when there is none.</summary>
    public static ContractDocument? ForService(string service)
        => Committed.GetOrAdd(service, s => new Lazy<ContractDocument?>(() =>
            File.Exists(CommittedPath(s)) ? Parse(s, File.ReadAllText(CommittedPath(s))) : null)).Value;

    public static ContractDocument Parse(string service, string json)
        => new(service, JsonNode.Parse(json) as JsonObject ?? throw new InvalidDataException($"{service}: the OpenAPI document is not a JSON object"));

    /// <summary>
    /// The operation a request reaches, as routing picks it: among templates matching the path and documenting the
    /// method, the most specific; none when the path or the method is not documented.
    /// </summary>
    public RouteMatch Match(string method, string path)
    {
        var segments = PathTemplate.SegmentsOf(path);
        var candidates = _operations.Where(o => o.Path.Matches(segments)).ToList();
        var best = candidates.Where(o => o.Operation.Method.Equals(method, StringComparison.OrdinalIgnoreCase))
            .Order(Comparer<(ContractOperation Operation, PathTemplate Path, JsonObject Node)>.Create((a, b) => PathTemplate.CompareSpecificity(a.Path, b.Path)))
            .Select(o => o.Operation).FirstOrDefault();
        return new RouteMatch(best, candidates.Count > 0);
    }

    /// <summary>
    /// What is wrong with an answer of <paramref name="operation"/>: an undocumented status, a JSON body of a media type
    /// the status does not document, a body that is not JSON although it says so, or one its schema refuses.
    /// Empty when it conforms. <paramref name="body"/> is the text of a JSON body, null for any other.
    /// </summary>
    public IReadOnlyList<(string Kind, IReadOnlyList<string> Details)> Check(ContractOperation operation, int status, string? mediaType, string? body)
    {
        var node = _operations.First(o => o.Operation == operation).Node;
        var responses = Resolve(node["responses"]) as JsonObject ?? [];
        var statusKey = responses.Select(r => r.Key).FirstOrDefault(k => k == status.ToString(System.Globalization.CultureInfo.InvariantCulture))
            ?? responses.Select(r => r.Key).FirstOrDefault(k => k.Length == 3 && k[0] == (char)('0' + status / 100) && k[1..].Equals("XX", StringComparison.OrdinalIgnoreCase))
            ?? responses.Select(r => r.Key).FirstOrDefault(k => k == "default");
        if (statusKey is null)
            return [("undocumented-status", [$"documented: {(responses.Count == 0 ? "no status" : string.Join(", ", responses.Select(r => r.Key)))}"])];
        if (body is null) return []; // no body, or not JSON: nothing to validate against a JSON Schema
        var content = Resolve(responses[statusKey])?["content"] as JsonObject ?? [];
        var mediaKey = MediaKey(content, mediaType!);
        if (mediaKey is null)
            return [("undocumented-media-type", [$"{mediaType} for {statusKey}; documented: {(content.Count == 0 ? "no body" : string.Join(", ", content.Select(c => c.Key)))}"])];
        if (content[mediaKey]?["schema"] is not { } schemaNode) return [];

        JsonDocument instance;
        try { instance = JsonDocument.Parse(body); }
        catch (JsonException e) { return [("invalid-json", [e.Message])]; }
        using (instance)
        {
            var key = $"{operation}|{statusKey}|{mediaKey}";
            var schema = _schemas.GetOrAdd(key, _ => new Lazy<JsonSchema>(() => Compile(schemaNode))).Value;
            var result = schema.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
            if (result.IsValid) return [];
            return [("schema", Errors(result).Distinct().DefaultIfEmpty("the body does not match the schema").ToList())];
        }
    }

    /// <summary>
    /// Every example in the document (request bodies and responses) that its own schema refuses, named by operation,
    /// place and media type with the first errors; and how many examples there are.
    /// </summary>
    public (int Examples, IReadOnlyList<string> Refused) CheckExamples()
    {
        var refused = new List<string>();
        var count = 0;
        foreach (var (operation, _, node) in _operations)
        {
            var bodies = new List<(string Where, JsonNode? Content)> { ("request", Resolve(node["requestBody"])?["content"]) };
            bodies.AddRange((Resolve(node["responses"]) as JsonObject ?? []).Select(r => (r.Key, Resolve(r.Value)?["content"])));
            foreach (var (where, content) in bodies)
            foreach (var (media, value) in content as JsonObject ?? [])
            {
                if (value?["schema"] is not { } schemaNode || value["example"] is not { } example) continue;
                count++;
                var schema = _schemas.GetOrAdd($"{operation}|{where}|{media}", _ => new Lazy<JsonSchema>(() => Compile(schemaNode))).Value;
                using var instance = JsonDocument.Parse(example.ToJsonString());
                var result = schema.Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.Hierarchical });
                if (!result.IsValid) refused.Add($"{operation} {where} {media}: {string.Join("; ", Errors(result).Distinct().Take(3))}");
            }
        }
        return (count, refused);
    }

    /// <summary>
    /// The errors of failing nodes only, descending only into failing nodes: a branch that failed inside a oneOf/anyOf
    /// that passed (the null branch of a nullable reference) explains nothing.
    /// </summary>
    private static IEnumerable<string> Errors(EvaluationResults node)
    {
        if (node.IsValid) yield break;
        var at = node.InstanceLocation.ToString() is "" ? "(root)" : node.InstanceLocation.ToString();
        foreach (var (_, message) in node.Errors ?? new Dictionary<string, string>()) yield return $"{at}: {message}";
        var details = node.Details ?? [];
        foreach (var error in details.SelectMany(Errors)) yield return error;
        // JsonSchema.Net gives no message when a oneOf fails because several alternatives match (e.g. null against
        // oneOf [null, an enum that lists null too]): say so, rather than nothing.
        if (node.Errors is not { Count: > 0 } && details.All(d => d.IsValid))
        {
            var matched = details.Where(d => d.EvaluationPath.ToString().Contains("/oneOf/", StringComparison.Ordinal)).ToList();
            yield return matched.Count > 1
                ? $"{at}: matches {matched.Count} alternatives of the oneOf at {node.EvaluationPath}, exactly one expected"
                : $"{at}: fails the schema at {node.EvaluationPath}";
        }
    }

    private JsonSchema Compile(JsonNode schema)
    {
        var rewritten = Rewrite(schema);
        // An object schema gets the document's dialect; a boolean one (true/false) is a schema as it is.
        if (rewritten is JsonObject o) o["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        return JsonSchema.FromText(rewritten.ToJsonString(), _build);
    }

    /// <summary>The document key for a media type: exact, then type/*, then */*; case-insensitive.</summary>
    private static string? MediaKey(JsonObject content, string mediaType)
        => content.Select(c => c.Key).FirstOrDefault(k => k.Equals(mediaType, StringComparison.OrdinalIgnoreCase))
           ?? content.Select(c => c.Key).FirstOrDefault(k => k.EndsWith("/*", StringComparison.Ordinal) && k != "*/*"
               && mediaType.StartsWith(k[..^1], StringComparison.OrdinalIgnoreCase))
           ?? content.Select(c => c.Key).FirstOrDefault(k => k == "*/*");

    /// <summary>A copy with every <c>#/components/schemas/…</c> reference made absolute under this document's base URI.</summary>
    private JsonNode Rewrite(JsonNode? node)
    {
        var copy = node?.DeepClone() ?? JsonValue.Create(true);
        Walk(copy);
        return copy;

        void Walk(JsonNode? n)
        {
            switch (n)
            {
                case JsonObject obj:
                    foreach (var (name, value) in obj.ToList())
                    {
                        if (name == "$ref" && value is JsonValue v && v.TryGetValue<string>(out var reference) && reference.StartsWith(ComponentSchemas, StringComparison.Ordinal))
                            obj[name] = _base + "#/$defs/" + reference[ComponentSchemas.Length..];
                        else Walk(value);
                    }
                    break;
                case JsonArray array:
                    foreach (var item in array) Walk(item);
                    break;
            }
        }
    }

    /// <summary>Follows local <c>$ref</c>s of response, path-item and other OpenAPI objects (not schemas) inside the document.</summary>
    private JsonNode? Resolve(JsonNode? node)
    {
        for (var hops = 0; hops < 16 && node is JsonObject o && o["$ref"] is JsonValue r && r.TryGetValue<string>(out var target) && target.StartsWith("#/", StringComparison.Ordinal); hops++)
        {
            JsonNode? at = _root;
            foreach (var raw in target[2..].Split('/'))
                at = (at as JsonObject)?[raw.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)];
            node = at;
        }
        return node;
    }
}

using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Procedures.ServiceDefaults.Security;

namespace Procedures.ServiceDefaults.OpenApi;

/// <summary>Endpoint metadata: statuses this operation answers with a problem beyond those every operation of its kind has.</summary>
public sealed record DocumentedProblems(int Status, IReadOnlyList<string> Types);

/// <summary>Endpoint metadata: this operation accepts an Idempotency-Key (replay, 409 in flight, 422 reused).</summary>
public interface IAcceptsIdempotencyKey;

/// <summary>
/// Documents every error an operation can answer, from what the endpoint is: authenticated (401), scoped (403), with a
/// body (400, 413, 415), with parameters (400; 404 for a resource in the path), with an Idempotency-Key (400, 409, 422), and
/// rate-limited and database-backed like every operation (429, 503), plus what the endpoint declares itself
/// (<see cref="ProblemDocumentationExtensions.ProducesProblems"/>). Every error answer has one schema, <c>Problem</c>, and its
/// description lists the problem types that status may carry.
/// </summary>
internal static class ProblemDocumentation
{
    public const string SchemaId = "Problem";
    public const string FieldErrorSchemaId = "FieldError";

    /// <summary>What each status means and the problem types every operation may answer with it.</summary>
    private static readonly Dictionary<int, (string Text, string[] Types)> Common = new()
    {
        [400] = ("Invalid input; `errors` names each field or parameter and the rule it broke", ["validation", "malformed-request", "invalid-data", "invalid-characters"]),
        [401] = ("No valid access token (RFC 6750: `WWW-Authenticate: Bearer`)", ["unauthenticated"]),
        [403] = ("The token lacks the scope this operation needs", ["forbidden"]),
        [404] = ("Unknown, or another agency's (the two are indistinguishable)", ["not-found"]),
        [409] = ("Conflicts with the current state", ["conflict"]),
        [413] = ("The request body is larger than this operation accepts", ["body-too-large"]),
        [415] = ("The request body's media type (or its charset) is not accepted", ["unsupported-media-type"]),
        [422] = ("The Idempotency-Key was used before with another request body", ["idempotency-key-reused"]),
        [429] = ("Too many requests from this client; retry after `Retry-After` seconds", ["rate-limited"]),
        [503] = ("The database is busy or out of reach; retry after `Retry-After` seconds with the same Idempotency-Key", ["database-busy"]),
    };

    public static Task Document(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken _)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var isPublic = metadata.OfType<Microsoft.AspNetCore.Authorization.IAllowAnonymous>().Any();
        var parameters = context.Description.ParameterDescriptions;
        var hasBody = operation.RequestBody is not null;
        var idempotent = metadata.OfType<IAcceptsIdempotencyKey>().Any();
        var statuses = new Dictionary<int, List<string>>();
        void Add(int status, params string[] types)
        {
            if (!statuses.TryGetValue(status, out var list)) statuses[status] = list = [.. Common.GetValueOrDefault(status).Types ?? []];
            list.AddRange(types.Where(t => !list.Contains(t)));
        }

        // Every request passes the text guard (control characters or invalid Unicode in the path or query: 400) and the
        // charset check (a Content-Type whose charset is not UTF-8: 415), whatever its operation takes.
        Add(400);
        Add(415);
        if (!isPublic) Add(401);
        if (metadata.OfType<RequiredScopes>().Any()) Add(403);
        if (parameters.Any(p => p.Source == BindingSource.Path)) Add(404);
        if (hasBody) Add(413);
        if (idempotent)
        {
            Add(400, "idempotency-key-required");
            Add(409, "idempotency-key-in-flight");
            Add(422);
        }
        Add(429);
        Add(503);
        foreach (var declared in metadata.OfType<DocumentedProblems>()) Add(declared.Status, [.. declared.Types]);
        // Statuses the endpoint declared with ProducesProblem keep their place and get the shared schema.
        foreach (var (code, _) in operation.Responses ?? [])
            if (int.TryParse(code, out var status) && status >= 400) Add(status);

        operation.Responses ??= [];
        foreach (var (status, types) in statuses.OrderBy(s => s.Key))
        {
            // A status the endpoint declared with a body of its own (a stand-in's foreign format, an HTML page) keeps it, and
            // gets the problem beside it (the guards in front of every endpoint answer with a problem).
            if (operation.Responses.TryGetValue(Code(status), out var declared) && declared.Content is { Count: > 0 } own
                && !own.ContainsKey("application/problem+json"))
            {
                own["application/problem+json"] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(SchemaId, context.Document) };
                continue;
            }
            var text = Common.TryGetValue(status, out var common) ? common.Text : Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
            operation.Responses[Code(status)] = new OpenApiResponse
            {
                Description = $"{text}. Problem types: {string.Join(", ", types.Select(t => $"`{Problems.TypePrefix}{t}`"))}.",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(SchemaId, context.Document) },
                },
            };
        }
        // In status order, as a reader scans them.
        var ordered = operation.Responses.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        operation.Responses.Clear();
        foreach (var (code, response) in ordered) operation.Responses[code] = response;
        return Task.CompletedTask;
    }

    private static string Code(int status) => status.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The one problem-details schema (RFC 9457 with our members), and its field errors.</summary>
    public static Task AddSchemas(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken _)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        static OpenApiSchema Text(string description, bool nullable = false) => new()
        {
            Type = nullable ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String, Description = description,
        };
        document.Components.Schemas[FieldErrorSchemaId] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "One field or parameter that broke one rule.",
            Required = new HashSet<string> { "field", "rule", "vi", "en" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["field"] = Text("The member (JSON path without `$.`, e.g. `applicant.citizenId`) or parameter name"),
                ["rule"] = Text("The rule, e.g. required, format, max-length, unknown-member, type"),
                ["vi"] = Text("The message in Vietnamese"),
                ["en"] = Text("The message in English"),
            },
        };
        document.Components.Schemas[SchemaId] = new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Description = "RFC 9457 problem details. `type` is stable per cause (`urn:procedures:problem:…`); `title` carries Vietnamese and English, also apart in `title_vi` and `title_en`; some problems add members of their own.",
            Required = new HashSet<string> { "type", "title", "status", "title_vi", "title_en", "traceId" },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^urn:procedures:problem:[a-z0-9-]+$" },
                ["title"] = Text("Vietnamese / English"),
                ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
                ["detail"] = Text("What happened in this case", nullable: true),
                ["instance"] = Text("The request path", nullable: true),
                ["title_vi"] = Text("The title in Vietnamese"),
                ["title_en"] = Text("The title in English"),
                ["traceId"] = Text("The W3C trace id of this request (find it in the dashboard's traces)"),
                ["errors"] = new OpenApiSchema
                {
                    Type = JsonSchemaType.Array, Items = new OpenApiSchemaReference(FieldErrorSchemaId, document),
                    Description = "Each field or parameter that broke a rule",
                },
            },
        };
        return Task.CompletedTask;
    }
}

public static class ProblemDocumentationExtensions
{
    /// <summary>Documents that this operation also answers <paramref name="status"/> with the given problem types (slugs).</summary>
    public static TBuilder ProducesProblems<TBuilder>(this TBuilder endpoint, int status, params string[] types)
        where TBuilder : IEndpointConventionBuilder
        => endpoint.WithMetadata(new DocumentedProblems(status, types));
}

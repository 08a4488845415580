using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests.Notifications;

/// <summary>
/// What an integrator has: the AsyncAPI document and the JSON Schemas kept in the repository, nothing of our code.
/// Finds the exchange, the routing-key words and each message type's schema from the document alone.
/// </summary>
internal sealed class PublicDocs
{
    public static readonly string AsyncApiPath = Path.Combine(RepositoryRoot.Path, "docs", "asyncapi.json");
    public static readonly string SchemaFolder = Path.Combine(RepositoryRoot.Path, "docs", "event-schemas");

    private readonly JsonNode _doc = JsonNode.Parse(File.ReadAllText(AsyncApiPath))!;

    public string Exchange => _doc["channels"]!["dossierEvents"]!["bindings"]!["amqp"]!["exchange"]!["name"]!.GetValue<string>();

    public string ContentType => _doc["defaultContentType"]!.GetValue<string>();

    /// <summary>Every message type the document announces (from the AMQP message bindings).</summary>
    public IReadOnlyList<string> MessageTypes => _doc["components"]!["messages"]!.AsObject()
        .Select(m => m.Value!["bindings"]!["amqp"]!["messageType"]!.GetValue<string>()).ToList();

    /// <summary>The payload schema of the message whose type is <paramref name="type"/>, following the document's $ref.</summary>
    public JsonSchema SchemaFor(string type)
    {
        var message = _doc["components"]!["messages"]!.AsObject()
            .Single(m => m.Value!["bindings"]!["amqp"]!["messageType"]!.GetValue<string>() == type).Value!;
        var reference = message["payload"]!["$ref"]!.GetValue<string>(); // #/components/schemas/{name}
        var schema = _doc["components"]!["schemas"]![reference.Split('/')[^1]]!;
        return JsonSchema.FromText(schema.ToJsonString(), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
    }

    /// <summary>Validates one received event against the schema of its own type; returns the errors (empty when valid).</summary>
    public IReadOnlyList<string> Validate(string cloudEventJson)
    {
        using var json = JsonDocument.Parse(cloudEventJson);
        var type = json.RootElement.GetProperty("type").GetString()!;
        var result = SchemaFor(type).Evaluate(json.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        return result.IsValid ? [] : (result.Details ?? []).Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).DefaultIfEmpty("invalid").ToList();
    }
}

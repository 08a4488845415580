using System.Collections.Concurrent;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;

namespace Procedures.ServiceDefaults.OpenApi;

/// <summary>
/// Schema names in the API description. The default is the bare type name, so every feature's nested <c>Request</c> and
/// <c>Response</c> collapsed into one schema per document and operations pointed at each other's bodies. A nested type is
/// named with its declaring types (<c>Submit.Request</c> → <c>SubmitRequest</c>); two types that still end up with one name
/// fail the document (an error at the first request for it, caught by the document tests) instead of sharing a schema.
/// </summary>
public sealed class SchemaIds
{
    private readonly ConcurrentDictionary<string, Type> _owners = new(StringComparer.Ordinal);

    /// <summary>Free JSON: named for what a client gets, not for the .NET type that holds it.</summary>
    public const string AnyValue = "AnyValue";

    public string? Create(JsonTypeInfo info)
    {
        if ((Nullable.GetUnderlyingType(info.Type) ?? info.Type) == typeof(System.Text.Json.JsonElement)) return AnyValue;
        if (info.Type == typeof(System.Text.Json.Nodes.JsonObject)) return "AnyObject";
        var id = OpenApiOptions.CreateDefaultSchemaReferenceId(info);
        if (id is null) return null;
        var type = Nullable.GetUnderlyingType(info.Type) ?? info.Type;
        for (var outer = type.DeclaringType; outer is not null && !type.IsGenericType; outer = outer.DeclaringType)
        {
            var prefix = Plain(outer.Name);
            // Callback.CallbackAnswer stays CallbackAnswer; ReconciliationReport.Report becomes ReconciliationReport.
            if (id.StartsWith(prefix, StringComparison.Ordinal)) continue;
            id = prefix.EndsWith(id, StringComparison.Ordinal) ? prefix : prefix + id;
        }
        var owner = _owners.GetOrAdd(id, type);
        if (owner != type)
            throw new InvalidOperationException($"Two types would share the OpenAPI schema '{id}': {owner.FullName} and {type.FullName}. Rename one.");
        return id;
    }

    private static string Plain(string name) => name.IndexOf('`') is > 0 and var tick ? name[..tick] : name;
}

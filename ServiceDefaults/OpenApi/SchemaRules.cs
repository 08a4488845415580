using System.Text.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Procedures.ServiceDefaults.OpenApi;

/// <summary>Corrections to the generated schemas where they would say something the code does not do.</summary>
internal static class SchemaRules
{
    public static Task Apply(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken _)
    {
        // A record's constructor parameters are all listed as required, nullable ones too. A client may leave those out
        // (the JSON reader then gives null, and the handler's own rules say what is really required, by name), and a
        // generated client would otherwise force every optional member into every request.
        if (schema.Required is { Count: > 0 } required && schema.Properties is { } properties)
            foreach (var (name, property) in properties)
                if (required.Contains(name) && MayBeNull(property)) required.Remove(name);
        // A JsonElement holds any JSON value. Its generated schema is {}, which also matches null, so a nullable one
        // (oneOf null or JsonElement) could never validate null: exactly one of the two must match.
        if (context.JsonTypeInfo.Type == typeof(JsonElement))
            schema.Type = JsonSchemaType.Object | JsonSchemaType.Array | JsonSchemaType.String | JsonSchemaType.Number | JsonSchemaType.Boolean;
        return Task.CompletedTask;
    }

    private static bool MayBeNull(IOpenApiSchema property)
        => property.Type is { } type && type.HasFlag(JsonSchemaType.Null)
           || property.OneOf?.Any(s => s.Type is { } t && t.HasFlag(JsonSchemaType.Null)) == true
           || property.AnyOf?.Any(s => s.Type is { } t && t.HasFlag(JsonSchemaType.Null)) == true;
}

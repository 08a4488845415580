using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Procedures.ServiceDefaults.OpenApi;

/// <summary>
/// Corrections to the generated schemas where they would say something the code does not do. A document transformer, so
/// it sees the schemas as they are finally written (nullable references wrapped in oneOf, components in place).
/// </summary>
internal static class SchemaRules
{
    public static Task Apply(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken _)
    {
        foreach (var (id, schema) in document.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>())
        {
            if (schema is not OpenApiSchema concrete) continue;
            // A record's constructor parameters are all listed as required, nullable ones too. A client may leave those
            // out (the reader then gives null, and the handler's own rules say by name what is really required), and a
            // generated client would otherwise have to send every optional member.
            if (concrete.Required is { Count: > 0 } required && concrete.Properties is { } properties)
                foreach (var (name, property) in properties)
                    if (MayBeNull(property)) required.Remove(name);
            // A nullable enum is written as oneOf [null, the enum], and the enum itself lists null: null then matches both
            // alternatives, and oneOf wants exactly one. The enum alone says it.
            foreach (var (name, property) in concrete.Properties?.ToList() ?? [])
                if (property is OpenApiSchema { OneOf: [var first, OpenApiSchemaReference target] } wrapper && IsNull(first)
                    && document.Components!.Schemas!.TryGetValue(target.Reference.Id!, out var referenced)
                    && referenced.Enum?.Any(value => value is null || value.GetValueKind() == System.Text.Json.JsonValueKind.Null) == true)
                    concrete.Properties![name] = target;
            // A JsonElement holds any JSON value. Its generated schema is {}, which also matches null, so a nullable one
            // (oneOf null or JsonElement) could never validate null: exactly one of the two must match.
            if (id == SchemaIds.AnyValue && concrete.Type is null && concrete.Properties is not { Count: > 0 })
                concrete.Type = JsonSchemaType.Object | JsonSchemaType.Array | JsonSchemaType.String | JsonSchemaType.Number | JsonSchemaType.Boolean;
        }
        return Task.CompletedTask;
    }

    private static bool IsNull(IOpenApiSchema schema) => schema.Type == JsonSchemaType.Null;

    private static bool MayBeNull(IOpenApiSchema property)
        => property.Type is { } type && type.HasFlag(JsonSchemaType.Null)
           || property.OneOf?.Any(s => s.Type is { } t && t.HasFlag(JsonSchemaType.Null)) == true
           || property.AnyOf?.Any(s => s.Type is { } t && t.HasFlag(JsonSchemaType.Null)) == true;
}

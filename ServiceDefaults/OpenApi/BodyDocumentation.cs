using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Procedures.ServiceDefaults.OpenApi;

/// <summary>One field of a form body (multipart or URL-encoded): <paramref name="Type"/> is string, boolean, integer or file.</summary>
public sealed record FormField(string Name, string Type, bool Required, string Description);

/// <summary>
/// Endpoint metadata: the request body of a handler that reads it itself (a multipart upload, a form, raw bytes, a partner's
/// JSON it must see unparsed). Documented only: unlike <c>Accepts</c>, it adds no media-type check to routing, so the
/// handler keeps answering a wrong body with its own problem.
/// </summary>
public sealed record DocumentedBody(string ContentType, bool Required, IReadOnlyList<FormField> Fields, Type? JsonType = null, string? SchemaId = null);

public static class BodyDocumentationExtensions
{
    /// <summary>
    /// A form body with these fields (multipart/form-data or application/x-www-form-urlencoded), as the component schema
    /// <paramref name="schemaId"/> (so a generated client names its model after it).
    /// </summary>
    public static TBuilder DocumentsForm<TBuilder>(this TBuilder endpoint, string contentType, string schemaId, params FormField[] fields)
        where TBuilder : IEndpointConventionBuilder
        => endpoint.WithMetadata(new DocumentedBody(contentType, true, fields, SchemaId: schemaId));

    /// <summary>A body of raw bytes (e.g. a file to check), optional unless <paramref name="required"/>.</summary>
    public static TBuilder DocumentsBinaryBody<TBuilder>(this TBuilder endpoint, string contentType = "application/octet-stream", bool required = false)
        where TBuilder : IEndpointConventionBuilder
        => endpoint.WithMetadata(new DocumentedBody(contentType, required, []));

    /// <summary>A JSON body of type <typeparamref name="T"/> that the handler reads itself.</summary>
    public static TBuilder DocumentsJsonBody<T, TBuilder>(this TBuilder endpoint) where TBuilder : IEndpointConventionBuilder
        => endpoint.WithMetadata(new DocumentedBody("application/json", true, [], typeof(T)));
}

internal static class BodyDocumentation
{
    public static async Task Document(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<DocumentedBody>().LastOrDefault() is not { } body) return;
        IOpenApiSchema schema = body.JsonType is { } type
            ? await context.GetOrCreateSchemaAsync(type, null, ct)
            : body.Fields.Count == 0
                ? new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" }
                : new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Required = body.Fields.Where(f => f.Required).Select(f => f.Name).ToHashSet(),
                    Properties = body.Fields.ToDictionary(f => f.Name, f => (IOpenApiSchema)new OpenApiSchema
                    {
                        Type = f.Type switch
                        {
                            "boolean" => JsonSchemaType.Boolean,
                            "integer" => JsonSchemaType.Integer,
                            _ => JsonSchemaType.String,
                        },
                        Format = f.Type == "file" ? "binary" : null,
                        Description = f.Description,
                    }),
                };
        if (body.SchemaId is { } id && schema is OpenApiSchema form)
        {
            context.Document!.AddComponent(id, form);
            schema = new OpenApiSchemaReference(id, context.Document);
        }
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = body.Required,
            Content = new Dictionary<string, OpenApiMediaType> { [body.ContentType] = new() { Schema = schema } },
        };
    }
}

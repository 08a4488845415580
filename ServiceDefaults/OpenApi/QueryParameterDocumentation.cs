using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Procedures.ServiceDefaults.OpenApi;

/// <summary>
/// Endpoint metadata: what a query parameter the handler reads as text means, the values it takes, the value assumed
/// when it is absent and an example, for the OpenAPI document (the handler checks the value itself, answering a problem
/// naming the parameter, so the binding stays a string).
/// </summary>
public sealed record QueryParameterDoc(string Name, string Description, IReadOnlyList<string> Values, string Default, string Example);

public static class QueryParameterDocumentation
{
    /// <summary>Documents the query parameter <paramref name="name"/>: its meaning, allowed values, default and example.</summary>
    public static TBuilder DocumentsQuery<TBuilder>(this TBuilder endpoint, string name, string description, IReadOnlyList<string> values,
        string @default, string example) where TBuilder : IEndpointConventionBuilder
        => endpoint.WithMetadata(new QueryParameterDoc(name, description, values, @default, example));

    internal static Task Document(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken _)
    {
        foreach (var doc in context.Description.ActionDescriptor.EndpointMetadata.OfType<QueryParameterDoc>())
        {
            if (operation.Parameters?.OfType<OpenApiParameter>().FirstOrDefault(p => p.Name == doc.Name && p.In == ParameterLocation.Query)
                is not { } parameter)
                throw new InvalidOperationException($"{context.Description.RelativePath} documents a query parameter '{doc.Name}' it does not read.");
            parameter.Description = doc.Description;
            parameter.Example = JsonValue.Create(doc.Example);
            parameter.Schema = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Enum = doc.Values.Select(v => (JsonNode)JsonValue.Create(v)).ToList(),
                Default = JsonValue.Create(doc.Default),
            };
        }
        return Task.CompletedTask;
    }
}

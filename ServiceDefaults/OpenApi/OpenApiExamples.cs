using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;

namespace Procedures.ServiceDefaults.OpenApi;

/// <summary>Endpoint metadata: an example request body and/or response body for the OpenAPI document.</summary>
public sealed record OpenApiExample(object? Request, object? Response);

public static class OpenApiExamples
{
    /// <summary>Shows <paramref name="request"/> and <paramref name="response"/> as examples in the API description.</summary>
    public static TBuilder WithExamples<TBuilder>(this TBuilder endpoint, object? request = null, object? response = null)
        where TBuilder : IEndpointConventionBuilder
        => endpoint.WithMetadata(new OpenApiExample(request, response));

    internal static void AddExampleTransformer(OpenApiOptions options)
        => options.AddOperationTransformer((operation, context, _) =>
        {
            var example = context.Description.ActionDescriptor.EndpointMetadata.OfType<OpenApiExample>().LastOrDefault();
            if (example is null) return Task.CompletedTask;
            if (example.Request is not null && operation.RequestBody?.Content is { } requestContent)
                foreach (var media in requestContent.Values) media.Example = ToNode(example.Request);
            if (example.Response is not null && operation.Responses is { } responses)
                foreach (var (status, response) in responses)
                    if (status.StartsWith('2') && response.Content is { } content)
                        foreach (var media in content.Values) media.Example = ToNode(example.Response);
            return Task.CompletedTask;
        });

    private static JsonNode? ToNode(object value) => JsonSerializer.SerializeToNode(value, ApiJson.Options);
}

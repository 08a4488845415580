using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Procedures.ServiceDefaults.OpenApi;

/// <summary>The Idempotency-Key header where an operation takes one, and the header that marks a replayed answer.</summary>
internal static class IdempotencyKeyDocumentation
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    public static Task Document(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken _)
    {
        if (!context.Description.ActionDescriptor.EndpointMetadata.OfType<IAcceptsIdempotencyKey>().Any()) return Task.CompletedTask;
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = Header,
            In = ParameterLocation.Header,
            Required = true,
            Description = "A key the client chooses per creation (a UUID is usual), kept per client for 30 days. The same key with the same body replays the first answer (`Idempotent-Replayed: true`); with another body it is 422 `idempotency-key-reused`; while the first request is still running it is 409 `idempotency-key-in-flight` with `Retry-After`. Retry a 503 or a lost answer with the same key.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = 255, Pattern = "^[!-~]+$" },
        });
        foreach (var (status, response) in operation.Responses ?? [])
        {
            if (!status.StartsWith('2') || response is not OpenApiResponse concrete) continue;
            concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
            concrete.Headers[ReplayedHeader] = new OpenApiHeader
            {
                Description = "`true` when this answer is the stored answer of an earlier request with the same Idempotency-Key",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [System.Text.Json.Nodes.JsonValue.Create("true")] },
            };
        }
        return Task.CompletedTask;
    }
}

using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Procedures.ServiceDefaults.OpenApi;

/// <summary>
/// Instants are written by our own converter (Vietnam time, <see cref="ApiJson"/>), and the schema generator says
/// nothing about a type with a custom converter: this puts back what it is, an RFC 3339 date-time string. A query
/// parameter (<see cref="VietnamMoment"/> or an optional instant) is a string when present, so never null.
/// </summary>
internal static class InstantSchemas
{
    public static Task Apply(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken _)
    {
        var parameter = context.JsonPropertyInfo is null && context.ParameterDescription is { } p && p.Source != BindingSource.Body ? p : null;
        var type = parameter?.Type ?? context.JsonTypeInfo.Type;
        if (type != typeof(DateTimeOffset) && type != typeof(DateTimeOffset?) && type != typeof(VietnamMoment) && type != typeof(VietnamMoment?))
            return Task.CompletedTask;
        schema.Type = type == typeof(DateTimeOffset?) && parameter is null ? JsonSchemaType.String | JsonSchemaType.Null : JsonSchemaType.String;
        schema.Format = "date-time";
        schema.Properties?.Clear(); // VietnamMoment is bound from its text, not read as an object
        schema.Required?.Clear();
        return Task.CompletedTask;
    }
}

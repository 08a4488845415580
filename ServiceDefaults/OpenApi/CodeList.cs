using System.ComponentModel;
using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Procedures.ServiceDefaults.OpenApi;

/// <summary>
/// Marks an integer member that carries a code of a national code list (a dossier status, a channel): the answers and
/// the portal speak the numbers, so the member stays an integer, and the document lists the allowed values and says
/// what each one means (the enum member's name and its <see cref="DescriptionAttribute"/>, in Vietnamese).
/// Put it on a record's parameter as <c>[property: CodeList(typeof(SubmissionChannel))]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class CodeListAttribute(Type codes) : Attribute
{
    public Type Codes { get; } = codes.IsEnum ? codes : throw new ArgumentException("A code list is an enum", nameof(codes));
}

/// <summary>Writes a <see cref="CodeListAttribute"/>'s values into the member's schema: <c>enum</c> and a description.</summary>
internal static class CodeListDocumentation
{
    public static Task Apply(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken _)
    {
        if (context.JsonPropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(CodeListAttribute), false) is not [CodeListAttribute list, ..])
            return Task.CompletedTask;
        var members = list.Codes.GetFields(BindingFlags.Public | BindingFlags.Static);
        var values = members.Select(m => Convert.ToInt32(m.GetValue(null), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        schema.Enum = [.. values.Select(v => (JsonNode)JsonValue.Create(v))];
        if (schema.Type is { } type && type.HasFlag(JsonSchemaType.Null)) schema.Enum.Add(null!);
        // The values as numbers only: the reader also takes them as strings of digits, which the enum does not list.
        schema.Type = (schema.Type ?? JsonSchemaType.Integer) & ~JsonSchemaType.String;
        schema.Pattern = null;
        var meanings = members.Select((m, i) =>
            $"{values[i]} = {m.Name}{(m.GetCustomAttribute<DescriptionAttribute>() is { } d ? $" ({d.Description})" : "")}");
        schema.Description = $"{list.Codes.Name}: {string.Join("; ", meanings)}";
        return Task.CompletedTask;
    }
}

using System.ComponentModel;
using System.Reflection;
using System.Globalization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Procedures.ServiceDefaults.OpenApi;

/// <summary>
/// Marks an integer member that carries a code of a national code list (a dossier status, a channel): the answers and
/// the portal speak the numbers, so the member stays an integer, and the document says what each value means (the enum member's name and its <see cref="DescriptionAttribute"/>, in Vietnamese).
/// Put it on a record's parameter as <c>[property: CodeList(typeof(SubmissionChannel))]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class CodeListAttribute(Type codes) : Attribute
{
    public Type Codes { get; } = codes.IsEnum ? codes : throw new ArgumentException("A code list is an enum", nameof(codes));
}

/// <summary>
/// Writes a <see cref="CodeListAttribute"/>'s codes into the member's schema: a description naming each value and the
/// range they fall in. Not as <c>enum</c>: client generators (Kiota) turn an integer enum into an enum type they send and
/// read as strings ("1"), which would break every generated client reading a status.
/// </summary>
internal static class CodeListDocumentation
{
    public static Task Apply(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken _)
    {
        if (context.JsonPropertyInfo?.AttributeProvider?.GetCustomAttributes(typeof(CodeListAttribute), false) is not [CodeListAttribute list, ..])
            return Task.CompletedTask;
        var members = list.Codes.GetFields(BindingFlags.Public | BindingFlags.Static);
        var values = members.Select(m => Convert.ToInt32(m.GetValue(null), CultureInfo.InvariantCulture)).ToList();
        schema.Minimum = values.Min().ToString(CultureInfo.InvariantCulture);
        schema.Maximum = values.Max().ToString(CultureInfo.InvariantCulture);
        var meanings = members.Select((m, i) =>
            $"{values[i]} = {m.Name}{(m.GetCustomAttribute<DescriptionAttribute>() is { } d ? $" ({d.Description})" : "")}");
        schema.Description = $"{list.Codes.Name}: {string.Join("; ", meanings)}";
        return Task.CompletedTask;
    }
}

using System.Globalization;
using System.Text.Json;

namespace Procedures.EndToEnd.Tests.Fuzz;

/// <summary>
/// Produces a valid-shaped value for a JSON Schema (as OpenAPI 3.1 writes it: <c>type</c> may be an array such as
/// <c>["null","string"]</c>, integers may also admit strings), which the fuzzer then mutates. Values prefer the
/// schema's enum/const/default/example, then a caller-supplied hint by property name, then a plain value within bounds.
/// </summary>
public sealed class SchemaSampler(OpenApiDocument document, Func<string, IReadOnlyList<string>?> hintsByName)
{
    private const int MaxDepth = 8;

    public J Sample(JsonElement? schema, Random random, string? name = null, int depth = 0)
    {
        if (schema is null) return Hint(name, random) is { } hinted ? J.Str(hinted) : J.Str("x");
        var s = document.Resolve(schema.Value);
        if (s.ValueKind != JsonValueKind.Object) return J.Str("x");
        if (depth > MaxDepth) return J.Null;

        if (s.TryGetProperty("const", out var constant)) return J.Raw(constant.GetRawText());
        if (s.TryGetProperty("enum", out var choices) && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0)
        {
            var options = choices.EnumerateArray().Where(c => c.ValueKind != JsonValueKind.Null).ToList();
            if (options.Count > 0) return J.Raw(options[random.Next(options.Count)].GetRawText());
        }
        foreach (var composite in new[] { "allOf", "oneOf", "anyOf" })
        {
            if (!s.TryGetProperty(composite, out var parts) || parts.ValueKind != JsonValueKind.Array) continue;
            var branches = parts.EnumerateArray().Where(p => !IsNullOnly(document.Resolve(p))).ToList();
            if (branches.Count == 0) return J.Null;
            if (composite == "allOf")
            {
                var merged = new JObj();
                foreach (var part in branches)
                    if (Sample(part, random, name, depth + 1) is JObj o)
                        foreach (var m in o.Members) merged.Set(m.Key, m.Value);
                return merged.Members.Count > 0 ? merged : Sample(branches[0], random, name, depth + 1);
            }
            return Sample(branches[random.Next(branches.Count)], random, name, depth + 1);
        }
        if (Hint(name, random) is { } hint && TypesOf(s).Contains("string")) return J.Str(hint);
        foreach (var example in new[] { "default", "example" })
            if (s.TryGetProperty(example, out var value) && value.ValueKind != JsonValueKind.Null) return J.Raw(value.GetRawText());
        if (s.TryGetProperty("examples", out var examples) && examples.ValueKind == JsonValueKind.Array && examples.GetArrayLength() > 0)
            return J.Raw(examples[0].GetRawText());

        var types = TypesOf(s);
        var type = types.FirstOrDefault(t => t != "null")
                   ?? (s.TryGetProperty("properties", out _) ? "object" : s.TryGetProperty("items", out _) ? "array" : types.Count > 0 ? "null" : "object");
        switch (type)
        {
            case "object":
                var obj = new JObj();
                var required = s.TryGetProperty("required", out var names) && names.ValueKind == JsonValueKind.Array
                    ? names.EnumerateArray().Select(n => n.GetString()).ToHashSet()
                    : [];
                if (s.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
                    foreach (var p in properties.EnumerateObject())
                    {
                        // Optional members are left out now and then: the shortest valid shape matters as much as the fullest.
                        var include = required.Contains(p.Name) || random.NextDouble() < 0.65;
                        var value = Sample(p.Value, random, p.Name, depth + 1);
                        if (include) obj.Add(p.Name, value);
                    }
                else if (s.TryGetProperty("additionalProperties", out var extra) && extra.ValueKind == JsonValueKind.Object)
                    obj.Add("key", Sample(extra, random, "key", depth + 1));
                return obj;
            case "array":
                var array = new JArr();
                if (s.TryGetProperty("items", out var items)) array.Add(Sample(items, random, name, depth + 1));
                return array;
            case "integer":
                return J.Number((long)Bounded(s, 1));
            case "number":
                return J.Raw(Bounded(s, 0.5).ToString("R", CultureInfo.InvariantCulture));
            case "boolean":
                return J.Raw("true");
            case "null":
                return J.Null;
            default:
                return J.Str(StringFor(s));
        }
    }

    /// <summary>Plain text of a valid-shaped value, for path and query parameters.</summary>
    public string SampleText(FuzzParameter parameter, Random random)
    {
        if (Hint(parameter.Name, random) is { } hint) return hint;
        return JWriter.Text(Sample(parameter.Schema, random, null));
    }

    private string? Hint(string? name, Random random)
        => name is not null && hintsByName(name) is { Count: > 0 } hints ? hints[random.Next(hints.Count)] : null;

    public IReadOnlyList<string> TypesOf(JsonElement schema)
    {
        var s = document.Resolve(schema);
        if (!s.TryGetProperty("type", out var type)) return [];
        return type.ValueKind switch
        {
            JsonValueKind.String => [type.GetString()!],
            JsonValueKind.Array => type.EnumerateArray().Select(t => t.GetString() ?? "").ToList(),
            _ => [],
        };
    }

    private bool IsNullOnly(JsonElement schema) => TypesOf(schema) is ["null"];

    private static double Bounded(JsonElement s, double preferred)
    {
        var value = preferred;
        if (s.TryGetProperty("minimum", out var min) && min.TryGetDouble(out var lo)) value = Math.Max(value, lo);
        if (s.TryGetProperty("exclusiveMinimum", out var xmin) && xmin.TryGetDouble(out var xlo)) value = Math.Max(value, xlo + 1);
        if (s.TryGetProperty("maximum", out var max) && max.TryGetDouble(out var hi)) value = Math.Min(value, hi);
        if (s.TryGetProperty("exclusiveMaximum", out var xmax) && xmax.TryGetDouble(out var xhi)) value = Math.Min(value, xhi - 1);
        return value;
    }

    private static string StringFor(JsonElement s)
    {
        var format = s.TryGetProperty("format", out var f) ? f.GetString() : null;
        var text = format switch
        {
            "date-time" => "2025-01-31T08:00:00+07:00",
            "date" => "2025-01-31",
            "time" => "08:00:00",
            "uuid" => "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
            "uri" or "url" => "https://example.org/",
            "email" => "a@example.org",
            "int32" or "int64" => "1",
            "double" or "float" or "decimal" => "0.5",
            _ => "x",
        };
        if (s.TryGetProperty("minLength", out var minLength) && minLength.TryGetInt32(out var n) && text.Length < n)
            text = text.PadRight(Math.Min(n, 4096), 'x');
        return text;
    }
}

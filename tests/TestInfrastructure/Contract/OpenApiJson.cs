using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Procedures.TestInfrastructure.Contract;

/// <summary>How a committed OpenAPI document is written, and how two documents are compared (as JSON, not as text).</summary>
public static partial class OpenApiJson
{
    private static readonly JsonSerializerOptions Written = new()
    {
        WriteIndented = true,
        NewLine = "\n",
        // Vietnamese titles and descriptions stay readable in the file and in diffs.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Indented, members in the order given, UTF-8 text without \u escapes of letters, one trailing newline.</summary>
    public static string Format(JsonNode document) => document.ToJsonString(Written) + "\n";

    /// <summary>
    /// Where <paramref name="served"/> differs from <paramref name="committed"/>, one line per place, in document order:
    /// a member only in one of them, a different value or kind, an array of another length. Member order does not count.
    /// </summary>
    public static IEnumerable<string> Differences(JsonNode? committed, JsonNode? served, string at = "$")
    {
        switch (committed, served)
        {
            case (JsonObject c, JsonObject s):
                foreach (var (name, value) in c)
                {
                    var path = at + Member(name);
                    if (!s.ContainsKey(name)) { yield return $"{path}: only in the committed document"; continue; }
                    foreach (var d in Differences(value, s[name], path)) yield return d;
                }
                foreach (var (name, _) in s)
                    if (!c.ContainsKey(name)) yield return $"{at}{Member(name)}: only in the served document";
                break;
            case (JsonArray c, JsonArray s):
                for (var i = 0; i < Math.Min(c.Count, s.Count); i++)
                    foreach (var d in Differences(c[i], s[i], $"{at}[{i}]")) yield return d;
                if (c.Count != s.Count) yield return $"{at}: {c.Count} item(s) committed, {s.Count} served";
                break;
            default:
                if (!JsonNode.DeepEquals(committed, served))
                    yield return $"{at}: committed {Short(committed)}, served {Short(served)}";
                break;
        }
    }

    private static string Member(string name) => Identifier().IsMatch(name) ? "." + name : $"[{JsonSerializer.Serialize(name)}]";

    private static string Short(JsonNode? node)
    {
        var text = node?.ToJsonString() ?? "null";
        return text.Length <= 80 ? text : text[..80] + "…";
    }

    [GeneratedRegex("^[A-Za-z_$][A-Za-z0-9_$-]*$")]
    private static partial Regex Identifier();
}

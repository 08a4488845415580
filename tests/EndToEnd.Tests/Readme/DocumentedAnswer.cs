using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Procedures.Contracts;

namespace Procedures.EndToEnd.Tests.Readme;

/// <summary>
/// A README answer comment, <c># → 201 {"dossierCode":"26740.H29-261129-0001","status":1,...} (prose)</c>: the status,
/// then optionally the JSON a reader should see, then optionally prose. The JSON is README shorthand, read as the
/// README says: <c>...</c> as the last member or item = more may follow; a bare <c>…</c> value = any value; <c>…</c> inside
/// a string = any text there (<c>"eyJ…"</c>). Values that differ on every run by nature are matched by shape: a dossier
/// code matches any code of the same receiving unit, a UUID any UUID. Everything else must be equal, and an object or
/// array without <c>...</c> must have exactly the members or items shown.
/// </summary>
public sealed partial record DocumentedAnswer(int Status, string? Json)
{
    private const string More = "\u0001more";
    private const string Any = "\u0001any";

    public static DocumentedAnswer Parse(string comment)
    {
        var m = AnswerPattern().Match(comment);
        if (!m.Success) throw new FormatException($"Not an answer comment (`# → STATUS [JSON] [prose]`): {comment}");
        var rest = m.Groups["rest"].Value.TrimStart();
        string? json = null;
        if (rest.Length > 0 && rest[0] is '{' or '[')
            json = rest[..JsonLength(rest)];
        return new DocumentedAnswer(int.Parse(m.Groups["status"].Value, System.Globalization.CultureInfo.InvariantCulture), json);
    }

    /// <summary>Where each status or shown field differs from the actual answer; empty when it matches.</summary>
    public IReadOnlyList<string> Mismatches(int status, string body)
    {
        var found = new List<string>();
        if (status != Status) found.Add($"status {status}, documented {Status}");
        if (Json is null) return found;
        JsonElement expected, actual;
        try { expected = JsonDocument.Parse(ToJson(Json)).RootElement; }
        catch (JsonException e) { found.Add($"the documented JSON does not parse ({e.Message})"); return found; }
        try { actual = JsonDocument.Parse(body).RootElement; }
        catch (JsonException) { found.Add($"the answer is not JSON: {Short(body)}"); return found; }
        Compare(expected, actual, "$", found);
        return found;
    }

    private static void Compare(JsonElement expected, JsonElement actual, string path, List<string> found)
    {
        if (expected.ValueKind == JsonValueKind.String && expected.GetString() == Any) return;
        switch (expected.ValueKind)
        {
            case JsonValueKind.Object when actual.ValueKind == JsonValueKind.Object:
                var open = false;
                foreach (var member in expected.EnumerateObject())
                {
                    if (member.Name == More) { open = true; continue; }
                    if (actual.TryGetProperty(member.Name, out var value)) Compare(member.Value, value, $"{path}.{member.Name}", found);
                    else found.Add($"{path}.{member.Name} missing");
                }
                if (!open)
                    foreach (var extra in actual.EnumerateObject().Where(a => !expected.TryGetProperty(a.Name, out _)))
                        found.Add($"{path}.{extra.Name} not documented (add it or end the object with ...)");
                return;
            case JsonValueKind.Array when actual.ValueKind == JsonValueKind.Array:
                var items = expected.EnumerateArray().ToList();
                var actualItems = actual.EnumerateArray().ToList();
                if (items.RemoveAll(i => i.ValueKind == JsonValueKind.String && i.GetString() == More) > 0)
                {
                    // "[a, ...]": each shown item is somewhere in the answer.
                    foreach (var (item, n) in items.Select((item, n) => (item, n)))
                        if (!actualItems.Any(a => Matches(item, a)))
                            found.Add($"{path}[{n}] {item.GetRawText()} not among the {actualItems.Count} items");
                    return;
                }
                if (items.Count != actualItems.Count) { found.Add($"{path} has {actualItems.Count} items, documented {items.Count}"); return; }
                for (var i = 0; i < items.Count; i++) Compare(items[i], actualItems[i], $"{path}[{i}]", found);
                return;
            case JsonValueKind.String when actual.ValueKind == JsonValueKind.String:
                if (!StringMatches(expected.GetString()!, actual.GetString()!))
                    found.Add($"{path} is \"{actual.GetString()}\", documented \"{expected.GetString()}\"");
                return;
            case JsonValueKind.Number when actual.ValueKind == JsonValueKind.Number:
                if (expected.GetDecimal() != actual.GetDecimal()) found.Add($"{path} is {actual}, documented {expected}");
                return;
            default:
                if (expected.ValueKind != actual.ValueKind || expected.GetRawText() != actual.GetRawText())
                    found.Add($"{path} is {Short(actual.GetRawText())}, documented {expected.GetRawText()}");
                return;
        }
    }

    private static bool Matches(JsonElement expected, JsonElement actual)
    {
        var found = new List<string>();
        Compare(expected, actual, "", found);
        return found.Count == 0;
    }

    private static bool StringMatches(string expected, string actual)
    {
        if (expected.Contains('…'))
            return Regex.IsMatch(actual, "^" + string.Join(".*", expected.Split('…').Select(Regex.Escape)) + "$", RegexOptions.Singleline);
        if (DossierCode.TryParse(expected, out _))
            return DossierCode.TryParse(actual, out _) && Unit(actual) == Unit(expected);
        if (Guid.TryParseExact(expected, "D", out _)) return Guid.TryParseExact(actual, "D", out _);
        return expected == actual;
    }

    private static string Unit(string code) => code[..code.LastIndexOf('-', code.LastIndexOf('-') - 1)];

    /// <summary>The shorthand as JSON: "..." items and members become markers, bare "…" values the any-value marker.</summary>
    private static string ToJson(string shorthand)
    {
        var json = new StringBuilder();
        var inString = false;
        var containers = new Stack<char>();
        for (var i = 0; i < shorthand.Length; i++)
        {
            var c = shorthand[i];
            if (inString)
            {
                json.Append(c);
                if (c == '\\') json.Append(shorthand[++i]);
                else if (c == '"') inString = false;
                continue;
            }
            var ellipsis = c == '…' ? 1 : string.CompareOrdinal(shorthand, i, "...", 0, 3) == 0 ? 3 : 0;
            if (ellipsis > 0)
            {
                var previous = json.ToString().TrimEnd().LastOrDefault();
                json.Append(previous == ':' ? Quoted(Any) : containers.Peek() == '{' ? Quoted(More) + ":true" : Quoted(More));
                i += ellipsis - 1;
                continue;
            }
            if (c == '"') inString = true;
            else if (c is '{' or '[') containers.Push(c);
            else if (c is '}' or ']') containers.Pop();
            json.Append(c);
        }
        return json.ToString();
    }

    private static string Quoted(string marker) => JsonSerializer.Serialize(marker);

    /// <summary>The length of the JSON-like text at the start of <paramref name="text"/> (to its closing bracket).</summary>
    private static int JsonLength(string text)
    {
        var depth = 0;
        var inString = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inString) { if (c == '\\') i++; else if (c == '"') inString = false; }
            else if (c == '"') inString = true;
            else if (c is '{' or '[') depth++;
            else if (c is '}' or ']' && --depth == 0) return i + 1;
        }
        throw new FormatException($"The documented JSON does not close: {text}");
    }

    private static string Short(string text) => text.Length <= 300 ? text : text[..300] + "…";

    [GeneratedRegex(@"^#\s*→\s*(?<status>\d{3})\b(?<rest>.*)$", RegexOptions.Singleline)]
    private static partial Regex AnswerPattern();
}

using System.Text.RegularExpressions;

namespace Procedures.EndToEnd.Tests.Readme;

/// <summary>One <c>curl</c> in a README block and the answer comment that follows it.</summary>
public sealed record ExampleRequest(int Line, string Text, DocumentedAnswer Answer);

/// <summary>A ```bash block of README.md, as a reader copies it.</summary>
public sealed record ReadmeBlock(int Line, string Text, bool Excluded, IReadOnlyList<ExampleRequest> Requests);

/// <summary>
/// Reads README.md's ```bash blocks and, in each, every <c>curl</c> and the <c># → …</c> comment after it (shell words
/// and comments are told apart with quoting in mind, so a <c>#</c> or "curl" inside a quoted body is neither).
/// </summary>
public static partial class ReadmeBlocks
{
    public static IReadOnlyList<ReadmeBlock> Parse(string readme)
    {
        var lines = readme.Split('\n');
        var blocks = new List<ReadmeBlock>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimEnd() != "```bash") continue;
            var start = i + 1;
            var end = start;
            while (end < lines.Length && lines[end].TrimEnd() != "```") end++;
            var text = string.Join('\n', lines[start..end]) + "\n";
            blocks.Add(new ReadmeBlock(start + 1, text, IsRunOrTestCommand(text, start + 1), Requests(text, start + 1)));
            i = end;
        }
        return blocks;
    }

    /// <summary>
    /// Blocks that start or stop the system, run the test suites or run benchmarks (<c>./deploy/local/…</c>, <c>dotnet …</c>)
    /// are not examples to run against the test's system. A block mixing those with requests is refused, so that an
    /// example cannot hide in an excluded block.
    /// </summary>
    private static bool IsRunOrTestCommand(string text, int line)
    {
        var commands = text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var runs = commands.Count(c => c.StartsWith("./deploy/local/", StringComparison.Ordinal) || c.StartsWith("dotnet ", StringComparison.Ordinal));
        if (runs > 0 && runs < commands.Count)
            throw new InvalidOperationException($"README.md line {line}: a block mixes run/test commands with other commands; split it.");
        return runs > 0;
    }

    private static IReadOnlyList<ExampleRequest> Requests(string text, int firstLine)
    {
        var requests = new List<(int Line, string Text, DocumentedAnswer? Answer)>();
        foreach (var (kind, at, value) in Tokens(text))
        {
            var line = firstLine + text[..at].Count(c => c == '\n');
            if (kind == "curl") requests.Add((line, text[at..].Split('\n')[0], null));
            else if (value.StartsWith("# →", StringComparison.Ordinal))
            {
                if (requests.Count == 0 || requests[^1].Answer is not null)
                    throw new InvalidOperationException($"README.md line {line}: an answer comment with no curl of its own before it.");
                requests[^1] = requests[^1] with { Answer = DocumentedAnswer.Parse(value) };
            }
        }
        if (requests.FirstOrDefault(r => r.Answer is null) is { Text: not null } undocumented)
            throw new InvalidOperationException($"README.md line {undocumented.Line}: `{undocumented.Text}` has no `# → STATUS …` answer after it.");
        return requests.Select(r => new ExampleRequest(r.Line, r.Text, r.Answer!)).ToList();
    }

    /// <summary>The curl words (at the start of a shell word, unquoted) and the comments of a block, in order.</summary>
    private static IEnumerable<(string Kind, int At, string Value)> Tokens(string text)
    {
        var quote = '\0';
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote != '\0')
            {
                if (c == '\\' && quote == '"') i++;
                else if (c == quote) quote = '\0';
                continue;
            }
            var wordStart = i == 0 || char.IsWhiteSpace(text[i - 1]) || text[i - 1] is '(' or '|' or ';' or '&';
            if (c is '\'' or '"') quote = c;
            else if (c == '\\') i++;
            else if (c == '#' && wordStart)
            {
                var end = text.IndexOf('\n', i);
                yield return ("comment", i, text[i..end].Trim());
                i = end;
            }
            else if (wordStart && CurlWord().IsMatch(text[i..Math.Min(text.Length, i + 5)]))
                yield return ("curl", i, "curl");
        }
    }

    [GeneratedRegex(@"^curl\s$")]
    private static partial Regex CurlWord();
}

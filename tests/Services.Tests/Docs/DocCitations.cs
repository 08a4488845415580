using System.Text;
using System.Text.RegularExpressions;

namespace Procedures.Services.Tests.Docs;

/// <summary>
/// Finds citations a reader of the repository cannot follow: a reference document named by an upper-case file name that
/// no file in the repository has (the reference texts the project started from live outside it), a path to the folder
/// they live in, and a <c>docs/….md#section</c> citation (or a Markdown link) to a missing file or heading. Pure: the
/// caller hands in each file's text, the repository's file names and a way to read a Markdown file's headings.
/// </summary>
public static partial class DocCitations
{
    public sealed record Finding(string File, int Line, string Problem);

    /// <summary>
    /// The problems in one file's <paramref name="text"/>. <paramref name="file"/> is its path relative to the repository
    /// root with '/' separators; <paramref name="fileNames"/> holds every file name in the repository;
    /// <paramref name="headings"/> gives a repository-relative Markdown file's heading anchors, or null when it does not exist.
    /// </summary>
    public static IEnumerable<Finding> Check(string file, string text, IReadOnlySet<string> fileNames,
        Func<string, IReadOnlySet<string>?> headings)
    {
        var isMarkdown = file.EndsWith(".md", StringComparison.Ordinal);
        var folder = file.Contains('/') ? file[..file.LastIndexOf('/')] : "";
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            foreach (Match m in UpperCaseMarkdownName().Matches(line))
                if (!fileNames.Contains(m.Groups["name"].Value))
                    yield return new(file, i + 1, $"cites {m.Groups["name"].Value}, which is not a file in the repository");
            if (OutsideFolder().IsMatch(line))
                yield return new(file, i + 1, "points to a folder outside the repository");
            foreach (Match m in DocsCitation().Matches(line))
                if (Resolve(m.Groups["path"].Value, m.Groups["anchor"].Value, headings) is { } problem)
                    yield return new(file, i + 1, problem);
            if (!isMarkdown) continue;
            foreach (Match m in MarkdownLink().Matches(line))
            {
                var target = m.Groups["path"].Value;
                if (target.Length == 0 && !m.Groups["anchor"].Success) continue;
                var path = target.Length == 0 ? file : Normalize(folder, target);
                if (path is null) continue; // above the repository root: not a file of ours
                if (Resolve(path, m.Groups["anchor"].Value, headings) is { } problem)
                    yield return new(file, i + 1, problem);
            }
        }
    }

    /// <summary>The anchors of a Markdown text's headings, as GitHub makes them (duplicates get -1, -2, …).</summary>
    public static IReadOnlySet<string> Anchors(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var fenced = false;
        foreach (var line in markdown.Split('\n'))
        {
            if (line.StartsWith("```", StringComparison.Ordinal)) { fenced = !fenced; continue; }
            if (fenced || Heading().Match(line) is not { Success: true } m) continue;
            var slug = Slug(m.Groups["text"].Value);
            var n = seen.GetValueOrDefault(slug);
            anchors.Add(n == 0 ? slug : $"{slug}-{n}");
            seen[slug] = n + 1;
        }
        return anchors;
    }

    /// <summary>GitHub's heading anchor: lower case, punctuation dropped (letters, digits, '-' and '_' kept), spaces to '-'.</summary>
    public static string Slug(string heading)
    {
        var slug = new StringBuilder();
        foreach (var c in heading.Trim().ToLowerInvariant())
            if (char.IsLetterOrDigit(c) || c is '-' or '_') slug.Append(c);
            else if (c == ' ') slug.Append('-');
        return slug.ToString();
    }

    private static string? Resolve(string path, string anchor, Func<string, IReadOnlySet<string>?> headings)
    {
        var anchors = headings(path);
        if (anchors is null) return $"cites {path}, which does not exist";
        return anchor.Length == 0 || anchors.Contains(anchor) ? null : $"cites {path}#{anchor}, which has no such heading";
    }

    private static string? Normalize(string folder, string relative)
    {
        var parts = new List<string>(folder.Length == 0 ? [] : folder.Split('/'));
        foreach (var part in relative.Split('/'))
        {
            if (part is "." or "") continue;
            if (part != "..") { parts.Add(part); continue; }
            if (parts.Count == 0) return null;
            parts.RemoveAt(parts.Count - 1);
        }
        return string.Join('/', parts);
    }

    // A whole file name ending in an upper-case name + ".md" (README.md, hcmc-agencies.SOURCES.md), not part of a longer name.
    [GeneratedRegex(@"(?<![\w.-])(?<name>(?:[\w-]+\.)*[A-Z][A-Z0-9_-]*\.md)(?![\w-])")]
    private static partial Regex UpperCaseMarkdownName();

    // The folder of the reference texts beside the repository, by absolute or relative path.
    [GeneratedRegex(@"(?:/work|\.\.)/shared(?![\w-])")]
    private static partial Regex OutsideFolder();

    // A file under docs/ ending in .md, with or without #section, as code comments and docs cite it (from the repository root).
    [GeneratedRegex(@"(?<![\w/.-])(?<path>docs/[\w./-]*?\.md)(?:#(?<anchor>[\w-]+))?")]
    private static partial Regex DocsCitation();

    // A Markdown link to a .md file (relative to the linking file) and/or an anchor: [text](file.md#anchor), [text](#anchor).
    [GeneratedRegex(@"\]\((?!https?:)(?<path>[^)\s#]*?\.md)?(?:#(?<anchor>[^)\s]+))?\)")]
    private static partial Regex MarkdownLink();

    [GeneratedRegex(@"^#{1,6} (?<text>.+?)\s*$")]
    private static partial Regex Heading();
}

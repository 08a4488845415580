using System.Text.RegularExpressions;

namespace Procedures.TestInfrastructure.Contract;

/// <summary>
/// One OpenAPI path template (<c>/api/v1/dossiers/{code}/receipt.html</c>) matched against a request path the way
/// ASP.NET Core routing does: segment by segment, literals case-insensitively, a parameter taking one whole non-empty
/// segment, and among several matching templates the one with literal segments further left wins
/// (<c>/procedures/import</c> over <c>/procedures/{code}</c>).
/// </summary>
public sealed class PathTemplate
{
    private enum Kind { Literal = 0, Mixed = 1, Parameter = 2 }

    private readonly (Kind Kind, string Literal, Regex? Pattern)[] _segments;

    public PathTemplate(string text)
    {
        Text = text;
        _segments = SegmentsOf(text, unescape: false).Select(Parse).ToArray();
    }

    public string Text { get; }

    /// <summary>Whether <paramref name="segments"/> (from <see cref="SegmentsOf"/>) fall under this template.</summary>
    public bool Matches(IReadOnlyList<string> segments)
    {
        if (segments.Count != _segments.Length) return false;
        for (var i = 0; i < segments.Count; i++)
        {
            var (kind, literal, pattern) = _segments[i];
            var ok = kind switch
            {
                Kind.Literal => string.Equals(literal, segments[i], StringComparison.OrdinalIgnoreCase),
                Kind.Mixed => pattern!.IsMatch(segments[i]),
                _ => segments[i].Length > 0,
            };
            if (!ok) return false;
        }
        return true;
    }

    /// <summary>Negative when <paramref name="a"/> is the more specific: the first segment where they differ decides.</summary>
    public static int CompareSpecificity(PathTemplate a, PathTemplate b)
    {
        for (var i = 0; i < Math.Min(a._segments.Length, b._segments.Length); i++)
        {
            var order = a._segments[i].Kind.CompareTo(b._segments[i].Kind);
            if (order != 0) return order;
        }
        return 0;
    }

    /// <summary>A path's segments, without empty ones (a trailing slash routes like none); unescaped for comparison.</summary>
    public static string[] SegmentsOf(string path, bool unescape = true)
        => path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(s => unescape ? Uri.UnescapeDataString(s) : s).ToArray();

    private static (Kind, string, Regex?) Parse(string segment)
    {
        if (!segment.Contains('{')) return (Kind.Literal, segment, null);
        if (segment.StartsWith('{') && segment.EndsWith('}') && segment.IndexOf('}') == segment.Length - 1)
            return (Kind.Parameter, "", null);
        // e.g. "{name}.pdf": literal parts exact, each parameter at least one character.
        var pattern = "^" + Regex.Replace(Regex.Escape(segment).Replace(@"\{", "{", StringComparison.Ordinal), @"\{[^}]+}", ".+") + "$";
        return (Kind.Mixed, segment, new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant));
    }
}

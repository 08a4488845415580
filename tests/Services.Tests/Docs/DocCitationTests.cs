using System.Collections.Concurrent;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests.Docs;

/// <summary>
/// The repository explains itself (issue 22): every citation in code and docs leads to a file of the repository, and a
/// <c>docs/….md#section</c> citation to a heading that exists. Pure: reads the working tree, no services.
/// </summary>
[Trait("Kind", "Pure")]
public sealed class DocCitationTests
{
    // Built, not written, so that this file does not itself cite the names it tests.
    private const string Md = ".md";
    private static readonly string Domain = "DOMAIN" + Md, Kpi = "KPI766" + Md, Sources = "SOURCES" + Md, Architecture = "ARCHITECTURE" + Md;

    private static readonly HashSet<string> SkippedFolders = new(StringComparer.Ordinal) { "bin", "obj", "node_modules", "TestResults", ".git" };
    private static readonly HashSet<string> TextExtensions = new(StringComparer.OrdinalIgnoreCase)
    {
        ".cs", ".csproj", ".props", ".targets", ".sln", ".md", ".json", ".sql", ".sh", ".yaml", ".yml", ".csv", ".html", ".js", ".mjs",
        ".css", ".txt", ".xml", ".http", ".py", ".ps1", ".config",
    };

    [Fact]
    public void No_file_cites_a_reference_document_outside_the_repository_and_every_docs_citation_resolves()
    {
        var files = RepositoryFiles();
        Assert.Contains("docs/domain.md", files); // the scan sees the tree (an empty scan would pass anything)
        var names = files.Select(f => f[(f.LastIndexOf('/') + 1)..]).ToHashSet(StringComparer.Ordinal);
        var headings = Headings(RepositoryRoot.Path);

        var findings = files
            .SelectMany(f => DocCitations.Check(f, File.ReadAllText(Path.Combine(RepositoryRoot.Path, f)), names, headings))
            .Select(x => $"{x.File}:{x.Line}: {x.Problem}")
            .ToList();

        Assert.True(findings.Count == 0, "Citations a reader cannot follow:\n" + string.Join('\n', findings));
    }

    [Fact]
    public void The_reference_names_outside_the_repository_are_flagged_and_files_of_the_repository_are_not()
    {
        IReadOnlySet<string> names = new HashSet<string>(StringComparer.Ordinal) { "README.md", "hcmc-agencies." + Sources };
        foreach (var outside in new[] { Domain, Kpi, Sources, Architecture })
        {
            var findings = DocCitations.Check("services/X.cs", $"/// (see {outside}, \"Deadlines\")", names, NoDocs).ToList();
            Assert.Equal(new DocCitations.Finding("services/X.cs", 1, $"cites {outside}, which is not a file in the repository"), Assert.Single(findings));
        }
        Assert.Single(DocCitations.Check(Docs("a.md"), "line one\nThe design is ../" + "shared/" + Architecture + " here", names, NoDocs),
            f => f.Line == 2 && f.Problem.Contains(Architecture, StringComparison.Ordinal));
        Assert.Single(DocCitations.Check("x.csproj", "<!-- a copy of /work/" + "shared/data/days.json -->", names, NoDocs));
        Assert.Empty(DocCitations.Check("x.cs", "// see README.md and hcmc-agencies." + Sources + " §2", names, NoDocs));
    }

    [Fact]
    public void A_docs_citation_to_a_missing_file_or_heading_is_flagged()
    {
        var docs = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal)
        {
            [Docs("domain.md")] = DocCitations.Anchors("# Domain\n## Legal clock\n```\n## Not a heading\n```\n## Legal clock\n"),
        };
        IReadOnlySet<string>? Lookup(string path) => docs.GetValueOrDefault(path);
        IReadOnlySet<string> names = new HashSet<string>(StringComparer.Ordinal);
        string Cite(string target) => "// " + Docs(target);

        Assert.Empty(DocCitations.Check("a.cs", Cite("domain.md#legal-clock") + " and " + Cite("domain.md#legal-clock-1"), names, Lookup));
        Assert.Empty(DocCitations.Check("a.cs", Cite("domain.md"), names, Lookup));
        Assert.Equal($"cites {Docs("domain.md")}#not-a-heading, which has no such heading",
            Assert.Single(DocCitations.Check("a.cs", Cite("domain.md#not-a-heading"), names, Lookup)).Problem);
        Assert.Equal($"cites {Docs("kpi.md")}, which does not exist", Assert.Single(DocCitations.Check("a.cs", Cite("kpi.md#scoring"), names, Lookup)).Problem);
        // Markdown links resolve from the linking file's folder; a bare anchor points into the file itself.
        Assert.Empty(DocCitations.Check(Docs("b.md"), "[clock](domain.md#legal-clock)", names, Lookup));
        Assert.Single(DocCitations.Check(Docs("b.md"), "[clock](domain.md#clock)", names, Lookup));
        Assert.Single(DocCitations.Check("README.md", "[clock](domain.md)", names, Lookup));
        Assert.Empty(DocCitations.Check(Docs("domain.md"), "[above](#legal-clock)", names, Lookup));
        Assert.Single(DocCitations.Check(Docs("domain.md"), "[above](#legal)", names, Lookup));
    }

    [Theory]
    [InlineData("Legal clock", "legal-clock")]
    [InlineData("One dossier in ten hops", "one-dossier-in-ten-hops")]
    [InlineData("Deviations from the target design, and why", "deviations-from-the-target-design-and-why")]
    [InlineData("Intake (services/Intake)", "intake-servicesintake")]
    [InlineData("Satisfaction and feedback (issue 10: `Ratings/`)", "satisfaction-and-feedback-issue-10-ratings")]
    [InlineData("Tiến độ giải quyết", "tiến-độ-giải-quyết")]
    public void Anchors_are_made_as_GitHub_makes_them(string heading, string anchor) => Assert.Equal(anchor, DocCitations.Slug(heading));

    private static IReadOnlySet<string>? NoDocs(string path) => null;

    /// <summary>A path under docs/, built so that this file does not cite it.</summary>
    private static string Docs(string name) => "docs/" + name;

    /// <summary>Repository-relative paths ('/' separators) of the text files of the working tree, build output excluded.</summary>
    private static List<string> RepositoryFiles()
    {
        var files = new List<string>();
        var pending = new Stack<DirectoryInfo>([new DirectoryInfo(RepositoryRoot.Path)]);
        while (pending.TryPop(out var dir))
        {
            foreach (var sub in dir.EnumerateDirectories())
                if (!SkippedFolders.Contains(sub.Name)) pending.Push(sub);
            files.AddRange(dir.EnumerateFiles().Where(f => TextExtensions.Contains(f.Extension))
                .Select(f => Path.GetRelativePath(RepositoryRoot.Path, f.FullName).Replace('\\', '/')));
        }
        return files;
    }

    private static Func<string, IReadOnlySet<string>?> Headings(string root)
    {
        var cache = new ConcurrentDictionary<string, IReadOnlySet<string>?>(StringComparer.Ordinal);
        return path => cache.GetOrAdd(path, p =>
        {
            var full = Path.Combine(root, p);
            return File.Exists(full) ? DocCitations.Anchors(File.ReadAllText(full)) : null;
        });
    }
}

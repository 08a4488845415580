using System.Text.RegularExpressions;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests.Docs;

/// <summary>
/// docs/architecture.md walks one dossier from Intake to the portal and the index in at most ten hops, each naming the
/// file that does it (issue 22): the walk stays that short, and every file it names exists. Pure: reads the working tree.
/// </summary>
[Trait("Kind", "Pure")]
public sealed partial class DossierWalkTests
{
    private const string Heading = "## One dossier in ten hops";

    [Fact]
    public void The_walk_has_at_most_ten_numbered_hops_each_naming_a_file_and_every_file_it_names_exists()
    {
        var hops = Hops(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "architecture.md")));

        Assert.InRange(hops.Count, 1, 10);
        Assert.Equal(Enumerable.Range(1, hops.Count), hops.Select(h => h.Number));
        var missing = new List<string>();
        foreach (var hop in hops)
        {
            var files = Files(hop.Text);
            Assert.True(files.Count > 0 && files[0].Contains('/'), $"hop {hop.Number} names no file under services/ first: {hop.Text}");
            missing.AddRange(Resolve(files).Where(f => !File.Exists(Path.Combine(RepositoryRoot.Path, "services", f)))
                .Select(f => $"hop {hop.Number}: services/{f}"));
        }
        Assert.True(missing.Count == 0, "Files the walk names that do not exist:\n" + string.Join('\n', missing));
    }

    [Fact]
    public void A_bare_file_name_is_looked_for_beside_the_last_path_named_before_it()
        => Assert.Equal(["Intake/Dossiers/Submit.cs", "Intake/Dossiers/DossierCodes.cs", "Messaging/Outbox/Outbox.cs"],
            Resolve(Files("`Intake/Dossiers/Submit.cs`: takes the number (`DossierCodes.cs`) and writes (`Messaging/Outbox/Outbox.cs`).")));

    private sealed record Hop(int Number, string Text);

    /// <summary>The numbered items of the walk's section, each with its continuation lines.</summary>
    private static List<Hop> Hops(string markdown)
    {
        var start = markdown.IndexOf(Heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/architecture.md has no section \"{Heading}\"");
        var body = markdown[(start + Heading.Length)..];
        var end = body.IndexOf("\n## ", StringComparison.Ordinal);
        if (end >= 0) body = body[..end];
        return [.. HopPattern().Matches(body).Select(m => new Hop(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups[2].Value))];
    }

    /// <summary>The file names in backticks (a path or a bare name with an extension), in order.</summary>
    private static List<string> Files(string text) => [.. FilePattern().Matches(text).Select(m => m.Groups[1].Value)];

    /// <summary>Paths under services/: a bare name stands beside the last path named before it.</summary>
    private static List<string> Resolve(IEnumerable<string> files)
    {
        var folder = "";
        var resolved = new List<string>();
        foreach (var f in files)
        {
            if (f.Contains('/')) folder = f[..f.LastIndexOf('/')];
            resolved.Add(f.Contains('/') ? f : $"{folder}/{f}");
        }
        return resolved;
    }

    // "1. **Submit** — …" up to the next numbered item or the end of the section.
    [GeneratedRegex(@"^(\d+)\. (.+?)(?=^\d+\. |\z)", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex HopPattern();

    [GeneratedRegex(@"`([A-Za-z0-9_./-]+\.(?:cs|sql))`")]
    private static partial Regex FilePattern();
}

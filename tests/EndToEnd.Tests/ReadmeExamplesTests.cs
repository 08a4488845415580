using System.Net;
using System.Text.RegularExpressions;
using Procedures.Contracts;
using Procedures.EndToEnd.Tests.Readme;
using Procedures.TestInfrastructure;
using Xunit.Abstractions;

namespace Procedures.EndToEnd.Tests;

/// <summary>
/// README.md's examples run as written. Every ```bash block is taken from README.md itself (no copy here) and run with
/// bash against this system, in README order, with the README's fixed addresses (http://localhost:5101…5109, one per
/// service of its "Services" table) pointed at this system's services. Each curl's status and JSON are checked against
/// the <c># → …</c> answer after it (<see cref="DocumentedAnswer"/>). A stale example fails: an unknown procedure or a
/// removed endpoint changes a status, a renamed field is missing, and a block that fails in bash fails the test.
/// Excluded: the blocks that run the system, the test suites or the benchmarks (<c>./deploy/local/up.sh</c>,
/// <c>./deploy/local/test.sh</c>, <c>dotnet run …</c>): they start or stop servers, and this test runs against the
/// fixture's system.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed partial class ReadmeExamplesTests(SystemFixture system, ITestOutputHelper output)
{
    /// <summary>The requests README shows today; fewer means an example was dropped or no longer parses.</summary>
    private const int MinimumRequests = 10;

    /// <summary>What README's examples must keep showing (issue "API contract", item 4).</summary>
    private static readonly string[] Covered =
    [
        "/connect/token", "/api/v1/documents", "/api/v1/dossiers", "/api/v1/kpi/summary", "/portal/dossiers/",
        "/api/v1/procedures?q=", "/api/v1/receiving-units?q=", "/api/v1/calendar/due?", "/actions/accept",
    ];

    [Fact]
    public async Task Every_readme_example_answers_as_documented()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "README.md"));
        var addresses = Addresses(readme);
        var blocks = ReadmeBlocks.Parse(readme);
        foreach (var skipped in blocks.Where(b => b.Excluded))
            output.WriteLine($"README.md:{skipped.Line} not run (starts the system, runs tests or benchmarks)");

        using var shell = new ExampleShell();
        var problems = new List<string>();
        var ran = new List<string>();
        var settled = new HashSet<string>();
        foreach (var block in blocks.Where(b => !b.Excluded))
        {
            var (exit, text, calls) = await shell.RunAsync(Rewrite(block, addresses), TimeSpan.FromMinutes(2));
            if (exit != 0) problems.Add($"README.md:{block.Line}: bash exited {exit}:\n{text}");
            if (calls.Count != block.Requests.Count)
                problems.Add($"README.md:{block.Line}: {calls.Count} curl calls ran, the block shows {block.Requests.Count}");
            foreach (var (request, call) in block.Requests.Zip(calls))
            {
                var mismatches = request.Answer.Mismatches(call.Status, call.Body);
                output.WriteLine($"README.md:{request.Line} {call.Status} {PathOf(call.Url)} {(mismatches.Count == 0 ? "as documented" : "DIFFERS")}");
                ran.Add(PathOf(call.Url));
                if (mismatches.Count > 0)
                    problems.Add($"README.md:{request.Line} `{request.Text}`:\n  {string.Join("\n  ", mismatches)}\n  answer: {Short(call.Body)}");
            }
            if (exit != 0) break; // later blocks depend on this one's variables
            await SettleAsync(shell.Variables(), settled);
        }

        output.WriteLine($"{ran.Count} README example requests ran");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(ran.Count >= MinimumRequests, $"{ran.Count} README example requests ran; at least {MinimumRequests} expected");
        var uncovered = Covered.Where(c => !ran.Any(r => r.Contains(c, StringComparison.Ordinal))).ToList();
        Assert.True(uncovered.Count == 0, "README's examples no longer show " + string.Join(", ", uncovered));
    }

    /// <summary>
    /// A reader runs the next block seconds later; here the next block starts at once. So, once a block has given a
    /// dossier code (CODE), wait as long as a reader would: until the portal holds the dossier and Processing knows it
    /// (its receipt answers 409 "not received yet" or 200, not 404).
    /// </summary>
    private async Task SettleAsync(IReadOnlyDictionary<string, string> variables, HashSet<string> settled)
    {
        var sandbox = system.Client(ResourceNames.Sandbox);
        var processing = system.Client(ResourceNames.Processing);
        foreach (var code in variables.Values.Where(v => DossierCode.TryParse(v, out _) && settled.Add(v)))
        {
            var admin = await Tokens.ForClientAsync(sandbox, "dev-admin");
            await Eventually.Until(async () =>
            {
                using var portal = await sandbox.GetAsync($"/portal/dossiers/{code}");
                using var receipt = await processing.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/dossiers/{code}/receipt").WithToken(admin));
                return portal.IsSuccessStatusCode && receipt.StatusCode != HttpStatusCode.NotFound;
            }, TimeSpan.FromSeconds(60), $"{code} at the portal and at Processing");
        }
    }

    /// <summary>README's address of each service, from its "Services" table (| Intake | 5101 | …), to this system's.</summary>
    private Dictionary<string, string> Addresses(string readme)
    {
        var rows = ServiceRow().Matches(readme);
        Assert.True(rows.Count >= SystemFixture.Services.Length, $"README's Services table names {rows.Count} services with ports");
        return rows.ToDictionary(r => $"http://localhost:{r.Groups["port"].Value}",
            r => system.Client(r.Groups["name"].Value.ToLowerInvariant()).BaseAddress!.ToString().TrimEnd('/'));
    }

    private static string Rewrite(ReadmeBlock block, Dictionary<string, string> addresses)
        => LocalAddress().Replace(block.Text, m => addresses.TryGetValue(m.Value, out var actual) ? actual
            : throw new InvalidOperationException($"README.md:{block.Line} calls {m.Value}, which README's Services table does not name"));

    private static string PathOf(string url) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.PathAndQuery : url;

    private static string Short(string text) => text.Length <= 400 ? text : text[..400] + "…";

    [GeneratedRegex(@"^\| (?<name>\w+) \| (?<port>\d{4}) \|", RegexOptions.Multiline)]
    private static partial Regex ServiceRow();

    [GeneratedRegex(@"http://localhost:\d+")]
    private static partial Regex LocalAddress();
}

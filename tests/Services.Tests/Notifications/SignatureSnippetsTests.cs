using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Extensions.Options;
using Procedures.Notifications;
using Procedures.Notifications.Events;
using Procedures.Notifications.Webhooks;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests.Notifications;

/// <summary>
/// docs/integrators.md's signature snippets, each run as its own program, as written, against a real delivery signed
/// during a rotation (both secrets): Python with python3, TypeScript with node (its type annotations stripped), C# as a
/// .NET file-based program (<c>dotnet run verify.cs</c>) with the StandardWebhooks package. A missing runtime fails the test.
/// </summary>
public sealed partial class SignatureSnippetsTests : IAsyncLifetime
{
    private const string Guide = "integrators.md";
    private readonly WebhookReceiver _receiver = new();
    private WebhookReceiver.Received _delivery = null!;
    private readonly string _old = WebhookSender.NewSecret(), _new = WebhookSender.NewSecret();

    public async Task InitializeAsync()
    {
        await _receiver.StartAsync();
        var options = Options.Create(new WebhookOptions { AllowedLoopbackHosts = ["localhost"], RequireHttps = false });
        using var sender = new WebhookSender(new CallbackUrlGuard(options), options, TimeProvider.System);
        var e = SampleEvents.All()[1];
        var url = _receiver.Url("snippets", _old);
        _receiver.AddSecret("snippets", _new);
        var result = await sender.SendAsync(url, [_new, _old], e.Id, e.ToCloudEventJson(new PublicLinks(new NotificationsOptions())),
            new DeliveryMarks(null), CancellationToken.None);
        Assert.True(result.Delivered);
        _delivery = Assert.Single(_receiver.Requests);
        Assert.Equal([0, 1], _delivery.VerifiedBy); // the C# package accepts both secrets
    }

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    /// <summary>The webhook signature snippet in <paramref name="language"/> (the guide has other blocks, e.g. certified copies').</summary>
    private static string Snippet(string language) => GuideSnippets.Block(Guide, language, language switch
    {
        "python" => "def verify(",
        "typescript" => "export function verify(",
        _ => "static bool Verify(",
    });

    /// <summary>Cases: old secret, new secret, a stranger's secret, a tampered body (old secret). Expected: true, true, false, false.</summary>
    private string Cases() => JsonSerializer.Serialize(new[]
    {
        new { secret = _old, body = _delivery.Body },
        new { secret = _new, body = _delivery.Body },
        new { secret = WebhookSender.NewSecret(), body = _delivery.Body },
        new { secret = _old, body = _delivery.Body.Replace("26740.H29", "26737.H29", StringComparison.Ordinal) },
    }.Select(c => new { c.secret, c.body, headers = _delivery.SignedHeaders }));

    private static Task<string> RunAsync(string program, string file, string input) => GuideSnippets.RunAsync(program, [file], input);

    [Fact]
    public async Task The_python_snippet_accepts_both_secrets_of_a_rotation_and_rejects_a_stranger_and_a_tampered_body()
    {
        var file = Path.Combine(Path.GetTempPath(), $"verify-{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(file, Snippet("python") + """

            import json, sys
            print(json.dumps([verify(c["secret"], c["headers"], c["body"].encode("utf-8")) for c in json.load(sys.stdin)]))
            """);
        Assert.Equal("[true, true, false, false]", await RunAsync("python3", file, Cases()));
    }

    [Fact]
    public async Task The_typescript_snippet_accepts_both_secrets_of_a_rotation_and_rejects_a_stranger_and_a_tampered_body()
    {
        // Node 20 runs JavaScript: the snippet's type annotations are removed, nothing else changes.
        var script = TypeAnnotation().Replace(Snippet("typescript"), "").Replace("export function", "function", StringComparison.Ordinal);
        var file = Path.Combine(Path.GetTempPath(), $"verify-{Guid.NewGuid():N}.mjs");
        await File.WriteAllTextAsync(file, script + """

            let input = "";
            process.stdin.on("data", d => input += d).on("end", () =>
              console.log(JSON.stringify(JSON.parse(input).map(c => verify(c.secret, c.headers, Buffer.from(c.body, "utf8"))))));
            """);
        Assert.Equal("[true,true,false,false]", await RunAsync("node", file, Cases()));
    }

    [Fact]
    public async Task The_csharp_snippet_run_as_its_own_program_accepts_both_secrets_of_a_rotation_and_rejects_a_stranger_and_a_tampered_body()
    {
        // A .NET 10 file-based program: the package (at the version the solution pins), the snippet, then the cases from
        // standard input. Its own folder outside the repository, so none of the repository's build settings apply.
        var version = XDocument.Load(Path.Combine(RepositoryRoot.Path, "Directory.Packages.props")).Descendants("PackageVersion")
            .Single(p => (string?)p.Attribute("Include") == "StandardWebhooks").Attribute("Version")!.Value;
        var file = Path.Combine(Directory.CreateTempSubdirectory("verify-csharp-").FullName, "verify.cs");
        await File.WriteAllTextAsync(file, $"#:package StandardWebhooks@{version}\n" + Snippet("csharp") + """

            using var cases = System.Text.Json.JsonDocument.Parse(Console.In.ReadToEnd());
            var verdicts = cases.RootElement.EnumerateArray().Select(c =>
            {
                var headers = new HeaderDictionary();
                foreach (var header in c.GetProperty("headers").EnumerateObject()) headers[header.Name] = header.Value.GetString();
                return Verify(c.GetProperty("secret").GetString()!, headers, c.GetProperty("body").GetString()!);
            });
            Console.WriteLine("[" + string.Join(",", verdicts.Select(v => v ? "true" : "false")) + "]");
            """);
        // One build per run (the first run of a new file restores from the package cache and compiles: ~10 s).
        Assert.Equal("[true,true,false,false]", (await GuideSnippets.RunAsync("dotnet", ["run", file], Cases())).Split('\n')[^1].Trim());
    }

    [GeneratedRegex(@"(?<=[\w)]): (string|boolean|Buffer|Record<string, string>)")]
    private static partial Regex TypeAnnotation();
}

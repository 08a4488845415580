using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Procedures.Contracts;
using Procedures.TestInfrastructure;

namespace Procedures.EndToEnd.Tests;

/// <summary>
/// Issue 25: a certified copy issued by the running system is verified offline by an independent implementation,
/// docs/integrators.md's Python verifier (Debian's python3 with its cryptography package), which fetches the key set
/// from Intake's /.well-known/jwks.json itself; a copy with a changed fact or a changed file fails. Escape rules and
/// key rotation in detail: Services.Tests OfflineVerificationTests.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class CertifiedCopyOfflineTests(SystemFixture system)
{
    [Fact]
    public async Task A_certified_copy_verifies_offline_against_the_published_keys_and_a_tampered_one_does_not()
    {
        var intake = system.Client(ResourceNames.Intake);
        var token = await Tokens.ForClientAsync(system.Client(ResourceNames.Sandbox), "phuong-sai-gon");
        var document = await Uploads.PngAsync(intake, token);
        using var certified = await intake.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/certified-copies")
        {
            Content = JsonContent.Create(new { documentId = document.GetProperty("id").GetGuid(), ownerIdNumber = "079190000456", officer = "Lê Thị Chứng" }),
        }.WithToken(token));
        Assert.Equal(HttpStatusCode.Created, certified.StatusCode);
        var copy = JsonNode.Parse(await certified.Content.ReadAsStringAsync())!;

        // The key set: anonymous, cacheable, a JWKS naming the copy's key; public halves only.
        using var keys = await intake.GetAsync("/.well-known/jwks.json");
        Assert.Equal(HttpStatusCode.OK, keys.StatusCode);
        Assert.Equal("application/jwk-set+json", keys.Content.Headers.ContentType?.MediaType);
        Assert.True(keys.Headers.CacheControl is { Public: true, MaxAge.TotalSeconds: > 0 }, $"Cache-Control: {keys.Headers.CacheControl}");
        var set = await keys.Content.ReadFromJsonAsync<JsonElement>();
        var key = Assert.Single(set.GetProperty("keys").EnumerateArray(), k => k.GetProperty("kid").GetString() == (string)copy["keyId"]!);
        Assert.False(key.TryGetProperty("d", out _));

        var altered = (byte[])Uploads.Png.Clone();
        altered[^5] ^= 0x01;
        var tampered = copy.DeepClone();
        tampered["officer"] = "Lê Thị Chúng";
        var program = GuideSnippets.Block("integrators.md", "python", "def verify_copy(") + """

            import sys
            given = json.load(sys.stdin)
            keys = fetch_keys(given["intake"])
            print(json.dumps([verify_copy(c["copy"], keys, base64.b64decode(c["file"])) for c in given["cases"]]))
            """;
        var file = Path.Combine(Path.GetTempPath(), $"verify-copy-{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(file, program);
        var input = new JsonObject
        {
            ["intake"] = intake.BaseAddress!.ToString().TrimEnd('/'),
            ["cases"] = new JsonArray(
                new JsonObject { ["copy"] = copy.DeepClone(), ["file"] = Convert.ToBase64String(Uploads.Png) },
                new JsonObject { ["copy"] = tampered, ["file"] = Convert.ToBase64String(Uploads.Png) },
                new JsonObject { ["copy"] = copy.DeepClone(), ["file"] = Convert.ToBase64String(altered) }),
        };
        // Debian's interpreter: deploy/local/prerequisites.sh installs python3-cryptography for it.
        Assert.Equal("[true, false, false]", await GuideSnippets.RunAsync("/usr/bin/python3", [file], input.ToJsonString()));
    }
}

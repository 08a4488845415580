using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Procedures.Intake.Certification;
using Procedures.ServiceDefaults;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests.Digitisation;

/// <summary>
/// Offline verification of certified copies with an independent implementation: docs/integrators.md's Python verifier
/// (its <c>cryptography</c> package, run by Debian's python3, which deploy/local/prerequisites.sh equips) rebuilds the
/// signed bytes of copies as the certification answers them, for texts that need every escape rule, and checks them
/// against the published key set, across a key rotation. The running system's own copy and key set: EndToEnd
/// CertifiedCopyOfflineTests.
/// </summary>
public sealed class OfflineVerificationTests : IDisposable
{
    /// <summary>Debian's interpreter, whose python3-cryptography the prerequisites install (a pyenv one may lack it).</summary>
    public const string Python = "/usr/bin/python3";

    private static readonly string[] Officers =
    [
        "Nguyễn Thị Hoa",
        "O'Brien & <Sons> + \"Co\" `x` \\ / tab\t lf\n cr\r bs\b ff\f \u0001 \u001f \u007f é \u2028 \uFEFF 😀",
        "",
    ];

    private readonly ECDsa _oldKey = ECDsa.Create(ECCurve.NamedCurves.nistP256), _newKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly CopySigner _old, _current;

    public OfflineVerificationTests()
    {
        _old = new CopySigner(new CopySigningOptions { KeyId = "k-2026-01", PrivateKeyPem = _oldKey.ExportPkcs8PrivateKeyPem() });
        _current = new CopySigner(new CopySigningOptions
        {
            KeyId = "k-2026-12", PrivateKeyPem = _newKey.ExportPkcs8PrivateKeyPem(),
            RetiredKeys = { ["k-2026-01"] = _oldKey.ExportSubjectPublicKeyInfoPem() },
        });
    }

    public void Dispose()
    {
        _old.Dispose();
        _current.Dispose();
        _oldKey.Dispose();
        _newKey.Dispose();
    }

    private static (CopyFacts Facts, byte[] File) Facts(CopySigner signer, string officer, DateTimeOffset at)
    {
        var file = RandomNumberGenerator.GetBytes(64);
        return (new CopyFacts(Guid.CreateVersion7(), Guid.NewGuid(), CopySigner.Sha256Hex(file), "079203001234", officer, "26740.H29",
            CopySigner.Micro(at), signer.KeyId!), file);
    }

    /// <summary>The copy as POST /api/v1/certified-copies answers it (the API's JSON: Vietnam time, trailing zeros dropped).</summary>
    private static JsonNode Answer(CopyFacts f, string signature) => JsonSerializer.SerializeToNode(
        new Certify.Response(f.CopyId, f.DocumentId, f.Sha256, f.OwnerIdNumber, f.Officer, f.Agency, f.CertifiedAt, f.KeyId, signature), ApiJson.Options)!;

    [Fact]
    public void The_key_set_holds_the_current_key_first_and_the_retired_ones_as_public_P256_keys_under_their_ids()
    {
        var set = JsonSerializer.SerializeToNode(_current.PublicKeySet, ApiJson.Options)!["keys"]!.AsArray();
        Assert.Equal(["k-2026-12", "k-2026-01"], set.Select(k => (string)k!["kid"]!));
        foreach (var (key, ecdsa) in set.Zip([_newKey, _oldKey]))
        {
            Assert.Equal(["kty", "crv", "x", "y", "kid", "use", "alg"], key!.AsObject().Select(p => p.Key)); // no private "d"
            Assert.Equal(("EC", "P-256", "sig", "ES256"), ((string)key["kty"]!, (string)key["crv"]!, (string)key["use"]!, (string)key["alg"]!));
            var q = ecdsa.ExportParameters(false).Q;
            Assert.Equal(q.X, Base64UrlDecode((string)key["x"]!));
            Assert.Equal(q.Y, Base64UrlDecode((string)key["y"]!));
        }
    }

    [Fact]
    public async Task The_key_set_is_served_anonymously_cacheable_as_a_jwks_and_documented_as_a_public_operation()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.AddServiceDefaults(); // deny by default: only AllowAnonymous lets a caller without a token in
        builder.Services.AddSingleton(_current);
        await using var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapVerificationKeys();
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };

        using var answer = await http.GetAsync("/.well-known/jwks.json");
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("application/jwk-set+json", answer.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public, max-age=3600", answer.Headers.CacheControl?.ToString());
        Assert.Equal(JsonSerializer.Serialize(_current.PublicKeySet, ApiJson.Options), await answer.Content.ReadAsStringAsync());

        var operation = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json")).RootElement.GetProperty("paths")
            .GetProperty("/.well-known/jwks.json").GetProperty("get");
        Assert.True(operation.GetProperty("responses").GetProperty("200").GetProperty("content").TryGetProperty("application/jwk-set+json", out _));
        Assert.False(operation.GetProperty("responses").TryGetProperty("401", out _)); // public: no token asked
    }

    private static byte[] Base64UrlDecode(string s) => Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(s);

    [Fact]
    public async Task The_guides_python_verifier_rebuilds_the_signed_bytes_accepts_current_and_retired_keys_and_rejects_tampering()
    {
        var at = new DateTimeOffset(2026, 11, 29, 2, 10, 0, TimeSpan.Zero);
        var genuine = Officers.Select((o, i) => Facts(_current, o, at.AddTicks(i * 1_234_560))) // .000000, .123456, .246912 s
            .Append(Facts(_old, "Trần Văn Cũ", at.AddDays(-300))) // signed before the rotation
            .Select(c => (c.Facts, c.File, Signature: (c.Facts.KeyId == _old.KeyId ? _old : _current).Sign(c.Facts))).ToList();
        var first = genuine[0];
        List<(JsonNode Copy, byte[] File)> cases =
        [
            .. genuine.Select(c => (Answer(c.Facts, c.Signature), c.File)),
            (Answer(first.Facts with { Officer = "Nguyễn Thị Hoà" }, first.Signature), first.File), // a signed fact changed
            (Answer(first.Facts, first.Signature), [.. first.File.Take(63), (byte)(first.File[63] ^ 1)]), // the file changed
            (Answer(first.Facts with { KeyId = "k-unknown" }, _current.Sign(first.Facts)), first.File), // a key not published
            (Answer(first.Facts, genuine[1].Signature), first.File), // another copy's signature
        ];

        var program = GuideSnippets.Block("integrators.md", "python", "def verify_copy(") + """

            import sys
            given = json.load(sys.stdin)
            keys = {key["kid"]: key for key in given["keys"]["keys"]}
            print(json.dumps([[signed_bytes(c["copy"]).hex(), verify_copy(c["copy"], keys, base64.b64decode(c["file"]))] for c in given["cases"]]))
            """;
        var file = Path.Combine(Path.GetTempPath(), $"verify-copy-{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(file, program);
        var input = new JsonObject
        {
            ["keys"] = JsonSerializer.SerializeToNode(_current.PublicKeySet, ApiJson.Options),
            ["cases"] = new JsonArray([.. cases.Select(c => (JsonNode)new JsonObject { ["copy"] = c.Copy, ["file"] = Convert.ToBase64String(c.File) })]),
        };
        var verdicts = JsonNode.Parse(await GuideSnippets.RunAsync(Python, [file], input.ToJsonString()))!.AsArray();

        foreach (var (verdict, copy) in verdicts.Zip(genuine))
            Assert.Equal(Convert.ToHexStringLower(CopySigner.Payload(copy.Facts)), (string)verdict![0]!); // byte for byte what .NET signs
        Assert.Equal([true, true, true, true, false, false, false, false], verdicts.Select(v => (bool)v![1]!));
        Assert.All(genuine, c => Assert.True(_current.Verify(c.Facts, c.Signature))); // the service agrees on the genuine ones
    }
}

using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using Procedures.ServiceDefaults.OpenApi;

namespace Procedures.Intake.Certification;

/// <summary>
/// GET /.well-known/jwks.json: the public keys that verify certified copies, as a JSON Web Key Set (RFC 7517), so a
/// holder verifies a copy offline (docs/integrators.md#certified-copies-offline-verification): the current key and every retired one
/// still configured, each under the <c>kid</c> a copy names in <c>keyId</c>. Anonymous and cacheable; the set only
/// changes with the configuration, so it is built once. A verifier that meets an unknown <c>kid</c> fetches it again.
/// </summary>
public static class VerificationKeys
{
    /// <summary>One public key (RFC 7518 §6.2.1): ECDSA P-256; copies are signed ES256 (SHA-256, r‖s).</summary>
    public sealed record Key(string Kty, string Crv, string X, string Y, string Kid, string Use, string Alg);

    public sealed record KeySet(IReadOnlyList<Key> Keys);

    /// <summary>How long a verifier may keep the set (a rotation adds a key before the first copy names it).</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromHours(1);

    public const string MediaType = "application/jwk-set+json";

    public static IEndpointRouteBuilder MapVerificationKeys(this IEndpointRouteBuilder app)
    {
        app.MapGet("/.well-known/jwks.json", (CopySigner signer, HttpContext http) =>
            {
                http.Response.Headers.CacheControl = $"public, max-age={(int)MaxAge.TotalSeconds}";
                return TypedResults.Json(signer.PublicKeySet, Procedures.ServiceDefaults.ApiJson.Options, MediaType);
            })
            .AllowAnonymous().WithTags("Public").WithName("CertifiedCopyKeys")
            .WithSummary("Public keys that verify certified copies (JWKS, RFC 7517): kid = a copy's keyId")
            .Produces<KeySet>(StatusCodes.Status200OK, MediaType)
            .WithExamples(response: new KeySet([new Key("EC", "P-256", "D5j7I91Z5Jt1yMAZloPagx0bgawBX8wXTiMN8iY0wZc", // the development key
                "3hYF-TWvpkwFvdsYh1mta2pH6vE5nh20Jb9Bz5eYtUw", "dev-2026-11", "sig", "ES256")]));
        return app;
    }

    /// <summary>The set for these keys (id → key; only the public half is read), in the given order.</summary>
    public static KeySet From(IEnumerable<(string KeyId, ECDsa Key)> keys)
        => new([.. keys.Select(k => Of(k.KeyId, k.Key))]);

    // Microsoft.IdentityModel.Tokens does the JWK encoding (curve name, fixed-length base64url coordinates).
    private static Key Of(string keyId, ECDsa key)
    {
        using var publicOnly = ECDsa.Create(key.ExportParameters(includePrivateParameters: false));
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(publicOnly) { KeyId = keyId });
        return new Key(jwk.Kty, jwk.Crv, jwk.X, jwk.Y, jwk.Kid, JsonWebKeyUseNames.Sig, SecurityAlgorithms.EcdsaSha256);
    }
}

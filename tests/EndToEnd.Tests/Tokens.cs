using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Procedures.TestInfrastructure;

namespace Procedures.EndToEnd.Tests;

/// <summary>Tokens as agency systems get them (the sandbox's /connect/token), and hand-made bad ones.</summary>
public static class Tokens
{
    public static async Task<string> ForClientAsync(HttpClient sandbox, string clientId, string? scope = null)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = clientId + "-secret",
        };
        if (scope is not null) form["scope"] = scope;
        using var response = await sandbox.PostAsync("/connect/token", new FormUrlEncodedContent(form));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
    }

    public static HttpRequestMessage WithToken(this HttpRequestMessage request, string token)
    {
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    /// <summary>A token like the dev IdP's, with chosen flaws: another signing key, issuer, audience or lifetime.</summary>
    public static string Forge(string issuer = "procedures-dev-idp", string audience = "procedures-api", bool foreignKey = false,
        DateTime? expires = null, string agency = "26740.H29", string scope = "dossiers.submit")
    {
        var key = ECDsa.Create();
        if (foreignKey) key.GenerateKey(ECCurve.NamedCurves.nistP256);
        else key.ImportFromPem(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "deploy", "local", "dev-keys", "idp-signing.dev.pem")));
        var exp = expires ?? DateTime.UtcNow.AddMinutes(10);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            NotBefore = exp.AddMinutes(-20),
            IssuedAt = exp.AddMinutes(-20),
            Expires = exp,
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key), SecurityAlgorithms.EcdsaSha256),
            Claims = new Dictionary<string, object> { ["client_id"] = "forger", ["agency"] = agency, ["scope"] = scope },
        });
    }
}

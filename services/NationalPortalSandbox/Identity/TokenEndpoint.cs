using Microsoft.AspNetCore.Http.HttpResults;
using System.Text.Json.Serialization;
using System.Security.Cryptography;
using Procedures.ServiceDefaults.OpenApi;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Procedures.Sandbox.Identity;

/// <summary>
/// POST /connect/token: the OAuth 2.0 client-credentials grant (RFC 6749 §4.4) of the city's identity provider,
/// as the sandbox plays it in development. Client authentication by form fields or HTTP Basic (§2.3.1); errors as
/// in §5.2. Tokens are ES256 JWTs carrying client_id, agency and the granted scopes.
/// </summary>
public sealed class TokenEndpoint(IOptions<IdentitySettings> options, TimeProvider time)
{
    private readonly IdentitySettings _settings = options.Value;
    private readonly Lazy<SigningCredentials> _credentials = new(() => LoadCredentials(options.Value.SigningKey));

    public static void Map(WebApplication app)
    {
        app.MapPost("/connect/token", (HttpRequest request, TokenEndpoint endpoint) => endpoint.IssueAsync(request))
            .AllowAnonymous().DisableAntiforgery().WithTags("Identity provider (sandbox)")
            .WithSummary("OAuth 2.0 client-credentials token endpoint (RFC 6749 §4.4)").WithName("IssueToken")
            .DocumentsForm("application/x-www-form-urlencoded", "TokenRequest",
                new FormField("grant_type", "string", true, "client_credentials"),
                new FormField("client_id", "string", false, "The client (or HTTP Basic authentication)"),
                new FormField("client_secret", "string", false, "The client's secret (or HTTP Basic authentication)"),
                new FormField("scope", "string", false, "Space-separated scopes asked for; all the client's when absent"))
            .Produces<TokenAnswer>()
            .Produces<TokenError>(StatusCodes.Status400BadRequest)
            .Produces<TokenError>(StatusCodes.Status401Unauthorized);
    }

    /// <summary>RFC 6749 §5.1.</summary>
    public sealed record TokenAnswer(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("token_type")] string TokenType,
        [property: JsonPropertyName("expires_in")] int ExpiresIn,
        [property: JsonPropertyName("scope")] string Scope);

    /// <summary>RFC 6749 §5.2.</summary>
    public sealed record TokenError(
        [property: JsonPropertyName("error")] string Error,
        [property: JsonPropertyName("error_description")] string ErrorDescription);

    public async Task<Results<Ok<TokenAnswer>, JsonHttpResult<TokenError>>> IssueAsync(HttpRequest request)
    {
        if (!request.HasFormContentType)
            return Error("invalid_request", "Use application/x-www-form-urlencoded.");
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync();
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException or IOException)
        {
            return Error("invalid_request", "The form body cannot be read.");
        }
        if (form["grant_type"] != "client_credentials")
            return Error("unsupported_grant_type", "Only client_credentials is supported.");

        var (clientId, secret) = ClientCredentials(request, form);
        var client = _settings.Clients.FirstOrDefault(c => c.ClientId == clientId);
        if (client is null || secret is null || !FixedTimeEquals(client.Secret, secret))
            return Error("invalid_client", "Unknown client or wrong secret.", StatusCodes.Status401Unauthorized);

        var requested = form["scope"].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (requested.Except(client.Scopes).Any())
            return Error("invalid_scope", "A requested scope is not granted to this client.");
        var granted = requested.Length > 0 ? requested.Distinct().ToArray() : client.Scopes;

        var now = time.GetUtcNow();
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _settings.Issuer,
            Audience = _settings.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + _settings.TokenLifetime).UtcDateTime,
            SigningCredentials = _credentials.Value,
            Claims = new Dictionary<string, object>
            {
                ["sub"] = client.ClientId,
                ["client_id"] = client.ClientId,
                ["agency"] = client.Agency,
                ["scope"] = string.Join(' ', granted),
                ["jti"] = Guid.NewGuid().ToString("N"),
            },
        });
        return TypedResults.Ok(new TokenAnswer(token, "Bearer", (int)_settings.TokenLifetime.TotalSeconds, string.Join(' ', granted)));
    }

    private static (string? Id, string? Secret) ClientCredentials(HttpRequest request, IFormCollection form)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var pair = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim())).Split(':', 2);
                if (pair.Length == 2) return (Uri.UnescapeDataString(pair[0]), Uri.UnescapeDataString(pair[1]));
            }
            catch (FormatException) { }
            return (null, null);
        }
        return (form["client_id"].ToString(), form["client_secret"].ToString());
    }

    private static bool FixedTimeEquals(string expected, string actual)
        => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(actual));

    private static JsonHttpResult<TokenError> Error(string error, string description, int status = StatusCodes.Status400BadRequest)
        => TypedResults.Json(new TokenError(error, description), statusCode: status);

    private static SigningCredentials LoadCredentials(string pemOrPath)
    {
        var pem = pemOrPath.TrimStart().StartsWith("-----", StringComparison.Ordinal) ? pemOrPath : File.ReadAllText(pemOrPath);
        var key = ECDsa.Create();
        key.ImportFromPem(pem);
        return new SigningCredentials(new ECDsaSecurityKey(key), SecurityAlgorithms.EcdsaSha256);
    }
}

using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.IdentityModel.Tokens;

namespace Procedures.ServiceDefaults.Security;

/// <summary>Where tokens come from: the city's identity provider in production, the sandbox in development.</summary>
public sealed class TokenValidationSettings
{
    public string Issuer { get; set; } = "";
    public string Audience { get; set; } = "";
    /// <summary>PEM public key(s) of the issuer (EC P-256 or RSA); several allow key rotation.</summary>
    public string[] SigningKeys { get; set; } = [];
    /// <summary>Agencies whose clients see every agency's dossiers (the city's procedure-control office).</summary>
    public string[] AllAgencies { get; set; } = [];
}

public static class AuthenticationSetup
{
    public const string Section = "Authentication";

    /// <summary>
    /// JwtBearer for OAuth 2.0 client-credentials tokens: issuer, audience and keys from configuration; every
    /// endpoint requires an authenticated caller unless it opts out with AllowAnonymous (deny by default).
    /// </summary>
    public static TBuilder AddProceduresAuthentication<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var settings = builder.Configuration.GetSection(Section).Get<TokenValidationSettings>() ?? new TokenValidationSettings();
        builder.Services.AddSingleton(settings);
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped(sp =>
        {
            var user = sp.GetRequiredService<IHttpContextAccessor>().HttpContext?.User ?? new System.Security.Claims.ClaimsPrincipal();
            return Caller.From(user, settings.AllAgencies.ToHashSet(StringComparer.Ordinal));
        });

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.MapInboundClaims = false;
            options.RequireHttpsMetadata = false; // keys come from configuration; no metadata is fetched
            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = settings.Issuer,
                ValidAudience = settings.Audience,
                IssuerSigningKeys = settings.SigningKeys.Select(LoadKey).ToList(),
                ValidateIssuer = true,
                ValidateAudience = true,
                ValidateLifetime = true,
                ValidateIssuerSigningKey = true,
                RequireSignedTokens = true,
                RequireExpirationTime = true,
                ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.RsaSha256],
                ClockSkew = TimeSpan.FromSeconds(30),
                NameClaimType = Caller.ClientIdClaim,
            };
            options.Events = new JwtBearerEvents
            {
                OnChallenge = async context =>
                {
                    context.HandleResponse();
                    // RFC 6750 §3: the challenge, and why when a token was sent (never which check it failed in detail).
                    context.Response.Headers.WWWAuthenticate = context.AuthenticateFailure is null
                        ? "Bearer"
                        : "Bearer error=\"invalid_token\", error_description=\"The access token is invalid or expired\"";
                    await ProblemWriter.WriteAsync(context.HttpContext, Problems.Create(StatusCodes.Status401Unauthorized, "unauthenticated",
                        "Chưa xác thực: cần access token hợp lệ", "Not authenticated: a valid access token is required"));
                },
                OnForbidden = context => ProblemWriter.WriteAsync(context.HttpContext, Problems.Create(StatusCodes.Status403Forbidden, "forbidden",
                    "Không đủ quyền (scope) cho thao tác này", "The token lacks the scope this operation needs")),
            };
        });
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        return builder;
    }

    /// <summary>The development token endpoint (the sandbox at README's address); an installation sets Authentication:TokenUrl.</summary>
    public const string DevelopmentTokenUrl = "http://localhost:5109/connect/token";

    /// <summary>Requires a token holding at least one of <paramref name="scopes"/> (403 otherwise).</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder endpoint, params string[] scopes) where TBuilder : IEndpointConventionBuilder
        => endpoint.RequireAuthorization(policy => policy.RequireAuthenticatedUser()
            .RequireAssertion(context => Caller.ScopesOf(context.User).Overlaps(scopes)))
            .WithMetadata(new RequiredScopes(scopes));

    private static SecurityKey LoadKey(string pemOrPath)
    {
        // Keys are PEM text, or a path to a PEM file; EC P-256 first, RSA otherwise.
        var text = pemOrPath.TrimStart().StartsWith("-----", StringComparison.Ordinal) ? pemOrPath : File.ReadAllText(pemOrPath);
        var ec = ECDsa.Create();
        try
        {
            ec.ImportFromPem(text);
            return new ECDsaSecurityKey(ec);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            ec.Dispose();
        }
        var rsa = RSA.Create();
        rsa.ImportFromPem(text);
        return new RsaSecurityKey(rsa);
    }
}

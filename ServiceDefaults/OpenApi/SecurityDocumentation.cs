using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Procedures.ServiceDefaults.Security;

namespace Procedures.ServiceDefaults.OpenApi;

/// <summary>
/// The OAuth 2.0 client-credentials scheme (token URL from <c>Authentication:TokenUrl</c>, every scope described) and, per
/// operation, what it needs: the scopes of <see cref="AuthenticationSetup.RequireScope{TBuilder}"/>, any token, or nothing
/// (public operations carry an empty <c>security</c>, so a generated client sends no token there).
/// </summary>
internal static class SecurityDocumentation
{
    public const string SchemeId = "oauth2";

    public static Task DocumentScheme(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken _)
    {
        var configuration = context.ApplicationServices.GetRequiredService<IConfiguration>();
        var tokenUrl = configuration[$"{AuthenticationSetup.Section}:TokenUrl"] ?? AuthenticationSetup.DevelopmentTokenUrl;
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SchemeId] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.OAuth2,
            Description = "OAuth 2.0 client credentials (RFC 6749 §4.4) from the city's identity provider; the access token is a JWT sent as `Authorization: Bearer …`. Another agency's data answers 404, as an unknown one does.",
            Flows = new OpenApiOAuthFlows
            {
                ClientCredentials = new OpenApiOAuthFlow
                {
                    TokenUrl = new Uri(tokenUrl),
                    Scopes = Scopes.Descriptions.ToDictionary(s => s.Key, s => s.Value),
                },
            },
        };
        // The address a client reaches the service at depends on the installation (and differs per replica); a generated
        // client is given its base address, and the reference UI uses the page's own.
        document.Servers = [];
        return Task.CompletedTask;
    }

    public static Task DocumentRequirement(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken _)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IAllowAnonymous>().Any())
        {
            operation.Security = [];
            return Task.CompletedTask;
        }
        var scopes = metadata.OfType<RequiredScopes>().LastOrDefault()?.AnyOf ?? [];
        operation.Security =
        [
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeId, context.Document)] = [.. scopes] },
        ];
        if (scopes.Count > 1)
            operation.Description = Append(operation.Description, $"Needs a token with any one of the scopes {string.Join(", ", scopes.Select(s => $"`{s}`"))}.");
        return Task.CompletedTask;
    }

    private static string Append(string? text, string more) => string.IsNullOrEmpty(text) ? more : $"{text}\n\n{more}";
}

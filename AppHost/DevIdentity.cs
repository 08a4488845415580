namespace Procedures.AppHost;

/// <summary>
/// Development identity: the sandbox issues client-credentials tokens signed with the dev key in
/// deploy/local/dev-keys, and every service validates them with its public half. Production configures the
/// city's identity provider instead (Authentication section: issuer, audience, signing keys).
/// </summary>
public static class DevIdentity
{
    public const string Issuer = "procedures-dev-idp";
    public const string Audience = "procedures-api";
    /// <summary>The city's procedure-control office: its clients see every agency's dossiers.</summary>
    public const string CityControlAgency = "000.00.00.H29";

    private static string Key(IDistributedApplicationBuilder builder, string file)
        => Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "deploy", "local", "dev-keys", file));

    /// <summary>The sandbox plays the identity provider with the private dev key.</summary>
    public static IResourceBuilder<ProjectResource> AsIdentityProvider(this IResourceBuilder<ProjectResource> sandbox)
        => sandbox
            .WithEnvironment("Identity__Issuer", Issuer)
            .WithEnvironment("Identity__Audience", Audience)
            .WithEnvironment("Identity__SigningKey", Key(sandbox.ApplicationBuilder, "idp-signing.dev.pem"));

    /// <summary>A service accepts the dev identity provider's tokens.</summary>
    public static IResourceBuilder<ProjectResource> WithTokenValidation(this IResourceBuilder<ProjectResource> service)
        => service
            .WithEnvironment("Authentication__Issuer", Issuer)
            .WithEnvironment("Authentication__Audience", Audience)
            .WithEnvironment("Authentication__SigningKeys__0", Key(service.ApplicationBuilder, "idp-signing.dev.pub.pem"))
            .WithEnvironment("Authentication__AllAgencies__0", CityControlAgency);
}

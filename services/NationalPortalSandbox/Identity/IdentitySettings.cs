namespace Procedures.Sandbox.Identity;

/// <summary>One configured agency system (or service) allowed to obtain tokens.</summary>
public sealed class ClientRegistration
{
    public string ClientId { get; set; } = "";
    public string Secret { get; set; } = "";
    public string Agency { get; set; } = "";
    public string[] Scopes { get; set; } = [];
}

/// <summary>The development identity provider's settings ("Identity" section).</summary>
public sealed class IdentitySettings
{
    public string Issuer { get; set; } = "";
    public string Audience { get; set; } = "";
    /// <summary>PEM private key (EC P-256), or a path to one. Development keys only.</summary>
    public string SigningKey { get; set; } = "";
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(15);
    public List<ClientRegistration> Clients { get; set; } = [];
}

using Microsoft.Kiota.Abstractions.Authentication;
using Procedures.ApiClients.Sandbox;
using Procedures.ApiClients.Sandbox.Models;

namespace Procedures.EndToEnd.Tests.GeneratedClients;

/// <summary>
/// Client-credentials tokens (RFC 6749 §4.4) from the sandbox's identity provider, asked for through the generated
/// sandbox client (its /connect/token operation is described as form-encoded with a typed answer), kept until shortly
/// before they expire. The dev clients' secret is "&lt;client id&gt;-secret" (appsettings.Development.json).
/// </summary>
public sealed class SandboxTokens(SandboxClient sandbox, string clientId) : IAccessTokenProvider
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (string Token, DateTimeOffset Until)? _current;

    /// <summary>Empty: every host (the services listen on loopback addresses chosen by the fixture).</summary>
    public AllowedHostsValidator AllowedHostsValidator { get; } = new();

    public async Task<string> GetAuthorizationTokenAsync(Uri uri, Dictionary<string, object>? additionalAuthenticationContext = null,
        CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_current is { } current && current.Until > DateTimeOffset.UtcNow) return current.Token;
            var answer = await sandbox.Connect.Token.PostAsync(new TokenRequest
            {
                GrantType = "client_credentials", ClientId = clientId, ClientSecret = clientId + "-secret",
            }, cancellationToken: cancellationToken);
            var token = answer?.AccessToken ?? throw new InvalidOperationException($"No access token for {clientId}");
            Assert.Equal("Bearer", answer.TokenType, ignoreCase: true);
            _current = (token, DateTimeOffset.UtcNow.AddSeconds((answer.ExpiresIn ?? 60) - 30));
            return token;
        }
        finally
        {
            _gate.Release();
        }
    }
}

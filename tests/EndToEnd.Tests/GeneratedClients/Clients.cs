using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Abstractions.Authentication;
using Microsoft.Kiota.Http.HttpClientLibrary;
using Procedures.ApiClients.Intake;
using Procedures.ApiClients.Notifications;
using Procedures.ApiClients.Payment;
using Procedures.ApiClients.Processing;
using Procedures.ApiClients.Sandbox;
using Procedures.Contracts;

namespace Procedures.EndToEnd.Tests.GeneratedClients;

/// <summary>
/// The Kiota clients generated from docs/openapi (tests/ApiClients), set up as an integrator would: Kiota's own HTTP
/// pipeline (retry, redirect, headers inspection…) plus <see cref="ExchangeRecorder"/>, the fixture's address of each
/// service, and either a bearer token of a dev client (<see cref="SandboxTokens"/>) or no authentication at all.
/// The fixture's own HttpClient gives only the address: Kiota's middleware (headers inspection) needs its own pipeline.
/// </summary>
public sealed class Clients(SystemFixture system) : IDisposable
{
    private readonly List<HttpClient> _http = [];
    private readonly Dictionary<string, SandboxTokens> _tokens = [];

    /// <param name="clientId">A dev client of the sandbox's identity provider, or null for an anonymous caller.</param>
    public IntakeClient Intake(string? clientId) => new(Adapter(ResourceNames.Intake, clientId));

    public ProcessingClient Processing(string? clientId) => new(Adapter(ResourceNames.Processing, clientId));

    public PaymentClient Payment(string? clientId) => new(Adapter(ResourceNames.Payment, clientId));

    public NotificationsClient Notifications(string? clientId) => new(Adapter(ResourceNames.Notifications, clientId));

    public SandboxClient Sandbox(string? clientId) => new(Adapter(ResourceNames.Sandbox, clientId));

    private IRequestAdapter Adapter(string service, string? clientId)
    {
        Uri address;
        using (var fixtureClient = system.Client(service)) address = fixtureClient.BaseAddress!;
        var http = KiotaClientFactory.Create([.. KiotaClientFactory.CreateDefaultHandlers(), new ExchangeRecorder()]);
        _http.Add(http);
        IAuthenticationProvider authentication = clientId is null
            ? new AnonymousAuthenticationProvider()
            : new BaseBearerTokenAuthenticationProvider(Tokens(clientId));
        return new HttpClientRequestAdapter(authentication, httpClient: http) { BaseUrl = address.ToString().TrimEnd('/') };
    }

    private SandboxTokens Tokens(string clientId)
    {
        lock (_tokens)
        {
            if (!_tokens.TryGetValue(clientId, out var tokens))
                _tokens[clientId] = tokens = new SandboxTokens(Sandbox(null), clientId);
            return tokens;
        }
    }

    public void Dispose()
    {
        foreach (var http in _http) http.Dispose();
    }
}

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using Procedures.Messaging;
using Procedures.Messaging.Audit;
using Procedures.ServiceDefaults.Audit;
using Procedures.ServiceDefaults.Security;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests.Api;

/// <summary>
/// The request audit recorder every service gets through Messaging, on a real Kestrel with the service defaults and a real
/// audit log (Postgres): a write whose handler wrote no entry gets one, a handler's own entry is not doubled, and 401,
/// 403 (scope) and a marked cross-agency refusal are audited as security events and counted on procedures.security.events.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class RequestAuditTests(InfrastructureFixture infra) : IAsyncLifetime
{
    private WebApplication _app = null!;
    private HttpClient _http = null!;
    private MeterListener _listener = null!;
    private readonly ConcurrentQueue<(string Kind, string Outcome)> _events = new();

    public async Task InitializeAsync()
    {
        _listener = new MeterListener();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SecurityEvents.MeterName && instrument.Name == SecurityEvents.CounterName) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            string kind = "", outcome = "";
            foreach (var t in tags)
            {
                if (t.Key == "kind") kind = t.Value as string ?? "";
                if (t.Key == "outcome") outcome = t.Value as string ?? "";
            }
            _events.Enqueue((kind, outcome));
        });
        _listener.Start();

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:auditdb"] = infra.NewDatabase("reqaudit"),
            ["ConnectionStrings:rabbitmq"] = infra.RabbitMq.ToString(),
            ["Authentication:Issuer"] = "procedures-dev-idp",
            ["Authentication:Audience"] = "procedures-api",
            ["Authentication:SigningKeys:0"] = Path.Combine(RepositoryRoot.Path, "deploy", "local", "dev-keys", "idp-signing.dev.pub.pem"),
            [SecurityEventBudget.Setting] = "3",
        });
        builder.AddServiceDefaults();
        builder.AddProceduresMessaging("reqaudit" + Guid.NewGuid().ToString("N")[..6], "auditdb", typeof(RequestAuditTests).Assembly);
        builder.AddRequestAudit();
        _app = builder.Build();
        _app.MapDefaultEndpoints();
        _app.MapPost("/things/{id}", (string id) => TypedResults.NoContent()).WithName("TouchThing").RequireScope(Scopes.Sync);
        _app.MapPost("/audited/{id}", async (string id, HttpContext http, NpgsqlDataSource db) =>
        {
            await using var connection = await db.OpenConnectionAsync();
            await using var tx = await connection.BeginTransactionAsync();
            await AuditLog.AppendAsync(tx, AuditActor.FromRequest(http, "own", "own"), new AuditEntry("thing.own", id, false), DateTimeOffset.UtcNow, default);
            await tx.CommitAsync();
            return TypedResults.NoContent();
        }).WithName("AuditedThing").RequireScope(Scopes.Sync);
        _app.MapGet("/foreign/{id}", (string id, HttpContext http) =>
        {
            CrossAgency.Refused(http, id, "other-agency");
            return TypedResults.NotFound();
        }).WithName("ForeignThing").RequireScope(Scopes.Sync);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        // Our own traceparent goes out as written: no propagator replaces it with the test process's trace.
        _http = new HttpClient(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        _listener.Dispose();
        _http.Dispose();
        await _app.DisposeAsync();
    }

    /// <summary>The development issuer's key (kept: the token library caches a signer per key).</summary>
    private static readonly ECDsa SigningKey = LoadSigningKey();

    private static ECDsa LoadSigningKey()
    {
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "deploy", "local", "dev-keys", "idp-signing.dev.pem")));
        return key;
    }

    private static string Token(string scope, string client = "clerk-1", string agency = "26740.H29")
    {
        var key = SigningKey;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "procedures-dev-idp", Audience = "procedures-api", Expires = DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key), SecurityAlgorithms.EcdsaSha256),
            Claims = new Dictionary<string, object> { ["client_id"] = client, ["agency"] = agency, ["scope"] = scope },
        });
    }

    /// <summary>Sends with a known W3C trace id and returns the audit entries of that request.</summary>
    private async Task<(HttpStatusCode Status, IReadOnlyList<AuditRecord> Entries)> SendAsync(HttpMethod method, string path, string? token)
    {
        var trace = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add("traceparent", $"00-{trace}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}-01");
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (method == HttpMethod.Post) request.Content = new StringContent("", Encoding.UTF8);
        using var response = await _http.SendAsync(request);
        var entries = await AuditLog.QueryAsync(_app.Services.GetRequiredService<NpgsqlDataSource>(), new AuditQuery(TraceId: trace), default);
        return (response.StatusCode, entries);
    }

    [Fact]
    public async Task A_write_without_its_own_entry_gets_one_naming_client_agency_operation_target_and_outcome()
    {
        var (status, entries) = await SendAsync(HttpMethod.Post, "/things/T-17", Token("sync"));
        Assert.Equal(HttpStatusCode.NoContent, status);
        var entry = Assert.Single(entries);
        Assert.Equal(("clerk-1", "26740.H29", "TouchThing", "T-17"), (entry.ClientId, entry.Agency, entry.Action, entry.Resource));
        Assert.Equal(204, entry.Detail!.Value.GetProperty("status").GetInt32());
        Assert.Equal("POST", entry.Detail!.Value.GetProperty("method").GetString());
    }

    [Fact]
    public async Task A_handlers_own_entry_is_not_doubled()
    {
        var (status, entries) = await SendAsync(HttpMethod.Post, "/audited/A-1", Token("sync"));
        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.Equal("thing.own", Assert.Single(entries).Action);
    }

    [Fact]
    public async Task Refusals_are_security_events_audited_and_counted()
    {
        var (missing, unauthenticated) = await SendAsync(HttpMethod.Post, "/things/T-1", token: null);
        Assert.Equal(HttpStatusCode.Unauthorized, missing);
        var entry = Assert.Single(unauthenticated);
        Assert.Equal(("security.unauthenticated", "anonymous", "/things/T-1"), (entry.Action, entry.ClientId, entry.Resource));
        Assert.Equal("missing-token", entry.Detail!.Value.GetProperty("reason").GetString());

        var (refused, invalid) = await SendAsync(HttpMethod.Get, "/foreign/x", "not-a-token");
        Assert.Equal(HttpStatusCode.Unauthorized, refused);
        Assert.Equal("invalid-token", Assert.Single(invalid).Detail!.Value.GetProperty("reason").GetString());

        var (noScope, forbidden) = await SendAsync(HttpMethod.Post, "/things/T-2", Token("reporting", client: "viewer"));
        Assert.Equal(HttpStatusCode.Forbidden, noScope);
        entry = Assert.Single(forbidden);
        Assert.Equal(("security.forbidden", "viewer", "26740.H29"), (entry.Action, entry.ClientId, entry.Agency));
        Assert.Equal("missing-scope", entry.Detail!.Value.GetProperty("reason").GetString());

        var (notFound, foreign) = await SendAsync(HttpMethod.Get, "/foreign/D-9", Token("sync"));
        Assert.Equal(HttpStatusCode.NotFound, notFound);
        entry = Assert.Single(foreign);
        Assert.Equal(("security.cross-agency", "clerk-1", "D-9"), (entry.Action, entry.ClientId, entry.Resource));
        Assert.Equal("other-agency", entry.Detail!.Value.GetProperty("ownerAgency").GetString());

        // The counter is process-wide (another host in this test run may count too): at least these.
        var counted = _events.ToArray();
        Assert.True(counted.Count(e => e == ("unauthenticated", "audited")) >= 2, string.Join(", ", counted));
        Assert.Contains(("forbidden", "audited"), counted);
        Assert.Contains(("cross-agency", "audited"), counted);
    }

    [Fact]
    public async Task A_flood_of_401s_from_one_address_is_counted_but_audited_only_up_to_the_budget()
    {
        var audited = 0;
        for (var i = 0; i < 6; i++)
            audited += (await SendAsync(HttpMethod.Post, "/things/F", token: null)).Entries.Count;
        Assert.Equal(3, audited); // Hardening:SecurityEventsAuditedPerMinute = 3 in this host
        var counted = _events.ToArray();
        Assert.True(counted.Count(e => e == ("unauthenticated", "suppressed")) >= 3, string.Join(", ", counted));
    }
}

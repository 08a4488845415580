using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Procedures.Contracts;
using Procedures.ServiceDefaults.Security;
using Procedures.TestInfrastructure.Contract;

namespace Procedures.Services.Tests;

/// <summary>The per-client limit every service gets, on a real Kestrel with the shared hardening and pipeline order.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task A_client_over_its_limit_gets_429_problem_details_with_retry_after()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Hardening:RequestsPerMinutePerClient"] = "3" });
        builder.AddHardening();
        await using var app = builder.Build();
        app.UseRateLimiter();
        app.MapGet("/ping", () => "pong");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        // /ping stands in for any API operation (every one is behind this limit): the answers, the 429 above all, are
        // checked against Intake's catalogue search in its OpenAPI document.
        using var http = ContractCheckingHandler.Client(ResourceNames.Intake, new Uri(address), standIn: ("GET", "/api/v1/procedures"));

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++) statuses.Add((await http.GetAsync("/ping")).StatusCode);
        using var limited = await http.GetAsync("/ping");

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.Contains("urn:procedures:problem:rate-limited", await limited.Content.ReadAsStringAsync());
        Assert.Equal("60", limited.Headers.GetValues("Retry-After").Single());
        await app.StopAsync();
    }
}

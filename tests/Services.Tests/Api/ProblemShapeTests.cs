using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Procedures.ServiceDefaults.Security;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests.Api;

/// <summary>
/// Every error a client can cause, whoever writes it (authentication, the framework's binding, Kestrel's body limit, the
/// media-type check), answers the one problem shape: a stable type, Vietnamese and English titles, the member or parameter
/// with its rule, and the trace id. A real Kestrel with the service defaults every service uses.
/// </summary>
public sealed class ProblemShapeTests : IAsyncLifetime
{
    public sealed record Body(string? Name, int Count);

    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Hardening:MaxRequestBodyBytes"] = "2000",
            ["Authentication:Issuer"] = "procedures-dev-idp",
            ["Authentication:Audience"] = "procedures-api",
            ["Authentication:SigningKeys:0"] = Path.Combine(RepositoryRoot.Path, "deploy", "local", "dev-keys", "idp-signing.dev.pub.pem"),
        });
        builder.AddServiceDefaults();
        _app = builder.Build();
        _app.MapDefaultEndpoints();
        _app.MapPost("/things", (Body body) => TypedResults.Ok(body)).AllowAnonymous();
        _app.MapGet("/things", (DateTimeOffset? from) => TypedResults.Ok(from)).AllowAnonymous();
        _app.MapGet("/secret", () => "s").RequireScope(Scopes.Audit);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _http = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>The members every problem has, whoever wrote it.</summary>
    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string slug)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal("urn:procedures:problem:" + slug, problem.GetProperty("type").GetString());
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title_vi").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title_en").GetString()));
        Assert.Matches("^[0-9a-f]{32}$|^[0-9A-Z:]+$", problem.GetProperty("traceId").GetString());
        return problem;
    }

    private static JsonElement OnlyError(JsonElement problem) => Assert.Single(problem.GetProperty("errors").EnumerateArray().ToList());

    [Fact]
    public async Task An_unknown_member_is_named_not_the_handlers_parameter()
    {
        using var response = await _http.PostAsync("/things", Json("""{"name":"a","count":1,"colour":"red"}"""));
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest, "malformed-request");
        var error = OnlyError(problem);
        Assert.Equal("colour", error.GetProperty("field").GetString());
        Assert.Equal("unknown-member", error.GetProperty("rule").GetString());
        Assert.DoesNotContain("Body body", problem.ToString());
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_names_the_member()
    {
        using var response = await _http.PostAsync("/things", Json("""{"name":"a","count":"many"}"""));
        var error = OnlyError(await ProblemAsync(response, HttpStatusCode.BadRequest, "malformed-request"));
        Assert.Equal("count", error.GetProperty("field").GetString());
        Assert.Equal("type", error.GetProperty("rule").GetString());
    }

    [Fact]
    public async Task A_duplicated_member_is_named()
    {
        using var response = await _http.PostAsync("/things", Json("""{"name":"a","name":"b","count":1}"""));
        var error = OnlyError(await ProblemAsync(response, HttpStatusCode.BadRequest, "malformed-request"));
        Assert.Equal("duplicate-member", error.GetProperty("rule").GetString());
    }

    [Fact]
    public async Task A_query_parameter_that_cannot_be_read_is_named_with_its_rule()
    {
        using var response = await _http.GetAsync("/things?from=x");
        var error = OnlyError(await ProblemAsync(response, HttpStatusCode.BadRequest, "malformed-request"));
        Assert.Equal("from", error.GetProperty("field").GetString());
        Assert.Equal("format", error.GetProperty("rule").GetString());
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413_body_too_large()
    {
        using var response = await _http.PostAsync("/things", Json($$"""{"name":"{{new string('a', 5000)}}","count":1}"""));
        await ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "body-too-large");
    }

    [Fact]
    public async Task A_body_of_another_media_type_is_415()
    {
        using var response = await _http.PostAsync("/things", new StringContent("name=a", Encoding.UTF8, "text/plain"));
        await ProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
    }

    [Fact]
    public async Task No_token_is_401_with_the_bearer_challenge_and_a_readable_body()
    {
        using var response = await _http.GetAsync("/secret");
        await ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Null(response.Headers.WwwAuthenticate.Single().Parameter);
        // Vietnamese as letters, not \u escapes: a person reading the raw answer can.
        Assert.Contains("Chưa xác thực", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_bad_token_is_401_invalid_token()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/secret");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "not.a.token");
        using var response = await _http.SendAsync(request);
        await ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.Single().Parameter);
    }
}

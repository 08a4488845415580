using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Procedures.ServiceDefaults.Idempotency;
using Procedures.ServiceDefaults.OpenApi;
using Procedures.ServiceDefaults.Security;
using Procedures.Services.Tests.Api.Features;

namespace Procedures.Services.Tests.Api;

/// <summary>
/// What the shared OpenAPI set-up makes of endpoints, on a small host with the service defaults: two features' nested
/// <c>Request</c> types get two schemas, scopes and public operations are declared, every error status has the one problem
/// schema, and the Idempotency-Key header appears where the endpoint takes one.
/// </summary>
public sealed class OpenApiDescriptionTests : IAsyncLifetime
{
    private WebApplication _app = null!;
    private JsonElement _document;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.AddServiceDefaults();
        _app = builder.Build();
        _app.MapDefaultEndpoints();
        _app.MapPost("/submissions", (Submit.Request r) => TypedResults.Created("/x", r)).RequireScope(Scopes.DossiersSubmit).RequireIdempotencyKey()
            .WithName("Submit").WithSummary("s");
        _app.MapPost("/copies/{id}", (string id, Certify.Request r) => TypedResults.Ok(new Certify.Response(r.DocumentId, null)))
            .RequireScope(Scopes.Reception, Scopes.Processing).ProducesProblems(409, "already-certified").WithName("Certify").WithSummary("c");
        _app.MapGet("/public", () => "p").AllowAnonymous().WithName("Public").WithSummary("p");
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        _document = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json")).RootElement.Clone();
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private JsonElement Operation(string path, string method) => _document.GetProperty("paths").GetProperty(path).GetProperty(method);

    private static string? BodyRef(JsonElement operation)
        => operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString();

    [Fact]
    public void Nested_types_of_one_name_get_one_schema_each()
    {
        Assert.Equal("#/components/schemas/SubmitRequest", BodyRef(Operation("/submissions", "post")));
        Assert.Equal("#/components/schemas/CertifyRequest", BodyRef(Operation("/copies/{id}", "post")));
        var schemas = _document.GetProperty("components").GetProperty("schemas");
        Assert.True(schemas.TryGetProperty("CertifyResponse", out _));
        Assert.False(schemas.TryGetProperty("Request", out _));
    }

    [Fact]
    public void Two_types_that_would_share_a_name_are_refused()
    {
        var ids = new SchemaIds();
        var options = JsonSerializerOptions.Web;
        Assert.Equal("SubmitRequest", ids.Create(options.GetTypeInfo(typeof(Submit.Request))));
        Assert.Equal("SubmitRequest", ids.Create(options.GetTypeInfo(typeof(Submit.Request)))); // the same type again is fine
        Assert.Throws<InvalidOperationException>(() => ids.Create(options.GetTypeInfo(typeof(Procedures.Services.Tests.Api.Other.Submit.Request))));
    }

    [Fact]
    public void Nullable_members_are_optional_and_the_others_required()
    {
        var schema = _document.GetProperty("components").GetProperty("schemas").GetProperty("CertifyRequest");
        Assert.Equal(["documentId"], schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void The_oauth2_scheme_and_each_operations_scopes_are_declared()
    {
        var scheme = _document.GetProperty("components").GetProperty("securitySchemes").GetProperty("oauth2");
        Assert.Equal("oauth2", scheme.GetProperty("type").GetString());
        var flow = scheme.GetProperty("flows").GetProperty("clientCredentials");
        Assert.Equal(AuthenticationSetup.DevelopmentTokenUrl, flow.GetProperty("tokenUrl").GetString());
        Assert.Equal(Scopes.All.Order(), flow.GetProperty("scopes").EnumerateObject().Select(p => p.Name).Order());

        string[] ScopesOf(JsonElement operation) => operation.GetProperty("security")[0].GetProperty("oauth2").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal([Scopes.DossiersSubmit], ScopesOf(Operation("/submissions", "post")));
        Assert.Equal([Scopes.Reception, Scopes.Processing], ScopesOf(Operation("/copies/{id}", "post")));
        Assert.Equal(0, Operation("/public", "get").GetProperty("security").GetArrayLength());
    }

    [Fact]
    public void Every_error_status_an_operation_can_answer_is_documented_with_the_problem_schema()
    {
        var certify = Operation("/copies/{id}", "post").GetProperty("responses");
        Assert.Equal(["200", "400", "401", "403", "404", "409", "413", "415", "429", "503"], certify.EnumerateObject().Select(p => p.Name));
        foreach (var error in certify.EnumerateObject().Where(p => p.Name != "200"))
            Assert.Equal("#/components/schemas/Problem",
                error.Value.GetProperty("content").GetProperty("application/problem+json").GetProperty("schema").GetProperty("$ref").GetString());
        Assert.Contains("urn:procedures:problem:already-certified", certify.GetProperty("409").GetProperty("description").GetString());
        Assert.Equal(["200", "400", "415", "429", "503"], Operation("/public", "get").GetProperty("responses").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void The_idempotency_key_is_a_required_header_where_an_endpoint_takes_one()
    {
        var submit = Operation("/submissions", "post");
        var header = Assert.Single(submit.GetProperty("parameters").EnumerateArray());
        Assert.Equal(("Idempotency-Key", "header", true), (header.GetProperty("name").GetString(), header.GetProperty("in").GetString(), header.GetProperty("required").GetBoolean()));
        Assert.Equal(["201", "400", "401", "403", "409", "413", "415", "422", "429", "503"], submit.GetProperty("responses").EnumerateObject().Select(p => p.Name));
        Assert.True(submit.GetProperty("responses").GetProperty("201").GetProperty("headers").TryGetProperty("Idempotent-Replayed", out _));
        Assert.False(Operation("/copies/{id}", "post").TryGetProperty("parameters", out var parameters)
            && parameters.EnumerateArray().Any(p => p.GetProperty("name").GetString() == "Idempotency-Key"));
    }

    [Fact]
    public void The_document_names_no_server_address()
        => Assert.False(_document.TryGetProperty("servers", out var servers) && servers.GetArrayLength() > 0);
}


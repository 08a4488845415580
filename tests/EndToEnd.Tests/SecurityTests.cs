using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Procedures.Contracts;

namespace Procedures.EndToEnd.Tests;

[Collection(SystemCollection.Name)]
public sealed class SecurityTests(SystemFixture system)
{
    private HttpClient Sandbox => system.Client(ResourceNames.Sandbox);
    private HttpClient Intake => system.Client(ResourceNames.Intake);

    private async Task<HttpResponseMessage> SubmitAsync(string? token, string unit = "26740.H29")
        => await Intake.SendAsync(Submissions.Post(unit, token));

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("urn:procedures:problem:" + type, problem.GetProperty("type").GetString());
        Assert.Matches("^[0-9a-f]{32}$", problem.GetProperty("traceId").GetString());
        return problem;
    }

    [Fact]
    public async Task Unauthenticated_call_is_401()
    {
        using var response = await SubmitAsync(token: null);
        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().ToString()); // RFC 6750 §3
    }

    [Fact]
    public async Task Token_without_the_scope_is_403()
    {
        var auditorOnly = await Tokens.ForClientAsync(Sandbox, "city-auditor");
        await AssertProblemAsync(await SubmitAsync(auditorOnly), HttpStatusCode.Forbidden, "forbidden");
    }

    public static TheoryData<string, string> BadTokens() => new()
    {
        { "forged (another key)", Tokens.Forge(foreignKey: true) },
        { "expired", Tokens.Forge(expires: DateTime.UtcNow.AddMinutes(-5)) },
        { "wrong audience", Tokens.Forge(audience: "someone-else") },
        { "wrong issuer", Tokens.Forge(issuer: "https://evil.example") },
        { "not a JWT", "not-a-token" },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task Bad_tokens_are_rejected(string why, string token)
    {
        using var response = await SubmitAsync(token);
        Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, why);
        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.Single().Parameter);
    }

    [Fact]
    public async Task A_well_formed_token_of_the_dev_key_is_accepted()
    {
        // The control for the test above: same minting code, nothing wrong with it.
        using var response = await SubmitAsync(Tokens.Forge());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task An_agency_cannot_see_or_infer_another_agencys_dossiers()
    {
        var saiGon = await Tokens.ForClientAsync(Sandbox, "phuong-sai-gon");
        var tanDinh = await Tokens.ForClientAsync(Sandbox, "phuong-tan-dinh");
        var admin = await Tokens.ForClientAsync(Sandbox, "dev-admin");
        using var created = await SubmitAsync(saiGon);
        var code = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("dossierCode").GetString()!;

        async Task<HttpResponseMessage> Get(string path, string token)
            => await Intake.SendAsync(new HttpRequestMessage(HttpMethod.Get, path).WithToken(token));

        // Another agency: the same 404 as an unknown code, and absent from its list.
        using var foreign = await Get($"/api/v1/dossiers/{code}", tanDinh);
        using var unknown = await Get($"/api/v1/dossiers/{code}9", tanDinh);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(unknown.StatusCode, foreign.StatusCode);
        static async Task<string> WithoutTraceId(HttpResponseMessage r)
        {
            var body = System.Text.Json.Nodes.JsonNode.Parse(await r.Content.ReadAsStringAsync())!.AsObject();
            body.Remove("traceId");
            return body.ToJsonString();
        }
        Assert.Equal(await WithoutTraceId(unknown), await WithoutTraceId(foreign));
        var theirList = await (await Get("/api/v1/dossiers?limit=200", tanDinh)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.DoesNotContain(theirList.GetProperty("items").EnumerateArray(), d => d.GetProperty("code").GetString() == code);
        // Nor may it submit at another agency's desk.
        await AssertProblemAsync(await SubmitAsync(tanDinh, unit: "26740.H29"), HttpStatusCode.Forbidden, "receiving-unit-not-yours");

        // The owner and the city's control office do see it.
        using var own = await Get($"/api/v1/dossiers/{code}", saiGon);
        using var city = await Get($"/api/v1/dossiers/{code}", admin);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Equal(HttpStatusCode.OK, city.StatusCode);
        var ownList = await (await Get("/api/v1/dossiers?limit=200", saiGon)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.All(ownList.GetProperty("items").EnumerateArray(), d => Assert.Equal("26740.H29", d.GetProperty("receivingUnit").GetString()));
    }

    [Fact]
    public async Task Token_endpoint_follows_rfc_6749()
    {
        async Task<(HttpStatusCode, string?)> Ask(Dictionary<string, string> form)
        {
            using var response = await Sandbox.PostAsync("/connect/token", new FormUrlEncodedContent(form));
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            return (response.StatusCode, body.TryGetProperty("error", out var e) ? e.GetString() : null);
        }

        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_client"),
            await Ask(new() { ["grant_type"] = "client_credentials", ["client_id"] = "dev-admin", ["client_secret"] = "wrong" }));
        Assert.Equal((HttpStatusCode.BadRequest, "unsupported_grant_type"),
            await Ask(new() { ["grant_type"] = "password", ["client_id"] = "dev-admin", ["client_secret"] = "dev-admin-secret" }));
        Assert.Equal((HttpStatusCode.BadRequest, "invalid_scope"),
            await Ask(new() { ["grant_type"] = "client_credentials", ["client_id"] = "city-auditor", ["client_secret"] = "city-auditor-secret", ["scope"] = "audit dossiers.submit" }));

        using var basic = new HttpRequestMessage(HttpMethod.Post, "/connect/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "audit" }),
        };
        basic.Headers.Authorization = new("Basic", Convert.ToBase64String("city-auditor:city-auditor-secret"u8.ToArray()));
        using var granted = await Sandbox.SendAsync(basic);
        var token = await granted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Bearer", token.GetProperty("token_type").GetString());
        Assert.Equal("audit", token.GetProperty("scope").GetString());
        Assert.True(token.GetProperty("expires_in").GetInt32() > 0);
    }

    [Fact]
    public async Task Public_endpoints_need_no_token_and_pages_carry_security_headers()
    {
        using var summary = await system.Client(ResourceNames.Reporting).GetAsync("/api/v1/kpi/summary");
        Assert.Equal(HttpStatusCode.OK, summary.StatusCode);
        Assert.Equal("nosniff", summary.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", summary.Headers.GetValues("X-Frame-Options").Single());
        Assert.Contains("default-src 'self'", summary.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task Unknown_json_members_are_refused()
    {
        var token = await Tokens.ForClientAsync(Sandbox, "phuong-sai-gon");
        using var request = Submissions.Post("26740.H29", token, body: new
        {
            procedureCode = Submissions.ProcedureCode, receivingUnit = "26740.H29", channel = 1,
            applicant = new { kind = "citizen", name = "A", citizenId = "079203001234" }, documents = Submissions.CompleteDocuments(), status = 10,
        });
        using var response = await Intake.SendAsync(request);
        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest, "malformed-request");
        // The member is named, never the handler's parameter ("Request request").
        var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
        Assert.Equal(("status", "unknown-member"), (error.GetProperty("field").GetString(), error.GetProperty("rule").GetString()));
        Assert.DoesNotContain("Request request", problem.ToString());
    }
}

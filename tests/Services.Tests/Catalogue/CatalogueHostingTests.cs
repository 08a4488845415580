using Microsoft.Extensions.Hosting;
using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Procedures.Intake.Catalogue;
using Procedures.ServiceDefaults.Security;
using Procedures.Contracts;
using Procedures.TestInfrastructure;
using Procedures.TestInfrastructure.Contract;
using static Procedures.Services.Tests.Catalogue.CatalogueTesting;

namespace Procedures.Services.Tests.Catalogue;

/// <summary>
/// MapCatalogue in a minimal host on a free port, to check what the handler tests cannot: route binding, JSON names
/// of the enums, anonymous reads and scope-protected writes (a header-based test scheme stands in for the JWTs).
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class CatalogueHostingTests(InfrastructureFixture infra) : IAsyncLifetime
{
    private NpgsqlDataSource _db = null!;
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _db = await CreateSeededAsync(infra);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.AddHardening();
        builder.Services.AddProceduresProblems();
        builder.Services.AddSingleton(_db);
        builder.Services.AddSingleton<TimeProvider>(new TestClock(Now));
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddScoped(sp => Caller.From(
            sp.GetRequiredService<IHttpContextAccessor>().HttpContext!.User, new HashSet<string>(StringComparer.Ordinal)));
        builder.Services.AddAuthentication(HeaderScheme.Name).AddScheme<AuthenticationSchemeOptions, HeaderScheme>(HeaderScheme.Name, null);
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        _app = builder.Build();
        _app.UseAuthentication();
        _app.UseAuthorization();
        _app.MapCatalogue();
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        _http = ContractCheckingHandler.Client(ResourceNames.Intake, new Uri(address)); // checked against Intake's OpenAPI document
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _db.DisposeAsync();
    }

    private static HttpRequestMessage AsAdmin(HttpRequestMessage request, string scopes = Scopes.ProceduresAdmin)
    {
        request.Headers.Add(HeaderScheme.ScopesHeader, scopes);
        return request;
    }

    [Fact]
    public async Task Anonymous_search_answers_json_with_status_draft_and_named_enums()
    {
        var response = await _http.GetAsync("/api/v1/procedures?q=khai%20sinh&status=draft&limit=2");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(page.GetProperty("total").GetInt64() >= 3);
        Assert.Equal(2, page.GetProperty("limit").GetInt32());
        var first = page.GetProperty("items")[0];
        Assert.Equal("draft", first.GetProperty("status").GetString());
        Assert.Equal("unknown", first.GetProperty("onlineLevel").GetString());
    }

    [Fact]
    public async Task Anonymous_reads_of_a_procedure_its_version_and_the_units()
    {
        var detail = await _http.GetFromJsonAsync<JsonElement>("/api/v1/procedures/1.004222");
        var current = detail.GetProperty("current");
        Assert.Equal(("published", true, "commune-police"), (current.GetProperty("status").GetString(), current.GetProperty("openForSubmission").GetBoolean(),
            current.GetProperty("decidingAgency").GetString()));
        Assert.Equal("working-days", current.GetProperty("processingTime").GetProperty("unit").GetString());
        Assert.Equal(1, detail.GetProperty("versions").GetArrayLength());

        var version = await _http.GetFromJsonAsync<JsonElement>("/api/v1/procedures/1.004222/versions/1");
        Assert.Equal("TP01", version.GetProperty("documents")[0].GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await _http.GetAsync("/api/v1/procedures/1.004222/versions/9")).StatusCode);

        var units = await _http.GetFromJsonAsync<JsonElement>("/api/v1/receiving-units?q=ben%20thanh");
        Assert.Equal("26743.H29", units.GetProperty("items")[0].GetProperty("id").GetString());
        var unit = await _http.GetFromJsonAsync<JsonElement>("/api/v1/receiving-units/000.00.00.H29");
        Assert.True(unit.GetProperty("localScheme").GetBoolean());
    }

    [Fact]
    public async Task Invalid_query_answers_bilingual_problem_details_naming_field_and_rule()
    {
        var response = await _http.GetAsync("/api/v1/procedures?level=district");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var error = problem.GetProperty("errors")[0];
        Assert.Equal(("level", "one-of"), (error.GetProperty("field").GetString(), error.GetProperty("rule").GetString()));
        Assert.Contains("phải", error.GetProperty("vi").GetString());
    }

    [Fact]
    public async Task Writes_need_the_procedures_admin_scope()
    {
        var anonymous = await _http.PostAsync("/api/v1/procedures/import", new StringContent(SeedRows("1.000656"), Encoding.UTF8, "text/csv"));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        var wrongScope = await _http.SendAsync(AsAdmin(new HttpRequestMessage(HttpMethod.Put, "/api/v1/procedures/1.000656")
            { Content = JsonContent.Create(new { name = "x" }) }, Scopes.DossiersSubmit));
        Assert.Equal(HttpStatusCode.Forbidden, wrongScope.StatusCode);
    }

    [Fact]
    public async Task Admin_imports_csv_and_changes_a_procedure_over_http()
    {
        var import = await _http.SendAsync(AsAdmin(new HttpRequestMessage(HttpMethod.Post, "/api/v1/procedures/import")
            { Content = new StringContent(SeedRows("1.000656"), Encoding.UTF8, "text/csv") }));
        Assert.Equal(HttpStatusCode.OK, import.StatusCode);
        Assert.Equal("1.000656", (await import.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("unchanged")[0].GetString());

        var change = await _http.SendAsync(AsAdmin(new HttpRequestMessage(HttpMethod.Put, "/api/v1/procedures/1.000656")
        {
            Content = JsonContent.Create(new
            {
                name = "Thủ tục đăng ký khai tử", field = "Hộ tịch", level = "commune", decidingAgency = "commune-people-committee",
                documents = new[] { new { name = "Tờ khai đăng ký khai tử", required = true } },
                fees = Array.Empty<object>(),
                processingTime = new { amount = 1, unit = "working-days" },
                baseVersion = 1,
            }),
        }));
        Assert.Equal(HttpStatusCode.OK, change.StatusCode);
        var view = await change.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((2, "published", false), (view.GetProperty("version").GetInt32(), view.GetProperty("status").GetString(),
            view.GetProperty("feeBearing").GetBoolean()));

        var unknownMember = await _http.SendAsync(AsAdmin(new HttpRequestMessage(HttpMethod.Post, "/api/v1/procedures")
            { Content = JsonContent.Create(new { code = "1.777001", name = "x", field = "y", colour = "red" }) }));
        Assert.Equal(HttpStatusCode.BadRequest, unknownMember.StatusCode);
    }

    /// <summary>Authenticates any request carrying X-Test-Scopes, with those scopes and the city as agency.</summary>
    private sealed class HeaderScheme(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        public const string Name = "test-header";
        public const string ScopesHeader = "X-Test-Scopes";

        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!Request.Headers.TryGetValue(ScopesHeader, out var scopes)) return Task.FromResult(AuthenticateResult.NoResult());
            var identity = new ClaimsIdentity(
                [new Claim(Caller.ClientIdClaim, "catalogue-admin"), new Claim(Caller.AgencyClaim, "000.00.00.H29"), new Claim(Caller.ScopeClaim, scopes.ToString())],
                Name);
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Name)));
        }
    }
}

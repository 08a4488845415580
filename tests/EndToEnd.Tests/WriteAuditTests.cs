using System.Net;
using Aspire.Hosting.Testing;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Procedures.Contracts;
using Procedures.EndToEnd.Tests.Fuzz;
using Procedures.TestInfrastructure;
using Xunit.Abstractions;

namespace Procedures.EndToEnd.Tests;

/// <summary>
/// Issue #20, point 2: every write audited. Every non-GET operation the six services document (discovered from their
/// served OpenAPI documents) is called once as the city's control office, path parameters filled with real identifiers,
/// the body sampled from its schema; whatever it answers (a change or a refusal), the service's audit log holds an entry
/// of that request (found by its W3C trace id) naming client, agency, action and target. Refused requests (401, 403 for
/// a missing scope, another agency's dossier) are security events in the log.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class WriteAuditTests(SystemFixture system, ITestOutputHelper output)
{
    private const string AdminAgency = "000.00.00.H29";

    private static readonly string[] AuditedServices =
    [
        ResourceNames.Intake, ResourceNames.Processing, ResourceNames.Payment, ResourceNames.PortalSync,
        ResourceNames.Reporting, ResourceNames.Notifications,
    ];

    [Fact]
    public async Task Every_write_of_every_service_leaves_an_audit_entry_naming_client_agency_action_and_target()
    {
        var sandbox = system.Client(ResourceNames.Sandbox);
        var admin = await Tokens.ForClientAsync(sandbox, "dev-admin");
        var auditor = await Tokens.ForClientAsync(sandbox, "city-auditor");
        var ids = await SeedIdentifiersAsync(admin);

        var operations = new List<FuzzEndpoint>();
        foreach (var service in AuditedServices)
            operations.AddRange((await OpenApiCatalog.DiscoverAsync(service, system.Client(service), default)).Where(e => e.Method != "GET" && e.Method != "HEAD"));
        Assert.True(operations.Count >= 25, $"Only {operations.Count} write operations discovered");
        // Deleting the subscription comes after every other operation on it.
        operations = operations.OrderBy(e => e.Method == "DELETE").ThenBy(e => e.Key, StringComparer.Ordinal).ToList();

        var missing = new List<string>();
        foreach (var operation in operations)
        {
            var trace = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            var status = await CallAsync(operation, ids, admin, trace);
            var entries = await EntriesAsync(operation.Service, auditor, trace);
            var anonymous = IsPublic(operation);
            var named = entries.Where(e => Text(e, "action").Length > 0 && Text(e, "resource").Length > 0 && Text(e, "clientId").Length > 0
                                           && Text(e, "agency").Length > 0
                                           && (anonymous || (Text(e, "clientId") == "dev-admin" && Text(e, "agency") == AdminAgency))).ToList();
            output.WriteLine($"{operation.Key} -> {status}: {string.Join("; ", entries.Select(e => $"{Text(e, "action")} {Text(e, "resource")} by {Text(e, "clientId")}/{Text(e, "agency")}"))}");
            if (named.Count == 0) missing.Add($"{operation.Key} (answered {status}, {entries.Count} entries of its trace)");
        }
        var summary = $"write audit: {operations.Count} operations checked";
        output.WriteLine(summary);
        Procedures.TestInfrastructure.Contract.CoverageLines.Record(summary);
        Assert.True(missing.Count == 0, "Writes without an audit entry naming client, agency, action and target:\n" + string.Join("\n", missing));
    }

    [Fact]
    public async Task Unauthenticated_forbidden_and_cross_agency_requests_are_security_events_in_the_audit_log()
    {
        var sandbox = system.Client(ResourceNames.Sandbox);
        var intake = system.Client(ResourceNames.Intake);
        var auditor = await Tokens.ForClientAsync(sandbox, "city-auditor");
        var saiGon = await Tokens.ForClientAsync(sandbox, "phuong-sai-gon");
        var tanDinh = await Tokens.ForClientAsync(sandbox, "phuong-tan-dinh");
        using var created = await intake.SendAsync(Submissions.Post("26740.H29", saiGon));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var code = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("dossierCode").GetString()!;

        async Task<JsonElement> EventAsync(string path, string? token, HttpStatusCode expected, string action)
        {
            var trace = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            using var request = Traced(new HttpRequestMessage(HttpMethod.Get, path), trace);
            if (token is not null) request.WithToken(token);
            using var response = await Raw(ResourceNames.Intake).SendAsync(request);
            Assert.Equal(expected, response.StatusCode);
            var entries = await EntriesAsync(ResourceNames.Intake, auditor, trace);
            return Assert.Single(entries, e => Text(e, "action") == action);
        }

        var unauthenticated = await EventAsync($"/api/v1/dossiers/{code}", null, HttpStatusCode.Unauthorized, "security.unauthenticated");
        Assert.Equal("anonymous", Text(unauthenticated, "clientId"));
        Assert.Equal("missing-token", unauthenticated.GetProperty("detail").GetProperty("reason").GetString());

        var forbidden = await EventAsync("/api/v1/audit", saiGon, HttpStatusCode.Forbidden, "security.forbidden");
        Assert.Equal(("phuong-sai-gon", "26740.H29"), (Text(forbidden, "clientId"), Text(forbidden, "agency")));

        // Tân Định asks for Sài Gòn's dossier: 404 as for an unknown code, and on record as a cross-agency attempt.
        var crossAgency = await EventAsync($"/api/v1/dossiers/{code}", tanDinh, HttpStatusCode.NotFound, "security.cross-agency");
        Assert.Equal(("phuong-tan-dinh", "26737.H29", code), (Text(crossAgency, "clientId"), Text(crossAgency, "agency"), Text(crossAgency, "resource")));
        Assert.Equal("26740.H29", crossAgency.GetProperty("detail").GetProperty("ownerAgency").GetString());
    }

    [Fact]
    public async Task A_fault_switch_is_an_operator_action_on_the_sandboxs_record()
    {
        var sandbox = system.Client(ResourceNames.Sandbox);
        var trace = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        using (var refused = await Raw(ResourceNames.Sandbox).SendAsync(Traced(new HttpRequestMessage(HttpMethod.Put, "/sandbox/faults/portal")
               { Content = JsonContent.Create(new { errorRate = 2.0 }) }, trace)))
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        // Switching every fault off is harmless to the other tests, and an operator action all the same.
        using (var applied = await sandbox.PutAsJsonAsync("/sandbox/faults/payment", new { }))
            Assert.Equal(HttpStatusCode.OK, applied.StatusCode);

        var log = (await sandbox.GetFromJsonAsync<JsonElement>("/sandbox/operator-log")).EnumerateArray().ToList();
        var refusal = Assert.Single(log, a => Text(a, "traceId") == trace);
        Assert.Equal(("faults.portal.set", "refused"), (Text(refusal, "action"), Text(refusal, "outcome")));
        Assert.Equal(2.0, refusal.GetProperty("settings").GetProperty("errorRate").GetDouble());
        Assert.Equal(("faults.payment.set", "applied"), (Text(log[0], "action"), Text(log[0], "outcome")));
    }

    // ---- the calls ------------------------------------------------------------------------------------------

    /// <summary>Real identifiers for path parameters: a fresh dossier, a webhook subscription, a feedback.</summary>
    private sealed record Identifiers(string DossierCode, string SubscriptionId, string FeedbackId);

    private async Task<Identifiers> SeedIdentifiersAsync(string admin)
    {
        using var created = await system.Client(ResourceNames.Intake).SendAsync(Submissions.Post("26740.H29", admin));
        var createdBody = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, createdBody);
        var code = JsonDocument.Parse(createdBody).RootElement.GetProperty("dossierCode").GetString()!;

        var subscription = await CreatedIdAsync(ResourceNames.Notifications, "/api/v1/webhooks/subscriptions", admin,
            new { url = "http://localhost:9/write-audit" });
        var feedback = await CreatedIdAsync(ResourceNames.Processing, "/api/v1/feedback", admin,
            new { category = "procedure", content = "Kiểm tra nhật ký kiểm toán", dossierCode = code });
        return new Identifiers(code, subscription, feedback);
    }

    private async Task<string> CreatedIdAsync(string service, string path, string token, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) }.WithToken(token);
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await system.Client(service).SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{service} {path} answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("id").ToString();
    }

    /// <summary>
    /// One call of the operation as dev-admin with a known trace. It goes through a plain client: the sampled bodies are
    /// not meant to be valid, and what matters here is the audit log, not the answer's contract (other tests check that).
    /// </summary>
    private async Task<int> CallAsync(FuzzEndpoint operation, Identifiers ids, string admin, string trace)
    {
        var random = new Random(RequestFactory.Mix(20, operation.Key, 0));
        var sampler = new SchemaSampler(operation.Document, _ => null);
        var path = operation.Path;
        foreach (var name in OpenApiCatalog.TemplateNames(operation.Path))
        {
            var parameter = operation.Parameters.FirstOrDefault(p => p.In == "path" && p.Name == name) ?? new FuzzParameter(name, "path", true, null);
            path = path.Replace("{" + name + "}", Uri.EscapeDataString(PathValue(operation, name, parameter, ids, sampler, random)), StringComparison.Ordinal);
        }
        var query = string.Join('&', operation.In("query").Where(p => p.Required)
            .Select(p => $"{Uri.EscapeDataString(p.Name)}={Uri.EscapeDataString(sampler.SampleText(p, random))}"));
        using var request = Traced(new HttpRequestMessage(new HttpMethod(operation.Method), query.Length > 0 ? path + "?" + query : path), trace)
            .WithToken(admin);
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        if (operation.BodySchema is not null || operation.BodyMediaTypes.Count > 0) request.Content = Body(operation, sampler, random);
        using var response = await Raw(operation.Service).SendAsync(request);
        return (int)response.StatusCode;
    }

    private static string PathValue(FuzzEndpoint operation, string name, FuzzParameter parameter, Identifiers ids, SchemaSampler sampler, Random random)
        => (operation.Service, name) switch
        {
            // A procedure that does not exist: a sampled body must not change the seeded catalogue other tests use.
            (ResourceNames.Intake, "code") => "9.999999",
            (_, "code") => ids.DossierCode,
            (ResourceNames.Notifications, "id") => ids.SubscriptionId,
            (ResourceNames.Processing, "id") => ids.FeedbackId,
            // A year nobody else looks at: a sampled table of days off must not move other tests' deadlines.
            (_, "year") => "2099",
            _ => sampler.SampleText(parameter, random),
        };

    private static HttpContent Body(FuzzEndpoint operation, SchemaSampler sampler, Random random)
    {
        var sample = sampler.Sample(operation.BodySchema, random);
        var media = operation.BodyMediaTypes.FirstOrDefault(m => m.Contains("json", StringComparison.OrdinalIgnoreCase))
                    ?? operation.BodyMediaTypes.FirstOrDefault() ?? "application/json";
        if (!media.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase))
            return new ByteArrayContent(JWriter.ToBytes(sample)) { Headers = { ContentType = MediaTypeHeaderValue.Parse(media) } };
        // A form: each sampled member as a text part, and a small PDF as the file.
        var form = new MultipartFormDataContent();
        if (sample is JObj fields)
            foreach (var (name, value) in fields.Members.Where(m => m.Key != "file"))
                form.Add(new StringContent(value is JStr s ? s.Value : Encoding.UTF8.GetString(JWriter.ToBytes(value))), name);
        var pdf = new ByteArrayContent("%PDF-1.4\n%%EOF\n"u8.ToArray()) { Headers = { ContentType = new MediaTypeHeaderValue("application/pdf") } };
        form.Add(pdf, "file", "scan.pdf");
        return form;
    }

    private static bool IsPublic(FuzzEndpoint operation)
    {
        var item = operation.Document.Root.GetProperty("paths").GetProperty(operation.Path).GetProperty(operation.Method.ToLowerInvariant());
        return item.TryGetProperty("security", out var security) && security.ValueKind == JsonValueKind.Array && security.GetArrayLength() == 0;
    }

    // ---- the audit log --------------------------------------------------------------------------------------

    /// <summary>
    /// The entries of one request. The recorder writes before the request completes, but a client can have read a whole
    /// answer of known length before then: ask until an entry is there (or a few seconds pass).
    /// </summary>
    private async Task<List<JsonElement>> EntriesAsync(string service, string auditor, string trace)
    {
        var client = system.Client(service);
        try
        {
            return await Eventually.Until(async () =>
            {
                using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/audit?traceId={trace}").WithToken(auditor));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("entries").EnumerateArray().ToList();
            }, entries => entries.Count > 0, TimeSpan.FromSeconds(5), $"an audit entry of trace {trace} at {service}");
        }
        catch (TimeoutException)
        {
            return [];
        }
    }

    private static string Text(JsonElement entry, string name)
        => entry.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";

    private static HttpRequestMessage Traced(HttpRequestMessage request, string trace)
    {
        request.Headers.Add("traceparent", $"00-{trace}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}-01");
        return request;
    }

    /// <summary>
    /// A client without the contract check (see <see cref="CallAsync"/>), sending our traceparent as written (no propagator
    /// replaces it with a trace of the test process).
    /// </summary>
    private HttpClient Raw(string service)
        => new(new SocketsHttpHandler { ActivityHeadersPropagator = null }) { BaseAddress = system.App.GetEndpoint(service) };
}

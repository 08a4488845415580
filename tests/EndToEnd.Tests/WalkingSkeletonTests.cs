using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Procedures.Contracts;
using Procedures.TestInfrastructure;

namespace Procedures.EndToEnd.Tests;

[Collection(SystemCollection.Name)]
public sealed class WalkingSkeletonTests(SystemFixture system)
{
    [Fact]
    public async Task A_submitted_dossier_crosses_every_service_in_one_trace()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var token = await Tokens.ForClientAsync(system.Client(ResourceNames.Sandbox), "phuong-sai-gon");
        using var request = Submissions.Post("26740.H29", token);
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        // Other tests share this system and may still be syncing their own dossiers, so the checks below
        // look for this dossier at the portal and for one more synced dossier at Reporting than before.
        var reporting = system.Client(ResourceNames.Reporting);
        var syncedBefore = (await reporting.GetFromJsonAsync<JsonElement>("/api/v1/kpi/summary")).GetProperty("synced").GetInt64();
        var submittedAt = Stopwatch.StartNew();

        using var created = await system.Client(ResourceNames.Intake).SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.Content.ReadFromJsonAsync<JsonElement>();
        var code = body.GetProperty("dossierCode").GetString()!;
        Assert.True(DossierCode.TryParse(code, out _), code);
        Assert.Equal(1, body.GetProperty("status").GetInt32());
        Assert.EndsWith("+07:00", body.GetProperty("submittedAt").GetString()); // shown in Vietnam time

        // PortalSync → sandbox portal: the portal holds the record (status 1) and the first history row.
        var sandbox = system.Client(ResourceNames.Sandbox);
        var portal = await Eventually.Until(
            async () =>
            {
                using var answer = await sandbox.GetAsync($"/portal/dossiers/{code}");
                return answer.StatusCode == HttpStatusCode.OK ? await answer.Content.ReadFromJsonAsync<JsonElement>() : (JsonElement?)null;
            },
            p => p is { } held && held.GetProperty("history").GetArrayLength() > 0, TimeSpan.FromSeconds(60),
            "the portal to hold the dossier and its first history row");
        Console.WriteLine($"submit → held by the portal: {submittedAt.ElapsedMilliseconds} ms");

        // DossierSynced → Reporting: counted as synced.
        await Eventually.Until(
            () => reporting.GetFromJsonAsync<JsonElement>("/api/v1/kpi/summary"),
            s => s.GetProperty("synced").GetInt64() > syncedBefore, TimeSpan.FromSeconds(60), "the dossier to be counted as synced");
        Console.WriteLine($"submit → counted as synced at Reporting: {submittedAt.ElapsedMilliseconds} ms");

        var record = portal!.Value.GetProperty("record");
        Assert.Equal(code, record.GetProperty("MaHoSo").GetString());
        Assert.Equal(Submissions.ProcedureCode, record.GetProperty("MaTTHC").GetString());
        Assert.Equal(1, record.GetProperty("TrangThaiHoSo").GetInt32());
        Assert.Equal(2, record.GetProperty("KenhThucHien").GetInt32());
        Assert.Equal(1, record.GetProperty("LoaiDoiTuong").GetInt32());
        Assert.Equal("079203001234", record.GetProperty("SoGiayToChuHoSo").GetString());
        Assert.Equal(1, record.GetProperty("TaiKhoanDuocXacThucVoiVNeID").GetInt32());
        Assert.Equal("Nguyễn Văn A", record.GetProperty("ChuHoSo").GetString());
        var history = portal.Value.GetProperty("history").EnumerateArray().ToList();
        Assert.Single(history);
        Assert.Equal(1, history[0].GetProperty("TrangThai").GetInt32());
        // The portal saw our trace.
        var traceParents = portal.Value.GetProperty("traceParents").EnumerateArray().Select(t => t.GetString()!).ToList();
        Assert.NotEmpty(traceParents);
        Assert.All(traceParents, t => Assert.Contains(traceId.ToString(), t));
    }

    [Fact]
    public async Task Every_service_is_healthy_and_documents_its_api()
    {
        foreach (var service in SystemFixture.Services)
        {
            var client = system.Client(service);
            Assert.Equal("Healthy", await client.GetStringAsync("/health"));
            var openApi = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
            Assert.StartsWith("3.1", openApi.GetProperty("openapi").GetString());
            using var scalar = await client.GetAsync("/scalar/");
            Assert.Equal(HttpStatusCode.OK, scalar.StatusCode);
        }
    }

    [Fact]
    public async Task Intakes_api_description_shows_an_example_for_every_json_operation()
    {
        var document = await system.Client(ResourceNames.Intake).GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var missing = new List<string>();
        foreach (var path in document.GetProperty("paths").EnumerateObject().Where(p => p.Name.StartsWith("/api/v1/", StringComparison.Ordinal)
                     && !p.Name.StartsWith("/api/v1/audit", StringComparison.Ordinal) && !p.Name.EndsWith("/content", StringComparison.Ordinal)))
        foreach (var operation in path.Value.EnumerateObject())
        {
            var text = operation.Value.GetRawText();
            if (!text.Contains("\"example\"", StringComparison.Ordinal)) missing.Add($"{operation.Name.ToUpperInvariant()} {path.Name}");
        }
        Assert.Empty(missing);
    }

    [Fact]
    public async Task Bad_input_gets_a_bilingual_problem_naming_field_and_rule()
    {
        var intake = system.Client(ResourceNames.Intake);
        intake.DefaultRequestHeaders.Authorization = new("Bearer", await Tokens.ForClientAsync(system.Client(ResourceNames.Sandbox), "phuong-sai-gon"));

        intake.DefaultRequestHeaders.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var malformed = await intake.PostAsync("/api/v1/dossiers", new StringContent("{\"channel\": \"x\"", System.Text.Encoding.UTF8, "application/json"));
        using var invalid = await intake.PostAsJsonAsync("/api/v1/dossiers", new { channel = 9 });

        var problems = new List<JsonElement>();
        foreach (var response in new[] { malformed, invalid })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.StartsWith("urn:procedures:problem:", problem.GetProperty("type").GetString());
            Assert.False(string.IsNullOrEmpty(problem.GetProperty("title_vi").GetString()));
            Assert.False(string.IsNullOrEmpty(problem.GetProperty("title_en").GetString()));
            problems.Add(problem);
        }
        var errors = problems[1].GetProperty("errors").EnumerateArray().ToList();
        Assert.Contains(errors, e => e.GetProperty("field").GetString() == "channel" && e.GetProperty("rule").GetString() == "one-of");
        Assert.Contains(errors, e => e.GetProperty("field").GetString() == "procedureCode" && e.GetProperty("rule").GetString() == "required");
    }
}

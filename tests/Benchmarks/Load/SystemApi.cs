using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Procedures.Benchmarks.Load;

/// <summary>The calls agency systems, desks, citizens and the portal make, over pooled HTTP clients (one per service).</summary>
public sealed class SystemApi : IDisposable
{
    /// <summary>Khai báo tạm vắng: commune level, no fee, 1 working day.</summary>
    public const string PlainProcedure = "1.003677";

    /// <summary>Đăng ký thường trú: 20,000 VND, 7 working days.</summary>
    public const string FeeBearingProcedure = "1.004222";

    private readonly Dictionary<string, object[]> _documents = new(StringComparer.Ordinal);

    public SystemApi(SystemTarget target)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1024, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
        HttpClient Client(string service, Uri address)
            => new(target.WrapHandler?.Invoke(service, handler) ?? handler, disposeHandler: false) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        Handler = handler;
        Intake = Client("intake", target.Intake);
        Processing = Client("processing", target.Processing);
        Payment = Client("payment", target.Payment);
        Sandbox = Client("sandbox", target.Sandbox);
        Reporting = Client("reporting", target.Reporting);
    }

    private SocketsHttpHandler Handler { get; }
    public HttpClient Intake { get; }
    public HttpClient Processing { get; }
    public HttpClient Payment { get; }
    public HttpClient Sandbox { get; }
    public HttpClient Reporting { get; }

    /// <summary>Reads each procedure's required components from the live catalogue: every one is referenced by a reused result.</summary>
    public async Task LoadCatalogueAsync()
    {
        foreach (var code in new[] { PlainProcedure, FeeBearingProcedure })
        {
            var procedure = await Intake.GetFromJsonAsync<JsonElement>($"/api/v1/procedures/{code}");
            _documents[code] = procedure.GetProperty("current").GetProperty("documents").EnumerateArray()
                .Where(d => d.GetProperty("required").GetBoolean())
                .Select(d => (object)new { componentCode = d.GetProperty("code").GetString(), reusedFrom = StoredResult, fromCitizenStore = true })
                .ToArray();
        }
        // Intake checks every reuse: the benchmark citizen's store at the sandbox portal holds the reused result.
        using var store = new HttpRequestMessage(HttpMethod.Post, "/portal/citizen-store")
        {
            Content = JsonContent.Create(new Dictionary<string, string>
            {
                ["MaHoSo"] = "BENCH", ["SoGiayToChuHoSo"] = Citizen, ["MaGiayToKetQua"] = StoredResult, ["TenGiayTo"] = "Kết quả dùng lại",
                ["NgayCap"] = "20250101080000",
            }),
        };
        store.Headers.Add("Idempotency-Key", "bench-stored-result");
        (await Sandbox.SendAsync(store)).EnsureSuccessStatusCode();
    }

    private const string StoredResult = "KQ-2025-BENCH";
    private const string Citizen = "079203001234";

    /// <summary>POST a complete dossier; returns its code once Intake answered 201 (after commit).</summary>
    public async Task<string> SubmitAsync(string unit, string token, string procedure, int i, CancellationToken ct, string? traceParent = null)
    {
        var body = new
        {
            procedureCode = procedure, receivingUnit = unit, channel = 2,
            applicant = new { kind = "citizen", name = "Nguyễn Văn Bench", citizenId = Citizen, phone = "0912345678", email = "bench@example.vn", vneidLevel2 = true },
            summary = $"Benchmark {i}", documents = _documents[procedure],
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/dossiers") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        if (traceParent is not null) request.Headers.Add("traceparent", traceParent);
        request.Headers.Authorization = new("Bearer", token);
        using var response = await Intake.SendAsync(request, ct);
        if (response.StatusCode != HttpStatusCode.Created)
            throw new InvalidOperationException($"submit: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("dossierCode").GetString()!;
    }

    /// <summary>
    /// A desk action; the status code (409 not-yet-recorded while Processing has not yet recorded the submission — a fresh
    /// dossier's accept has no other conflict —, 409 out of turn).
    /// </summary>
    public async Task<HttpStatusCode> ActAsync(string code, string action, string token, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/dossiers/{code}/actions/{action}")
        {
            Content = JsonContent.Create(new { officer = "Nguyễn Thị Hoa", role = "Chuyên viên", department = "Một cửa", content = action }),
        };
        request.Headers.Authorization = new("Bearer", token);
        using var response = await Processing.SendAsync(request, ct);
        return response.StatusCode;
    }

    /// <summary>The citizen pays on the platform's hosted page.</summary>
    public async Task PayAsync(Uri paymentUrl, CancellationToken ct)
    {
        using var response = await Sandbox.PostAsync(paymentUrl.PathAndQuery, new FormUrlEncodedContent([new("outcome", "pay")]), ct);
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"pay: {(int)response.StatusCode}");
    }

    /// <summary>The status the national portal has acknowledged for the dossier (0 if it holds none yet).</summary>
    public async Task<int> PortalStatusAsync(string code, CancellationToken ct)
    {
        using var response = await Sandbox.GetAsync($"/portal/dossiers/{code}", ct);
        if (!response.IsSuccessStatusCode) return 0;
        return (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("record").GetProperty("TrangThaiHoSo").GetInt32();
    }

    public void Dispose()
    {
        foreach (var c in new[] { Intake, Processing, Payment, Sandbox, Reporting }) c.Dispose();
        Handler.Dispose();
    }
}

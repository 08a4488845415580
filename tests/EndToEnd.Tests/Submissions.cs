using System.Net.Http.Json;

namespace Procedures.EndToEnd.Tests;

/// <summary>Well-formed dossier submissions as an agency system sends them.</summary>
public static class Submissions
{
    /// <summary>A seeded commune-level procedure open for submission (Khai báo tạm vắng, 1 working day).</summary>
    public const string ProcedureCode = "1.003677";

    /// <summary>Its required components, read from the live catalogue when the system starts.</summary>
    public static IReadOnlyList<string> RequiredComponents { get; set; } = [];

    /// <summary>
    /// A result the tests' citizens hold in their data store at the portal (the fixture stores it at start, <see cref="StoreResultAsync"/>):
    /// what their submissions reuse, since Intake checks every reuse (an unknown reference is refused).
    /// </summary>
    public const string StoredResult = "KQ-2025-E2E";

    /// <summary>The citizens whose store holds <see cref="StoredResult"/> from the start.</summary>
    public static readonly string[] Citizens = ["079203001234", "079187654321", "079190000123"];

    /// <summary>One component taken from the citizen store: <see cref="StoredResult"/>.</summary>
    public static object Reused(string? component) => new { componentCode = component, reusedFrom = StoredResult, fromCitizenStore = true };

    /// <summary>Every required component, reused from the citizen store (no upload needed).</summary>
    public static object[] CompleteDocuments() => RequiredComponents.Select(Reused).ToArray();

    /// <summary>Stores <see cref="StoredResult"/> in <paramref name="owner"/>'s citizen store at the sandbox portal (once: a fixed key).</summary>
    public static async Task StoreResultAsync(HttpClient sandbox, string owner)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/portal/citizen-store")
        {
            Content = JsonContent.Create(new Dictionary<string, string>
            {
                ["MaHoSo"] = "E2E-" + owner, ["SoGiayToChuHoSo"] = owner, ["MaGiayToKetQua"] = StoredResult,
                ["TenGiayTo"] = "Kết quả dùng lại trong kiểm thử", ["NgayCap"] = "20250101080000",
            }),
        };
        request.Headers.Add("Idempotency-Key", "e2e-stored-result-" + owner);
        using var response = await sandbox.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    public static object Body(string unit, string name = "Nguyễn Văn A", string citizenId = "079203001234") => new
    {
        procedureCode = ProcedureCode,
        receivingUnit = unit,
        channel = 2,
        applicant = new { kind = "citizen", name, citizenId, phone = "0912345678", email = "a@example.vn", vneidLevel2 = true },
        summary = "Khai báo tạm vắng",
        documents = CompleteDocuments(),
    };

    /// <summary>Đăng ký thường trú: 20,000 VND in person, 10,000 VND online in the seeded catalogue, 7 working days.</summary>
    public const string FeeBearingProcedure = "1.004222";

    /// <summary>A submission of the fee-bearing procedure, its required components (read from the live catalogue) reused by reference.</summary>
    public static async Task<object> FeeBearingBodyAsync(HttpClient intake, string unit = "26740.H29")
    {
        var procedure = await intake.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/procedures/{FeeBearingProcedure}");
        var documents = procedure.GetProperty("current").GetProperty("documents").EnumerateArray().Where(d => d.GetProperty("required").GetBoolean())
            .Select(d => Reused(d.GetProperty("code").GetString()))
            .ToArray();
        return new
        {
            procedureCode = FeeBearingProcedure, receivingUnit = unit, channel = 2,
            applicant = new { kind = "citizen", name = "Nguyễn Văn A", citizenId = "079203001234", phone = "0912345678", email = "a@example.vn", vneidLevel2 = true },
            summary = "Đăng ký thường trú", documents,
        };
    }

    public static HttpRequestMessage Post(string unit, string? token, string? idempotencyKey = null, object? body = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/dossiers") { Content = JsonContent.Create(body ?? Body(unit)) };
        request.Headers.Add("Idempotency-Key", idempotencyKey ?? Guid.NewGuid().ToString());
        if (token is not null) request.WithToken(token);
        return request;
    }
}

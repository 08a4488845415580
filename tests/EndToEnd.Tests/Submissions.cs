using System.Net.Http.Json;

namespace Procedures.EndToEnd.Tests;

/// <summary>Well-formed dossier submissions as an agency system sends them.</summary>
public static class Submissions
{
    /// <summary>A seeded commune-level procedure open for submission (Khai báo tạm vắng, 1 working day).</summary>
    public const string ProcedureCode = "1.003677";

    /// <summary>Its required components, read from the live catalogue when the system starts.</summary>
    public static IReadOnlyList<string> RequiredComponents { get; set; } = [];

    /// <summary>Every required component, reused by reference (no upload needed).</summary>
    public static object[] CompleteDocuments()
        => RequiredComponents.Select(c => (object)new { componentCode = c, reusedFrom = "KQ-2025-" + c }).ToArray();

    public static object Body(string unit, string name = "Nguyễn Văn A", string citizenId = "079203001234") => new
    {
        procedureCode = ProcedureCode,
        receivingUnit = unit,
        channel = 2,
        applicant = new { kind = "citizen", name, citizenId, phone = "0912345678", email = "a@example.vn", vneidLevel2 = true },
        summary = "Khai báo tạm vắng",
        documents = CompleteDocuments(),
    };

    /// <summary>Đăng ký thường trú: 20,000 VND in the seeded catalogue, 7 working days.</summary>
    public const string FeeBearingProcedure = "1.004222";

    /// <summary>A submission of the fee-bearing procedure, its required components (read from the live catalogue) reused by reference.</summary>
    public static async Task<object> FeeBearingBodyAsync(HttpClient intake, string unit = "26740.H29")
    {
        var procedure = await intake.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/procedures/{FeeBearingProcedure}");
        var documents = procedure.GetProperty("current").GetProperty("documents").EnumerateArray().Where(d => d.GetProperty("required").GetBoolean())
            .Select(d => (object)new { componentCode = d.GetProperty("code").GetString(), reusedFrom = "KQ-2025-" + d.GetProperty("code").GetString() })
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

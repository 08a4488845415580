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

    public static HttpRequestMessage Post(string unit, string? token, string? idempotencyKey = null, object? body = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/dossiers") { Content = JsonContent.Create(body ?? Body(unit)) };
        request.Headers.Add("Idempotency-Key", idempotencyKey ?? Guid.NewGuid().ToString());
        if (token is not null) request.WithToken(token);
        return request;
    }
}

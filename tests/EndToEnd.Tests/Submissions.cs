using System.Net.Http.Json;

namespace Procedures.EndToEnd.Tests;

/// <summary>Well-formed dossier submissions as an agency system sends them.</summary>
public static class Submissions
{
    public static object Body(string unit, string name = "Nguyễn Văn A", string citizenId = "079203001234") => new
    {
        procedureCode = "1.000948",
        receivingUnit = unit,
        channel = 2,
        applicant = new { kind = "citizen", name, citizenId, phone = "0912345678", email = "a@example.vn", vneidLevel2 = true },
        summary = "Đề nghị cấp phiếu lý lịch tư pháp",
    };

    public static HttpRequestMessage Post(string unit, string? token, string? idempotencyKey = null, object? body = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/dossiers") { Content = JsonContent.Create(body ?? Body(unit)) };
        request.Headers.Add("Idempotency-Key", idempotencyKey ?? Guid.NewGuid().ToString());
        if (token is not null) request.WithToken(token);
        return request;
    }
}

using System.Net.Http.Json;
using System.Text.Json;
using Procedures.Contracts;
using Procedures.TestInfrastructure;

namespace Procedures.EndToEnd.Tests;

/// <summary>
/// Issue 10 through the whole system: a returned dossier rated with the signed link sent with its result, feedback filed,
/// answered and its answer rated by the agency's system — and the index's satisfaction group moves with them.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class SatisfactionTests(SystemFixture system)
{
    private const string Agency = "26740.H29";
    private HttpClient Processing => system.Client(ResourceNames.Processing);

    private async Task<JsonElement> IndexAsync()
    {
        var today = DateTimeOffset.UtcNow.VietnamDate();
        // Up to a month ahead: the feedback's deadline (10 working days) is in the period, so the on-time indicator counts it.
        var index = await system.Client(ResourceNames.Reporting).GetFromJsonAsync<JsonElement>(
            $"/api/v1/kpi/index?from={today.AddDays(-1):yyyy-MM-dd}&to={today.AddDays(31):yyyy-MM-dd}&agency={Agency}");
        return index.GetProperty("indicators").Clone();
    }

    private static (long, long) Counts(JsonElement indicators, string code)
    {
        var i = indicators.EnumerateArray().Single(i => i.GetProperty("code").GetString() == code);
        return (i.GetProperty("numerator").GetInt64(), i.GetProperty("denominator").GetInt64());
    }

    private async Task<JsonElement> OkAsync(HttpMethod method, string path, string? token, object? body = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        using var response = await Processing.SendAsync(token is null ? request : request.WithToken(token));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task A_rated_dossier_and_answered_rated_feedback_move_the_satisfaction_group()
    {
        var token = await Tokens.ForClientAsync(system.Client(ResourceNames.Sandbox), "phuong-sai-gon");
        var before = await IndexAsync();
        var code = await new Lifecycles(system).LiveAsync(token);

        var link = (await OkAsync(HttpMethod.Get, $"/api/v1/dossiers/{code}/rating-link", token)).GetProperty("url").GetString()!;
        await OkAsync(HttpMethod.Post, link, null, new { level = "very-satisfied" });
        var filed = await OkAsync(HttpMethod.Post, "/api/v1/feedback", token,
            new { category = "procedure", content = "Đề nghị niêm yết rõ thời hạn giải quyết", dossierCode = code });
        Assert.Equal(Agency, filed.GetProperty("agency").GetString());
        var id = filed.GetProperty("id").GetGuid();
        await OkAsync(HttpMethod.Post, $"/api/v1/feedback/{id}/answer", token, new { officer = "Nguyễn Thị Hoa", content = "Đã niêm yết tại bộ phận một cửa" });
        await OkAsync(HttpMethod.Post, $"/api/v1/feedback/{id}/rating", token, new { level = "satisfied" });

        static (long, long) Plus((long N, long D) c) => (c.N + 1, c.D + 1);
        var expected = new[] { "DOSSIER_RECEIVING_SATISFACTION", "PETITION_HANDLING_SATISFACTION", "PETITION_PROCESSING_ON_TIME" }
            .ToDictionary(c => c, c => Plus(Counts(before, c)));
        await Eventually.Until(async () =>
        {
            var now = await IndexAsync();
            return expected.All(e => Counts(now, e.Key) == e.Value);
        }, TimeSpan.FromSeconds(30), "the satisfaction group to count the rating, the feedback and its rated answer");
    }
}

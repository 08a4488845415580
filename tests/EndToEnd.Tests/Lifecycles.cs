using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Procedures.Contracts;
using Procedures.TestInfrastructure;

namespace Procedures.EndToEnd.Tests;

/// <summary>Drives dossiers through the real services as desks and officers do, and reads what the portal holds.</summary>
public sealed class Lifecycles(SystemFixture system)
{
    private HttpClient Processing => system.Client(ResourceNames.Processing);

    public async Task ActAsync(string code, string action, string token)
    {
        using var response = await Processing.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/dossiers/{code}/actions/{action}")
        {
            Content = JsonContent.Create(new { officer = "Nguyễn Thị Hoa", role = "Chuyên viên", department = "Một cửa", content = action }),
        }.WithToken(token));
        Assert.True(response.IsSuccessStatusCode, $"{code} {action}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Accept → start → decide with one electronic result <paramref name="resultCode"/> → return, each step retried until Processing knows the dossier.</summary>
    public async Task ReturnWithResultAsync(string code, string token, string resultCode)
    {
        foreach (var action in new[] { "accept", "start-processing", "decide", "return-result" })
            await Eventually.Until(async () =>
            {
                using var r = await Processing.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/dossiers/{code}/actions/{action}")
                {
                    Content = JsonContent.Create(new
                    {
                        officer = "Nguyễn Thị Hoa", content = action,
                        results = action == "decide" ? new[] { new { name = "Xác nhận tạm vắng", electronicResultCode = resultCode, fileReference = "kq/" + resultCode + ".pdf" } } : null,
                    }),
                }.WithToken(token));
                Assert.True(r.StatusCode is HttpStatusCode.OK || ProcessingAnswer.NotYetRecorded(r), $"{action}: {(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
                return r.StatusCode == HttpStatusCode.OK;
            }, TimeSpan.FromSeconds(30), $"Processing to {action} {code}");
    }

    public async Task<string> SubmitAsync(string token)
    {
        using var created = await system.Client(ResourceNames.Intake).SendAsync(Submissions.Post("26740.H29", token));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("dossierCode").GetString()!;
    }

    /// <summary>Submit → accept → start → decide → return (Processing learns of the dossier from DossierSubmitted: 409 not-yet-recorded until then).</summary>
    public async Task<string> LiveAsync(string token)
    {
        var code = await SubmitAsync(token);
        await Eventually.Until(async () =>
        {
            using var r = await Processing.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/dossiers/{code}/actions/accept")
            {
                Content = JsonContent.Create(new { officer = "Nguyễn Thị Hoa", content = "Tiếp nhận" }),
            }.WithToken(token));
            return !ProcessingAnswer.NotYetRecorded(r);
        }, TimeSpan.FromSeconds(60), "Processing to record the submission");
        foreach (var action in new[] { "start-processing", "decide", "return-result" })
            await ActAsync(code, action, token);
        return code;
    }

    public async Task<JsonElement> SyncStatusAsync(string admin)
    {
        using var response = await system.Client(ResourceNames.PortalSync).SendAsync(
            new HttpRequestMessage(HttpMethod.Get, "/api/v1/sync/status").WithToken(admin));
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<JsonElement?> PortalAsync(string code)
    {
        using var response = await system.Client(ResourceNames.Sandbox).GetAsync($"/portal/dossiers/{code}");
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }

    /// <summary>The portal holds status 10 and the five steps of a submit → accept → start → decide → return life.</summary>
    public static bool Final(JsonElement? portal) => portal is { } p && p.GetProperty("record").GetProperty("TrangThaiHoSo").GetInt32() == 10
                                                     && p.GetProperty("history").GetArrayLength() == 5;
}

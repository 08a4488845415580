using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Procedures.Contracts;
using Procedures.TestInfrastructure;

namespace Procedures.EndToEnd.Tests;

/// <summary>Issue 21 at the desk, through the real services: acting at once after submitting, form 02 at the portal, form 01's names.</summary>
[Collection(SystemCollection.Name)]
public sealed class DeskTests(SystemFixture system)
{
    private HttpClient Processing => system.Client(ResourceNames.Processing);

    private async Task<HttpResponseMessage> ActAsync(string code, string action, string token, string content)
        => await Processing.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/dossiers/{code}/actions/{action}")
        {
            Content = JsonContent.Create(new { officer = "Nguyễn Thị Hoa", role = "Chuyên viên", department = "Một cửa", content }),
        }.WithToken(token));

    private async Task<string> SubmitAsync(string clerk)
    {
        using var created = await system.Client(ResourceNames.Intake).SendAsync(Submissions.Post("26740.H29", clerk));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("dossierCode").GetString()!;
    }

    /// <summary>Acts the moment the code is issued; every answer until it succeeds is the retryable not-yet-recorded.</summary>
    private async Task ActAtOnceAsync(string code, string action, string token, string content)
    {
        await Eventually.Until(async () =>
        {
            using var r = await ActAsync(code, action, token, content);
            var body = await r.Content.ReadAsStringAsync();
            if (r.StatusCode == HttpStatusCode.OK) return true;
            Assert.True(ProcessingAnswer.NotYetRecorded(r), $"{action} {code}: {(int)r.StatusCode} {body}");
            Assert.Contains("not-yet-recorded", body);
            return false;
        }, TimeSpan.FromSeconds(30), $"Processing to record {code} and {action} it");
    }

    [Fact]
    public async Task Acting_at_once_is_retryable_form_02_reaches_the_portal_history_and_the_receipt_names_unit_components_fees_and_place()
    {
        var sandbox = system.Client(ResourceNames.Sandbox);
        var clerk = await Tokens.ForClientAsync(sandbox, "phuong-sai-gon");
        var stranger = await Tokens.ForClientAsync(sandbox, "phuong-tan-dinh");

        var received = await SubmitAsync(clerk);
        // Another agency naming the fresh code hears "unknown", never "not yet".
        using (var foreign = await ActAsync(received, "accept", stranger, "Tiếp nhận"))
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        await ActAtOnceAsync(received, "accept", clerk, "Tiếp nhận hồ sơ đầy đủ");

        var incomplete = await SubmitAsync(clerk);
        await ActAtOnceAsync(incomplete, "request-completion", clerk, "Nộp thêm tờ khai có chữ ký");
        var history = await Eventually.Until(async () => await new Lifecycles(system).PortalAsync(incomplete),
            p => p is { } x && x.GetProperty("history").GetArrayLength() >= 2, TimeSpan.FromSeconds(60), "the portal to hold the form-02 step");
        var step = history!.Value.GetProperty("history")[1];
        Assert.Equal(1, step.GetProperty("TrangThai").GetInt32());
        Assert.Equal("Hướng dẫn bổ sung, hoàn thiện hồ sơ (Mẫu 02): Nộp thêm tờ khai có chữ ký", step.GetProperty("NoiDungXuLy").GetString());
        Assert.Matches("^[0-9]{14}$", step.GetProperty("NgayKetThucTheoQuyDinh").GetString());

        using var receipt = await Processing.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/dossiers/{received}/receipt").WithToken(clerk));
        var form = JsonDocument.Parse(await receipt.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.OK, receipt.StatusCode);
        var unitName = form.GetProperty("receivingUnitName").GetString();
        Assert.False(string.IsNullOrEmpty(unitName));
        Assert.NotEqual("26740.H29", unitName);
        Assert.All(form.GetProperty("documents").EnumerateArray(),
            d => Assert.False(string.IsNullOrEmpty(d.GetProperty("componentName").GetString()), d.ToString()));
        Assert.Equal(form.GetProperty("fees").EnumerateArray().Sum(f => f.GetProperty("amountVnd").GetInt64()), form.GetProperty("feeTotalVnd").GetInt64());
        Assert.Contains(unitName!, form.GetProperty("collectionPlace").GetString());
    }
}

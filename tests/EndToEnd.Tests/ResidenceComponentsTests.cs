using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Procedures.Contracts;
using Procedures.TestInfrastructure;

namespace Procedures.EndToEnd.Tests;

/// <summary>
/// Issue 24 "Done when": a realistic owner's residence registration (1.004222) is accepted without the rental contract
/// and refused without the declaration form; a renter's is refused without the contract; the online dossier is charged
/// the online rate and the portal receives that amount; reception records the completeness check.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class ResidenceComponentsTests(SystemFixture system)
{
    private const string Residence = "1.004222";
    private const string Renting = "cho-o-thue-muon-o-nho";
    private HttpClient Intake => system.Client(ResourceNames.Intake);

    private static object Body(string[] components, string[]? cases = null) => new
    {
        procedureCode = Residence, receivingUnit = "26740.H29", channel = 2, summary = "Đăng ký thường trú",
        applicant = new { kind = "citizen", name = "Trần Thị G", citizenId = "079203001234", phone = "0912345678" },
        documents = components.Select(Submissions.Reused).ToArray(), cases,
    };

    private async Task<(HttpStatusCode Status, JsonElement Body)> SubmitAsync(string token, object body)
    {
        using var response = await Intake.SendAsync(Submissions.Post("26740.H29", token, body: body));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static List<JsonElement> Errors(JsonElement problem, string rule)
        => [.. problem.GetProperty("errors").EnumerateArray().Where(e => e.GetProperty("rule").GetString() == rule)];

    [Fact]
    public async Task An_owner_needs_no_rental_contract_a_renter_does_and_everyone_needs_the_form()
    {
        var token = await Tokens.ForClientAsync(system.Client(ResourceNames.Sandbox), "phuong-sai-gon");
        var catalogue = await Intake.GetFromJsonAsync<JsonElement>($"/api/v1/procedures/{Residence}");
        var contract = catalogue.GetProperty("current").GetProperty("documents")[2];
        Assert.Equal(("TP03", "conditional", Renting), (contract.GetProperty("code").GetString(), contract.GetProperty("kind").GetString(),
            contract.GetProperty("case").GetProperty("key").GetString()));

        // The owner: the declaration form and the proof of residence, no case declared.
        var (owner, ownerBody) = await SubmitAsync(token, Body(["TP01", "TP02"]));
        Assert.True(owner == HttpStatusCode.Created, ownerBody.ToString());
        var code = ownerBody.GetProperty("dossierCode").GetString()!;

        // Without the declaration form: refused, naming TP01.
        var (noForm, noFormBody) = await SubmitAsync(token, Body(["TP02"]));
        Assert.Equal(HttpStatusCode.BadRequest, noForm);
        Assert.Equal("urn:procedures:problem:incomplete-dossier", noFormBody.GetProperty("type").GetString());
        Assert.Contains("TP01", Assert.Single(Errors(noFormBody, "missing-document")).GetProperty("en").GetString());

        // The renter declares the case: without the contract refused, naming TP03 and the case; with it accepted.
        var (renter, renterBody) = await SubmitAsync(token, Body(["TP01", "TP02"], [Renting]));
        Assert.Equal(HttpStatusCode.BadRequest, renter);
        var missing = Assert.Single(Errors(renterBody, "missing-conditional-document"));
        Assert.Contains("TP03", missing.GetProperty("en").GetString());
        Assert.Contains("chỗ ở thuê, mượn, ở nhờ", missing.GetProperty("vi").GetString());
        var (withContract, withContractBody) = await SubmitAsync(token, Body(["TP01", "TP02", "TP03"], [Renting]));
        Assert.True(withContract == HttpStatusCode.Created, withContractBody.ToString());

        // Online, the owner's dossier costs the online rate, and the portal receives that amount.
        var portal = await Eventually.Until(async () =>
            {
                using var r = await system.Client(ResourceNames.Sandbox).GetAsync($"/portal/dossiers/{code}");
                return r.IsSuccessStatusCode ? (JsonElement?)await r.Content.ReadFromJsonAsync<JsonElement>() : null;
            }, p => p is not null, TimeSpan.FromSeconds(60), "the portal to hold the owner's dossier");
        Assert.Equal([10000L], portal!.Value.GetProperty("record").GetProperty("DanhSachLePhi").EnumerateArray().Select(f => f.GetProperty("Gia").GetInt64()));

        // Reception records the components it checked.
        using var accepted = await Eventually.Until(async () =>
            await system.Client(ResourceNames.Processing).SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/dossiers/{code}/actions/accept")
            {
                Content = JsonContent.Create(new { officer = "Nguyễn Thị Hoa", content = "Hồ sơ đầy đủ", completeness = new[] { "TP01", "TP02" } }),
            }.WithToken(token)), r => !ProcessingAnswer.NotYetRecorded(r), TimeSpan.FromSeconds(60), "Processing to record the submission");
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }
}

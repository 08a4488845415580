using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Procedures.Contracts;
using Procedures.TestInfrastructure;

namespace Procedures.EndToEnd.Tests;

/// <summary>
/// Issue 10 through the running system: a commune certifies a digitised copy, anyone verifies it, the owner reuses it
/// in a later dossier by reference, that dossier's electronic result reaches the citizen's store at the portal once,
/// and the index's digitisation group moves.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class DigitisationTests(SystemFixture system)
{
    private const string Unit = "26740.H29";
    private const string Owner = "079190000456";
    private const string Stranger = "079185000789";
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    private HttpClient Intake => system.Client(ResourceNames.Intake);

    private static JsonElement Indicator(JsonElement index, string code)
        => index.GetProperty("indicators").EnumerateArray().Single(i => i.GetProperty("code").GetString() == code);

    private static long Numerator(JsonElement index, string code) => Indicator(index, code).GetProperty("numerator").GetInt64();

    private static decimal Digitisation(JsonElement index)
        => index.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("code").GetString() == "digitisation").GetProperty("points").GetDecimal();

    private Task<JsonElement> IndexAsync()
        => system.Client(ResourceNames.Reporting).GetFromJsonAsync<JsonElement>($"/api/v1/kpi/index?{ReportingTests.Period()}&commune={Unit}");

    private async Task<JsonElement> CertifyAsync(object body, string token)
    {
        using var response = await Intake.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/certified-copies") { Content = JsonContent.Create(body) }.WithToken(token));
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"certify: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private async Task<JsonElement> VerifyAsync(Guid id, byte[] bytes)
    {
        using var response = await Intake.PostAsync($"/api/v1/public/certified-copies/verify?id={id}", new ByteArrayContent(bytes));
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>A dossier of <paramref name="citizenId"/> whose first component reuses <paramref name="reference"/> (the others: the tests' stored result).</summary>
    private static object Reusing(string citizenId, string reference, bool fromStore = false) => new
    {
        procedureCode = Submissions.ProcedureCode, receivingUnit = Unit, channel = 2,
        applicant = new { kind = "citizen", name = "Phạm Văn Bình", citizenId },
        documents = Submissions.RequiredComponents
            .Select((c, i) => i == 0 ? (object)new { componentCode = c, reusedFrom = reference, fromCitizenStore = fromStore } : Submissions.Reused(c)).ToArray(),
    };

    [Fact]
    public async Task A_certified_copy_is_verified_reused_and_its_dossiers_result_reaches_the_citizen_store_and_the_index()
    {
        var sandbox = system.Client(ResourceNames.Sandbox);
        var token = await Tokens.ForClientAsync(sandbox, "phuong-sai-gon");
        foreach (var citizen in new[] { Owner, Stranger }) await Submissions.StoreResultAsync(sandbox, citizen); // the other components' source
        var before = await IndexAsync();

        // Certify an uploaded scan against the original; verify it, and a copy of it altered by one byte.
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Png);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "file", "cccd.png");
        form.Add(new StringContent("true"), "digitised");
        using var uploaded = await Intake.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/documents") { Content = form }.WithToken(token));
        var documentId = (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var copy = await CertifyAsync(new { documentId, ownerIdNumber = Owner, officer = "Lê Thị Chứng" }, token);
        var copyId = copy.GetProperty("id").GetGuid();
        Assert.True((await VerifyAsync(copyId, Png)).GetProperty("authentic").GetBoolean());
        var altered = (byte[])Png.Clone();
        altered[^5] ^= 0x01;
        Assert.Equal("content-altered", (await VerifyAsync(copyId, altered)).GetProperty("reason").GetString());

        // The owner reuses it by reference; another citizen cannot.
        using var refused = await Intake.SendAsync(Submissions.Post(Unit, token, body: Reusing(Stranger, copyId.ToString())));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("not-reusable", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var submitted = await Intake.SendAsync(Submissions.Post(Unit, token, body: Reusing(Owner, copyId.ToString())));
        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        var code = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("dossierCode").GetString()!;

        // Processing: accept → start → decide with an electronic result → return.
        var resultCode = "KQ-E2E-" + Guid.NewGuid().ToString("N")[..10];
        await new Lifecycles(system).ReturnWithResultAsync(code, token, resultCode);

        // The portal record shows the reuse (no new upload: the certified document's id); the citizen's store holds the result once.
        var portal = await Eventually.Until(async () => await new Lifecycles(system).PortalAsync(code), p => p is { } x
            && x.GetProperty("record").GetProperty("TrangThaiHoSo").GetInt32() == 10, TimeSpan.FromSeconds(60), "the returned dossier at the portal");
        var reused = portal!.Value.GetProperty("record").GetProperty("TaiLieuNop")[0];
        Assert.Equal((1, documentId.ToString()), (reused.GetProperty("DuocTaiSuDung").GetInt32(), reused.GetProperty("TepDinhKemId").GetString()));
        var stored = await Eventually.Until(async () => await sandbox.GetFromJsonAsync<JsonElement>($"/portal/citizen-store?owner={Owner}"),
            s => s.EnumerateArray().Any(e => e.GetProperty("MaGiayToKetQua").GetString() == resultCode), TimeSpan.FromSeconds(60), "the result in the citizen's store");
        Assert.Single(stored.EnumerateArray(), e => e.GetProperty("MaGiayToKetQua").GetString() == resultCode);

        // The digitisation group moves: a commune issuing copies, reuse, an electronic result, a result in the citizen's store.
        var after = await Eventually.Until(IndexAsync, i => Numerator(i, "ELECTRONIC_CERTIFIED_COPY") == 1
                && Numerator(i, "REUSED_DIGITIZED_DATA") > Numerator(before, "REUSED_DIGITIZED_DATA")
                && Numerator(i, "ORIGINAL_RESULT_AVAILABLE") > Numerator(before, "ORIGINAL_RESULT_AVAILABLE")
                && Numerator(i, "SYNCED_WITH_DVCQG_PERSONAL_STORAGE") > Numerator(before, "SYNCED_WITH_DVCQG_PERSONAL_STORAGE"),
            TimeSpan.FromSeconds(60), "the digitisation indicators to count the copy, the reuse and the stored result");
        Assert.True(Indicator(after, "ELECTRONIC_CERTIFIED_COPY").GetProperty("tracked").GetBoolean());
        Assert.True(Digitisation(after) > Digitisation(before), $"digitisation points {Digitisation(before)} → {Digitisation(after)}");
    }

    [Fact]
    public async Task Reuse_is_checked_a_forged_reference_is_refused_and_a_result_in_the_owners_store_is_accepted()
    {
        var sandbox = system.Client(ResourceNames.Sandbox);
        var token = await Tokens.ForClientAsync(sandbox, "phuong-sai-gon");
        var owner = "079192" + Random.Shared.Next(0, 1_000_000).ToString("D6");
        foreach (var citizen in new[] { owner, Stranger }) await Submissions.StoreResultAsync(sandbox, citizen);

        // An earlier dossier of the owner is returned with an electronic result; PortalSync stores it in the owner's store.
        using var first = await Intake.SendAsync(Submissions.Post(Unit, token, body: Reusing(owner, Submissions.StoredResult, fromStore: true)));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var code = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("dossierCode").GetString()!;
        var resultCode = "KQ-E2E-" + Guid.NewGuid().ToString("N")[..10];
        await new Lifecycles(system).ReturnWithResultAsync(code, token, resultCode);
        await Eventually.Until(async () => await sandbox.GetFromJsonAsync<JsonElement>($"/portal/citizen-store?owner={owner}"),
            s => s.EnumerateArray().Any(e => e.GetProperty("MaGiayToKetQua").GetString() == resultCode), TimeSpan.FromSeconds(60), "the result in the owner's store");

        // Forged: the reference, claimed from the store; the true result claimed by someone else; nothing is written.
        foreach (var (citizen, reference) in new[] { (owner, "EXT-ANY-THING-123"), (Stranger, resultCode) })
        {
            using var forged = await Intake.SendAsync(Submissions.Post(Unit, token, body: Reusing(citizen, reference, fromStore: true)));
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
            var error = (await forged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")[0];
            Assert.Equal(("documents[0].reusedFrom", "not-in-citizen-store"), (error.GetProperty("field").GetString(), error.GetProperty("rule").GetString()));
        }
        // Forged as a previous result (not from the store): Intake holds no result with that code.
        using var unknown = await Intake.SendAsync(Submissions.Post(Unit, token, body: Reusing(owner, "EXT-ANY-THING-123")));
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("not-reusable", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // True: the owner reuses the stored result from the store, and (once Intake registered it) as a previous result.
        using var fromStore = await Intake.SendAsync(Submissions.Post(Unit, token, body: Reusing(owner, resultCode, fromStore: true)));
        Assert.Equal(HttpStatusCode.Created, fromStore.StatusCode);
        await Eventually.Until(async () =>
        {
            using var r = await Intake.SendAsync(Submissions.Post(Unit, token, body: Reusing(owner, resultCode)));
            return r.StatusCode;
        }, s => s == HttpStatusCode.Created, TimeSpan.FromSeconds(30), "the previous result to be reusable by its owner");

        // The store out of reach: a retryable 503, not an unchecked acceptance.
        try
        {
            (await sandbox.PutAsJsonAsync("/sandbox/faults/portal", new { citizenStoreLookupDown = true })).EnsureSuccessStatusCode();
            using var unavailable = await Intake.SendAsync(Submissions.Post(Unit, token, body: Reusing(owner, resultCode, fromStore: true)));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);
            Assert.Contains("citizen-store-unavailable", await unavailable.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            (await sandbox.PutAsJsonAsync("/sandbox/faults/portal", new { })).EnsureSuccessStatusCode();
        }
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Procedures.Contracts;
using Procedures.TestInfrastructure;

namespace Procedures.EndToEnd.Tests;

[Collection(SystemCollection.Name)]
public sealed class DocumentFlowTests(SystemFixture system)
{
    private static byte[] Png => Uploads.Png;

    private HttpClient Intake => system.Client(ResourceNames.Intake);

    private async Task<Guid> UploadAsync(string token)
    {
        var body = await Uploads.PngAsync(Intake, token);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Png)), body.GetProperty("sha256").GetString());
        return body.GetProperty("id").GetGuid();
    }

    private static object WithDocuments(params object[] documents) => new
    {
        procedureCode = Submissions.ProcedureCode, receivingUnit = "26740.H29", channel = 2,
        applicant = new { kind = "citizen", name = "Võ Thị E", citizenId = "079190000123" },
        documents,
    };

    [Fact]
    public async Task Uploaded_and_reused_documents_reach_the_portal_with_their_flags_and_are_used_once()
    {
        var sandbox = system.Client(ResourceNames.Sandbox);
        var saiGon = await Tokens.ForClientAsync(sandbox, "phuong-sai-gon");
        var tanDinh = await Tokens.ForClientAsync(sandbox, "phuong-tan-dinh");
        var id = await UploadAsync(saiGon);
        var body = WithDocuments(new { componentCode = "TP01", documentId = id },
            Submissions.Reused("TP02"));

        using var created = await Intake.SendAsync(Submissions.Post("26740.H29", saiGon, body: body));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var code = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("dossierCode").GetString()!;

        // The same upload cannot serve a second dossier, and another agency cannot reference it at all.
        using var again = await Intake.SendAsync(Submissions.Post("26740.H29", saiGon, body: WithDocuments(new { componentCode = "TP01", documentId = id })));
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("document-already-used", await again.Content.ReadAsStringAsync());
        using var foreign = await Intake.SendAsync(Submissions.Post("26737.H29", tanDinh, body: new
        {
            procedureCode = Submissions.ProcedureCode, receivingUnit = "26737.H29", channel = 2,
            applicant = new { kind = "citizen", name = "Võ Thị E", citizenId = "079190000123" },
            documents = new[] { new { componentCode = "TP01", documentId = id } },
        }));
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
        Assert.Contains("unknown-document", await foreign.Content.ReadAsStringAsync());

        var portal = await Eventually.Until(async () =>
        {
            using var r = await sandbox.GetAsync($"/portal/dossiers/{code}");
            return r.IsSuccessStatusCode ? await r.Content.ReadFromJsonAsync<JsonElement>() : default;
        }, p => p.ValueKind == JsonValueKind.Object, TimeSpan.FromSeconds(60), "the dossier at the portal");
        var record = portal.GetProperty("record");
        Assert.Equal(1, record.GetProperty("HoSoCoThanhPhanSoHoa").GetInt32());
        var files = record.GetProperty("TaiLieuNop").EnumerateArray().ToList();
        Assert.Equal(2, files.Count);
        Assert.Equal(id.ToString(), files[0].GetProperty("TepDinhKemId").GetString());
        Assert.Equal("to-khai.png", files[0].GetProperty("TenTepDinhKem").GetString());
        Assert.Equal((1, 0, 0), (files[0].GetProperty("DuocSoHoa").GetInt32(), files[0].GetProperty("DuocTaiSuDung").GetInt32(), files[0].GetProperty("DuocLayTuKhoDMQG").GetInt32()));
        Assert.Equal((1, 1), (files[1].GetProperty("DuocTaiSuDung").GetInt32(), files[1].GetProperty("DuocLayTuKhoDMQG").GetInt32()));
    }

    [Fact]
    public async Task A_renamed_executable_is_refused_by_its_content()
    {
        var token = await Tokens.ForClientAsync(system.Client(ResourceNames.Sandbox), "phuong-sai-gon");
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent("MZ\u0090\0binary"u8.ToArray());
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(file, "file", "../../giay-to.pdf");
        form.Add(new StringContent("false"), "digitised");
        using var response = await Intake.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/documents") { Content = form }.WithToken(token));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.UnsupportedMediaType, text);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Procedures.Contracts;

namespace Procedures.EndToEnd.Tests;

[Collection(SystemCollection.Name)]
public sealed class CatalogueSubmissionTests(SystemFixture system)
{
    private HttpClient Intake => system.Client(ResourceNames.Intake);

    private async Task<(HttpStatusCode, JsonElement)> SubmitAsync(object body)
    {
        var token = await Tokens.ForClientAsync(system.Client(ResourceNames.Sandbox), "phuong-sai-gon");
        using var response = await Intake.SendAsync(Submissions.Post("26740.H29", token, body: body));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static object Body(string procedureCode, object[]? documents = null, string citizenId = "079203001234") => new
    {
        procedureCode, receivingUnit = "26740.H29", channel = 2,
        applicant = new { kind = "citizen", name = "Đỗ Văn F", citizenId },
        documents = documents ?? Submissions.CompleteDocuments(),
    };

    [Fact]
    public async Task The_published_catalogue_is_searchable_with_or_without_diacritics_without_a_token()
    {
        var withMarks = await Intake.GetFromJsonAsync<JsonElement>("/api/v1/procedures?q=" + Uri.EscapeDataString("đăng ký thường trú"));
        var without = await Intake.GetFromJsonAsync<JsonElement>("/api/v1/procedures?q=dang%20ky%20thuong%20tru");
        Assert.Contains(without.GetProperty("items").EnumerateArray(), p => p.GetProperty("code").GetString() == "1.004222");
        Assert.Equal(withMarks.GetProperty("total").GetInt32(), without.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Each_refusal_has_its_own_problem_type_and_names_what_is_missing()
    {
        var (unknown, unknownBody) = await SubmitAsync(Body("9.999999"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown);
        Assert.Equal("urn:procedures:problem:unknown-procedure", unknownBody.GetProperty("type").GetString());

        var (draft, draftBody) = await SubmitAsync(Body("1.001193")); // birth registration: no published processing time in the source
        Assert.Equal("urn:procedures:problem:procedure-not-open", draftBody.GetProperty("type").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, draft);

        var (incomplete, incompleteBody) = await SubmitAsync(Body(Submissions.ProcedureCode, documents: []));
        Assert.Equal(HttpStatusCode.BadRequest, incomplete);
        Assert.Equal("urn:procedures:problem:incomplete-dossier", incompleteBody.GetProperty("type").GetString());
        var missing = incompleteBody.GetProperty("errors").EnumerateArray().Where(e => e.GetProperty("rule").GetString() == "missing-document").ToList();
        Assert.Equal(Submissions.RequiredComponents.Count, missing.Count);
        Assert.All(Submissions.RequiredComponents, c => Assert.Contains(missing, e => e.GetProperty("en").GetString()!.Contains(c)));

        var (badId, badIdBody) = await SubmitAsync(Body(Submissions.ProcedureCode, citizenId: "003203001234"));
        Assert.Equal(HttpStatusCode.BadRequest, badId);
        Assert.Equal("urn:procedures:problem:invalid-citizen-id", badIdBody.GetProperty("type").GetString());
    }
}

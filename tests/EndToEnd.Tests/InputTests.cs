using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Procedures.Contracts;

namespace Procedures.EndToEnd.Tests;

/// <summary>
/// Issue #20 (points 3 and 4) through the running system: a deciding agency must be one of the register's, and text
/// carrying invisible format characters is refused naming the field, nothing stored.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class InputTests(SystemFixture system)
{
    private const string Unit = "26740.H29";
    private HttpClient Sandbox => system.Client(ResourceNames.Sandbox);
    private HttpClient Intake => system.Client(ResourceNames.Intake);

    private static object Body(string name = "Nguyễn Văn A", string? decidingAgency = null) => new
    {
        procedureCode = Submissions.ProcedureCode,
        receivingUnit = Unit,
        decidingAgency,
        channel = 2,
        applicant = new { kind = "citizen", name, citizenId = "079203001234", phone = "0912345678" },
        documents = Submissions.CompleteDocuments(),
    };

    private static async Task<JsonElement> SingleErrorAsync(HttpResponseMessage response, string type)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, text);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal("urn:procedures:problem:" + type, problem.GetProperty("type").GetString());
        return Assert.Single(problem.GetProperty("errors").EnumerateArray().ToList());
    }

    [Fact]
    public async Task A_deciding_agency_outside_the_register_is_refused_naming_the_field()
    {
        var token = await Tokens.ForClientAsync(Sandbox, "phuong-sai-gon");

        using var probe = await Intake.SendAsync(Submissions.Post(Unit, token, body: Body(decidingAgency: "99999.H29")));
        var error = await SingleErrorAsync(probe, "unknown-agency");
        Assert.Equal("decidingAgency", error.GetProperty("field").GetString());
        Assert.Equal("unknown-agency", error.GetProperty("rule").GetString());

        using var known = await Intake.SendAsync(Submissions.Post(Unit, token, body: Body(decidingAgency: "26740.H29")));
        Assert.Equal(HttpStatusCode.Created, known.StatusCode);
    }

    [Fact]
    public async Task An_agency_added_then_dissolved_through_the_admin_api_decides_only_while_in_force()
    {
        var admin = await Tokens.ForClientAsync(Sandbox, "dev-admin");
        var id = $"000.SO.T{Guid.NewGuid().ToString("N")[..8]}.H29";
        var today = DateTimeOffset.UtcNow.VietnamDate();

        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/v1/agencies")
        {
            Content = JsonContent.Create(new { id, name = "Sở Thử nghiệm", kind = "department", decides = true, source = "end-to-end test" }),
        };
        using var created = await Intake.SendAsync(create.WithToken(admin));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var submitter = await Tokens.ForClientAsync(Sandbox, "phuong-sai-gon");
        using var accepted = await Intake.SendAsync(Submissions.Post(Unit, submitter, body: Body(decidingAgency: id)));
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);

        using var change = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/agencies/{id}")
        {
            Content = JsonContent.Create(new
            {
                name = "Sở Thử nghiệm", kind = "department", decides = true, source = "end-to-end test", baseVersion = 1,
                effectiveTo = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            }),
        };
        using var changed = await Intake.SendAsync(change.WithToken(admin));
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);

        var detail = await Intake.GetFromJsonAsync<JsonElement>($"/api/v1/agencies/{id}"); // public read
        Assert.Equal(2, detail.GetProperty("current").GetProperty("version").GetInt32());
        Assert.Equal([1, 2], detail.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));

        using var refused = await Intake.SendAsync(Submissions.Post(Unit, submitter, body: Body(decidingAgency: id)));
        Assert.Equal("decidingAgency", (await SingleErrorAsync(refused, "unknown-agency")).GetProperty("field").GetString());

        var police = await Intake.GetFromJsonAsync<JsonElement>("/api/v1/agencies?kind=commune-police&limit=1");
        Assert.Equal(168, police.GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task A_right_to_left_override_in_the_applicants_name_is_refused_and_nothing_is_stored()
    {
        var token = await Tokens.ForClientAsync(Sandbox, "phuong-sai-gon");
        var marker = Guid.NewGuid().ToString("N")[..10];

        using var response = await Intake.SendAsync(Submissions.Post(Unit, token, body: Body(name: $"Nguyễn Văn \u202E{marker}\u202C")));
        var error = await SingleErrorAsync(response, "validation");
        Assert.Equal(("applicant.name", "format-character"), (error.GetProperty("field").GetString(), error.GetProperty("rule").GetString()));

        // Every dossier of the unit, page by page: none carries the name.
        string? after = null;
        do
        {
            using var list = new HttpRequestMessage(HttpMethod.Get, "/api/v1/dossiers?limit=200" + (after is null ? "" : "&after=" + Uri.EscapeDataString(after)));
            using var page = await Intake.SendAsync(list.WithToken(token));
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var body = JsonDocument.Parse(await page.Content.ReadAsStringAsync()).RootElement;
            var items = body.GetProperty("items").EnumerateArray().ToList();
            Assert.DoesNotContain(items, d => d.GetProperty("applicantName").GetString()!.Contains(marker, StringComparison.Ordinal));
            after = body.GetProperty("nextAfter").GetString();
        }
        while (after is not null);
    }

    [Fact]
    public async Task A_format_character_in_a_query_parameter_is_refused_before_any_endpoint()
    {
        using var response = await Intake.GetAsync("/api/v1/procedures?q=" + Uri.EscapeDataString("h\u200Bo tich"));
        var error = await SingleErrorAsync(response, "invalid-characters");
        Assert.Equal(("q", "format-character"), (error.GetProperty("field").GetString(), error.GetProperty("rule").GetString()));
    }
}

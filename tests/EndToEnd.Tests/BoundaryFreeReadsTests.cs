using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;
using Npgsql;
using Procedures.Calendar;
using Procedures.Contracts;
using Procedures.TestInfrastructure;

namespace Procedures.EndToEnd.Tests;

/// <summary>
/// Issue 21: a boundary-free dossier is received at ward A (Sài Gòn) and decided by ward B (Tân Định). Both read the
/// dossier, its documents and its history, and its state at Processing; a third ward reads nothing (404, as unknown). Once
/// past its due moment it sits on the overdue list of both, apology=false, then true after form 04, until it is decided.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class BoundaryFreeReadsTests(SystemFixture system)
{
    private const string WardA = "26740.H29";
    private const string WardB = "26737.H29";
    private const string WardC = "26734.H29";

    private HttpClient Intake => system.Client(ResourceNames.Intake);
    private HttpClient Processing => system.Client(ResourceNames.Processing);

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(HttpClient client, string path, string token)
    {
        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, path).WithToken(token));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<JsonElement> OkAsync(HttpClient client, string path, string token)
    {
        var (status, body) = await GetAsync(client, path, token);
        Assert.True(status == HttpStatusCode.OK, $"GET {path}: {(int)status} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private async Task<JsonElement?> OverdueItemAsync(string code, string token)
    {
        // Keyset pages by code: walk them all, the list is the agency's and other tests add to it.
        string? after = null;
        do
        {
            var page = await OkAsync(Processing, "/api/v1/dossiers?view=overdue&limit=200" + (after is null ? "" : "&after=" + Uri.EscapeDataString(after)), token);
            foreach (var item in page.GetProperty("items").EnumerateArray())
                if (item.GetProperty("code").GetString() == code) return item;
            after = page.GetProperty("nextAfter").GetString();
        } while (after is not null);
        return null;
    }

    private async Task ActAsync(string code, string action, string token, object? body = null)
    {
        var path = action == "apology" ? $"/api/v1/dossiers/{code}/apology" : $"/api/v1/dossiers/{code}/actions/{action}";
        var (status, text, _) = await Eventually.Until(async () =>
        {
            using var r = await Processing.SendAsync(new HttpRequestMessage(HttpMethod.Post, path)
            {
                Content = JsonContent.Create(body ?? new { officer = "Trần Thị Lan", role = "Chuyên viên", department = "Một cửa", content = action }),
            }.WithToken(token));
            return (r.StatusCode, await r.Content.ReadAsStringAsync(), ProcessingAnswer.NotYetRecorded(r));
        }, r => r.StatusCode != HttpStatusCode.NotFound && !r.Item3, TimeSpan.FromSeconds(30), $"Processing to know {code}");
        Assert.True(status == HttpStatusCode.OK, $"{action}: {(int)status} {text}");
    }

    [Fact]
    public async Task The_deciding_ward_reads_a_boundary_free_dossier_a_third_ward_gets_404_and_the_overdue_list_shows_it_until_decided()
    {
        var sandbox = system.Client(ResourceNames.Sandbox);
        var a = await Tokens.ForClientAsync(sandbox, "phuong-sai-gon");
        var b = await Tokens.ForClientAsync(sandbox, "phuong-tan-dinh");
        var c = Tokens.Forge(agency: WardC, scope: "dossiers.submit reception processing");

        // Ward A uploads a document and submits the dossier, naming ward B as the deciding agency.
        var documentId = (await Uploads.PngAsync(Intake, a)).GetProperty("id").GetGuid();
        var components = Submissions.CompleteDocuments().Skip(1).Prepend(new { componentCode = Submissions.RequiredComponents[0], documentId });
        using var created = await Intake.SendAsync(Submissions.Post(WardA, a, body: new
        {
            procedureCode = Submissions.ProcedureCode, receivingUnit = WardA, decidingAgency = WardB, channel = 2,
            applicant = new { kind = "citizen", name = "Phạm Thị Giang", citizenId = "079203004321" },
            documents = components.ToArray(),
        }));
        var createdBody = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, createdBody);
        var code = JsonDocument.Parse(createdBody).RootElement.GetProperty("dossierCode").GetString()!;

        // At Intake: B reads the dossier, finds the document in it, and reads the document and its content.
        var dossier = await OkAsync(Intake, $"/api/v1/dossiers/{code}", b);
        Assert.Equal((WardA, WardB), (dossier.GetProperty("receivingUnit").GetString(), dossier.GetProperty("decidingAgency").GetString()));
        Assert.Contains(dossier.GetProperty("documents").EnumerateArray(),
            d => d.TryGetProperty("documentId", out var id) && id.ValueKind == JsonValueKind.String && id.GetGuid() == documentId);
        Assert.Equal(code, (await OkAsync(Intake, $"/api/v1/documents/{documentId}", b)).GetProperty("dossierCode").GetString());
        using (var content = await Intake.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/documents/{documentId}/content").WithToken(b)))
        {
            Assert.Equal(HttpStatusCode.OK, content.StatusCode);
            Assert.Equal(Uploads.Png, await content.Content.ReadAsByteArrayAsync());
        }

        // A receives it at the desk, B processes it; both read its state and history at Processing.
        await ActAsync(code, "accept", a);
        await ActAsync(code, "start-processing", b);
        foreach (var token in new[] { a, b })
        {
            var state = await OkAsync(Processing, $"/api/v1/dossiers/{code}", token);
            Assert.Equal((4, 3L, WardB), (state.GetProperty("status").GetInt32(), state.GetProperty("sequence").GetInt64(),
                state.GetProperty("decidingAgency").GetString()));
            Assert.False(state.GetProperty("overdue").GetBoolean());
            var history = await OkAsync(Processing, $"/api/v1/dossiers/{code}/history", token);
            Assert.Equal([1, 2, 4], history.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("status").GetInt32()));
        }

        // Ward C: every read answers like an unknown one.
        foreach (var (client, path) in new[]
                 {
                     (Intake, $"/api/v1/dossiers/{code}"), (Intake, $"/api/v1/documents/{documentId}"),
                     (Intake, $"/api/v1/documents/{documentId}/content"), (Processing, $"/api/v1/dossiers/{code}"),
                     (Processing, $"/api/v1/dossiers/{code}/history"),
                 })
            Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(client, path, c)).Status);

        // A week passes: the clock's moments move a week back, as they stand a week after reception (no test clock runs
        // the whole system, and the shortest seeded term is a working day). The rule then finds the dossier overdue.
        await using (var connection = new NpgsqlConnection(await system.App.GetConnectionStringAsync(ResourceNames.Database(ResourceNames.Processing))))
        {
            await connection.OpenAsync();
            await using var back = new NpgsqlCommand("""
                UPDATE dossiers SET received_at = received_at - interval '7 days', appointment_at = appointment_at - interval '7 days',
                    original_appointment_at = original_appointment_at - interval '7 days', due_at = due_at - interval '7 days',
                    at_risk_at = at_risk_at - interval '7 days'
                WHERE code = @code
                """, connection);
            back.Parameters.AddWithValue("code", code);
            Assert.Equal(1, await back.ExecuteNonQueryAsync());
        }
        foreach (var token in new[] { a, b })
        {
            var item = await OverdueItemAsync(code, token);
            Assert.True(item is { } i && i.GetProperty("overdue").GetBoolean() && !i.GetProperty("apologyIssued").GetBoolean(), item?.ToString() ?? "not listed");
        }
        Assert.Null(await OverdueItemAsync(code, c));

        // B's head signs the apology (late): still overdue, now with the apology.
        await ActAsync(code, "apology", b, new
        {
            officer = "Trần Văn Bình", reason = "Cần xác minh thêm", signedBy = "Lê Thị Cúc, Chủ tịch UBND phường Tân Định",
            newAppointmentAt = WorkingCalendar.Default.AddWorkingTime(DateTimeOffset.UtcNow, TimeSpan.FromHours(40)),
        });
        var apologised = await OverdueItemAsync(code, b);
        Assert.True(apologised is { } x && x.GetProperty("apologyIssued").GetBoolean(), apologised?.ToString() ?? "not listed");

        // Decided: it leaves the list.
        await ActAsync(code, "decide", b);
        Assert.Null(await OverdueItemAsync(code, b));
        Assert.Equal(9, (await OkAsync(Processing, $"/api/v1/dossiers/{code}", a)).GetProperty("status").GetInt32());
    }
}

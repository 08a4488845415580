using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Procedures.Contracts;
using Procedures.TestInfrastructure;

namespace Procedures.EndToEnd.Tests;

/// <summary>
/// The Decision 766 index moves with real dossiers: submitted at Intake, acted on at Processing, synced by PortalSync,
/// projected by Reporting. A receiving unit no other test uses keeps the counts exact; the city's client acts on it.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class ReportingTests(SystemFixture system)
{
    internal const string Unit = "25747.H29"; // Phường Thủ Dầu Một
    private HttpClient Reporting => system.Client(ResourceNames.Reporting);

    internal static string Period()
    {
        var today = DateTimeOffset.UtcNow.VietnamDate();
        return $"from={today.AddDays(-1):yyyy-MM-dd}&to={today.AddDays(1):yyyy-MM-dd}";
    }

    /// <summary>Submits a dossier at <paramref name="unit"/> and applies <paramref name="actions"/> in order; returns its code.</summary>
    internal static async Task<string> DossierAsync(SystemFixture system, string token, string unit, params string[] actions)
    {
        using var created = await system.Client(ResourceNames.Intake).SendAsync(Submissions.Post(unit, token));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var code = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("dossierCode").GetString()!;
        var processing = system.Client(ResourceNames.Processing);
        for (var i = 0; i < actions.Length; i++)
        {
            var action = actions[i];
            var (status, body, _) = await Eventually.Until(async () =>
            {
                using var r = await processing.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/dossiers/{code}/actions/{action}")
                {
                    Content = JsonContent.Create(new { officer = "Trần Thị Lan", role = "Chuyên viên", department = "Một cửa", content = action }),
                }.WithToken(token));
                return (r.StatusCode, await r.Content.ReadAsStringAsync(), Pending: ProcessingAnswer.NotYetRecorded(r));
            }, r => i > 0 || !r.Pending, TimeSpan.FromSeconds(30), $"Processing to know {code}");
            Assert.True(status == HttpStatusCode.OK, $"{action}: {(int)status} {body}");
        }
        return code;
    }

    private static JsonElement Indicator(JsonElement index, string code)
        => index.GetProperty("indicators").EnumerateArray().Single(i => i.GetProperty("code").GetString() == code);

    [Fact]
    public async Task Every_KPI_filter_naming_an_agency_or_unit_outside_the_register_is_refused_naming_the_parameter()
    {
        var city = await Tokens.ForClientAsync(system.Client(ResourceNames.Sandbox), "dev-admin");
        async Task RefusedAsync(HttpRequestMessage request, string field)
        {
            using var response = await Reporting.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{request.RequestUri}: {(int)response.StatusCode} {body}");
            var problem = JsonDocument.Parse(body).RootElement;
            Assert.Equal("urn:procedures:problem:unknown-agency", problem.GetProperty("type").GetString());
            var error = Assert.Single(problem.GetProperty("errors").EnumerateArray());
            Assert.Equal((field, "unknown-agency"), (error.GetProperty("field").GetString(), error.GetProperty("rule").GetString()));
        }

        await RefusedAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v1/kpi/index?agency=99999.H29"), "agency");
        await RefusedAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v1/kpi/index?agency=26740.H29&commune=99999.H29"), "commune");
        await RefusedAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v1/kpi/at-risk?agency=99999.H29").WithToken(city), "agency");
        await RefusedAsync(new HttpRequestMessage(HttpMethod.Post, "/api/v1/kpi/evaluate")
        {
            Content = JsonContent.Create(new { dossiers = new[] { new { code = "X-1", receivingUnit = "26740.H29", decidingAgency = "99999.H29" } } }),
        }.WithToken(city), "dossiers[0].decidingAgency");
        // The register's own agencies (a commune, its police, a department) are answered.
        foreach (var agency in new[] { "26740.H29", "26740.CA.H29", "000.00.00.H29" })
            using (var known = await Reporting.GetAsync($"/api/v1/kpi/index?agency={agency}"))
                Assert.True(known.StatusCode == HttpStatusCode.OK, $"{agency}: {(int)known.StatusCode} {await known.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task The_index_counts_real_dossiers_by_the_national_rules_and_at_risk_lists_the_open_one_to_its_agency_only()
    {
        var sandbox = system.Client(ResourceNames.Sandbox);
        var city = await Tokens.ForClientAsync(sandbox, "dev-admin");
        var onTime = await DossierAsync(system, city, Unit, "accept", "start-processing", "decide", "return-result");
        var repeated = await DossierAsync(system, city, Unit, "accept", "start-processing", "request-supplement", "supplement-received", "request-supplement");
        var open = await DossierAsync(system, city, Unit, "accept");
        var withdrawn = await DossierAsync(system, city, Unit, "accept", "withdraw");
        var refused = await DossierAsync(system, city, Unit, "refuse");

        // Four received (the refused one never was); on time: finished, open within time, withdrawn in time; the dossier
        // waiting on its second supplementation request counts overdue. All four synced once PortalSync has sent them.
        var index = await Eventually.Until(
            async () => await Reporting.GetFromJsonAsync<JsonElement>($"/api/v1/kpi/index?{Period()}&commune={Unit}"),
            i => i.GetProperty("dossiersReceived").GetInt64() == 4
                 && Indicator(i, "PROGRESS_ON_TIME").GetProperty("denominator").GetInt64() == 4
                 && Indicator(i, "DOSSIER_SYNC").GetProperty("numerator").GetInt64() == 4,
            TimeSpan.FromSeconds(90), "the index to count the four received dossiers, all synced");
        var progress = Indicator(index, "PROGRESS_ON_TIME");
        Assert.Equal((3, 0.75m, 15m), (progress.GetProperty("numerator").GetInt64(), progress.GetProperty("ratio").GetDecimal(), progress.GetProperty("points").GetDecimal()));
        Assert.Equal(6m, Indicator(index, "DOSSIER_SYNC").GetProperty("points").GetDecimal());
        var online = Indicator(index, "ONLINE_DOSSIERS");
        Assert.Equal((4, 4, 6m), (online.GetProperty("numerator").GetInt64(), online.GetProperty("denominator").GetInt64(), online.GetProperty("points").GetDecimal()));
        var eResult = Indicator(index, "ORIGINAL_RESULT_AVAILABLE");
        Assert.Equal(1, eResult.GetProperty("denominator").GetInt64()); // decided: only the first
        var target = index.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("code").GetString() == "processed-on-time");
        Assert.Equal(("red", false), (target.GetProperty("light").GetString(), target.GetProperty("met").GetBoolean()));
        Assert.Equal(6, index.GetProperty("groups").GetArrayLength());
        Assert.Equal(index.GetProperty("groups").EnumerateArray().Sum(g => g.GetProperty("points").GetDecimal()), index.GetProperty("totalPoints").GetDecimal());

        // At risk: the open dossier, with its due moment, to the city; a commune's token never sees another unit's dossiers.
        using var atRisk = await Reporting.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/kpi/at-risk?agency={Unit}&limit=500").WithToken(city));
        var items = (await atRisk.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(items, i => i.GetProperty("code").GetString() == open && i.GetProperty("dueAt").GetDateTimeOffset() > DateTimeOffset.UtcNow);
        Assert.DoesNotContain(items, i => i.GetProperty("code").GetString() is { } c && (c == onTime || c == repeated || c == withdrawn || c == refused));
        var commune = await Tokens.ForClientAsync(sandbox, "phuong-sai-gon");
        using var foreign = await Reporting.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/kpi/at-risk?agency={Unit}&limit=500").WithToken(commune));
        Assert.Equal(HttpStatusCode.OK, foreign.StatusCode);
        Assert.DoesNotContain((await foreign.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray(),
            i => i.GetProperty("code").GetString() == open);
        using var anonymous = await Reporting.GetAsync("/api/v1/kpi/at-risk");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task The_index_evaluate_and_scoreboard_count_in_the_view_asked_for_and_refuse_an_unknown_view_naming_it()
    {
        var token = await Tokens.ForClientAsync(system.Client(ResourceNames.Sandbox), "phuong-sai-gon");
        async Task<JsonElement> OkAsync(HttpRequestMessage request)
        {
            using var response = await Reporting.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{request.RequestUri}: {(int)response.StatusCode} {body}");
            return JsonDocument.Parse(body).RootElement;
        }
        async Task RefusedAsync(HttpRequestMessage request, string rule)
        {
            using var response = await Reporting.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{request.RequestUri}: {(int)response.StatusCode} {body}");
            var error = Assert.Single(JsonDocument.Parse(body).RootElement.GetProperty("errors").EnumerateArray());
            Assert.Equal(("view", rule), (error.GetProperty("field").GetString(), error.GetProperty("rule").GetString()));
        }

        // The live index and the scoreboard's data: local unless asked, and say which view they counted.
        Assert.Equal("local", (await OkAsync(new(HttpMethod.Get, $"/api/v1/kpi/index?{Period()}"))).GetProperty("view").GetString());
        Assert.Equal("portal", (await OkAsync(new(HttpMethod.Get, $"/api/v1/kpi/index?{Period()}&view=portal"))).GetProperty("view").GetString());
        Assert.Equal("portal", (await OkAsync(new(HttpMethod.Get, $"/api/v1/kpi/scoreboard?{Period()}&view=portal"))).GetProperty("view").GetString());
        await RefusedAsync(new(HttpMethod.Get, "/api/v1/kpi/index?view=national"), "one-of");
        await RefusedAsync(new(HttpMethod.Get, "/api/v1/kpi/scoreboard?view=Portal"), "one-of");

        // Posted facts: one synced dossier on time, one the portal never received, late.
        object Dossier(string code, string ended, bool synced) => new
        {
            code, procedureCode = Submissions.ProcedureCode, receivingUnit = "26740.H29", decidingAgency = "26740.H29", channel = 2,
            receivedAt = "2026-11-05T08:00:00+07:00", originalDueAt = "2026-11-10T17:00:00+07:00", endedAt = ended, endStatus = 10,
            synced, syncedCurrent = synced,
        };
        HttpRequestMessage Post(string? view) => new HttpRequestMessage(HttpMethod.Post, "/api/v1/kpi/evaluate")
        {
            Content = JsonContent.Create(new
            {
                from = "2026-11-01", to = "2026-11-30", view, procedures = Array.Empty<object>(),
                dossiers = new[] { Dossier("V-1", "2026-11-09T10:00:00+07:00", synced: true), Dossier("V-2", "2026-11-12T10:00:00+07:00", synced: false) },
            }),
        }.WithToken(token);
        (long, long) Counts(JsonElement index, string code)
        {
            var i = Indicator(index, code);
            return (i.GetProperty("numerator").GetInt64(), i.GetProperty("denominator").GetInt64());
        }
        foreach (var (view, progress, online) in new[] { ((string?)null, (1L, 2L), (2L, 2L)), ("local", (1L, 2L), (2L, 2L)), ("portal", (1L, 1L), (1L, 1L)) })
        {
            var index = await OkAsync(Post(view));
            Assert.Equal(view ?? "local", index.GetProperty("view").GetString());
            Assert.Equal(progress, Counts(index, "PROGRESS_ON_TIME"));
            Assert.Equal(online, Counts(index, "ONLINE_DOSSIERS"));
            Assert.Equal((1L, 2L), Counts(index, "DOSSIER_SYNC")); // every received dossier in both views
            Assert.Equal(2, index.GetProperty("dossiersReceived").GetInt64());
        }
        await RefusedAsync(Post("national"), "type");
    }

    [Fact]
    public async Task Evaluate_scores_an_agencys_posted_facts_by_the_same_rules_and_names_each_bad_field()
    {
        var token = await Tokens.ForClientAsync(system.Client(ResourceNames.Sandbox), "phuong-sai-gon");
        object Dossier(string code, string ended, int channel = 2) => new
        {
            code, procedureCode = Submissions.ProcedureCode, receivingUnit = "26740.H29", decidingAgency = "26740.H29", channel,
            receivedAt = "2026-11-05T08:00:00+07:00", originalDueAt = "2026-11-10T17:00:00+07:00", endedAt = ended, endStatus = 10,
            synced = true, syncedCurrent = true,
        };
        HttpRequestMessage Post(params object[] dossiers) => new HttpRequestMessage(HttpMethod.Post, "/api/v1/kpi/evaluate")
        {
            Content = JsonContent.Create(new { from = "2026-11-01", to = "2026-11-30", dossiers, procedures = Array.Empty<object>() }),
        }.WithToken(token);

        // Finished exactly at the deadline (on time) and one second after it (late): 1 of 2, 10 of 20 points.
        using var ok = await Reporting.SendAsync(Post(Dossier("A-1", "2026-11-10T17:00:00+07:00"), Dossier("A-2", "2026-11-10T17:00:01+07:00")));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var progress = Indicator(await ok.Content.ReadFromJsonAsync<JsonElement>(), "PROGRESS_ON_TIME");
        Assert.Equal((1, 2, 10m), (progress.GetProperty("numerator").GetInt64(), progress.GetProperty("denominator").GetInt64(), progress.GetProperty("points").GetDecimal()));

        using var bad = await Reporting.SendAsync(Post(Dossier("A-1", "2026-11-10T17:00:00+07:00", channel: 7)));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray().ToList();
        Assert.Contains(errors, e => e.GetProperty("field").GetString() == "dossiers[0].channel" && e.GetProperty("rule").GetString() == "one-of");

        using var anonymous = await Reporting.PostAsJsonAsync("/api/v1/kpi/evaluate", new { from = "2026-11-01" });
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }
}

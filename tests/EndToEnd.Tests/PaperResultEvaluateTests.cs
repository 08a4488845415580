using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Procedures.Contracts;
using Procedures.TestInfrastructure;

namespace Procedures.EndToEnd.Tests;

/// <summary>
/// POST /api/v1/kpi/evaluate with the catalogue facts of issue 24 item 3: a dossier's paper-result fact (posted, or its
/// procedure's) decides 3.3's e-result condition and 4.1's cohort; an unknown one is counted as before and shown; the
/// full-process target counts over the procedures whose level is known.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class PaperResultEvaluateTests(SystemFixture system)
{
    private const string PaperProcedure = "1.004222";
    private const string NoPaperProcedure = "1.000894";
    private const string UnlistedProcedure = "1.001193";

    private static object Dossier(string code, string procedure, bool? paperResult = null, bool electronicResult = false) => new
    {
        code, procedureCode = procedure, receivingUnit = "26740.H29", decidingAgency = "26740.H29", channel = 2,
        receivedAt = "2026-11-05T08:00:00+07:00", originalDueAt = "2026-11-10T17:00:00+07:00", endedAt = "2026-11-09T10:00:00+07:00",
        endStatus = 10, electronicResult, paperResult, synced = true, syncedCurrent = true,
    };

    private static object Procedure(string code, string onlineLevel, bool? paperResult, string? onlineLevelSince) => new
    {
        code, version = 1, name = "Thủ tục " + code, field = "Hộ tịch", level = "commune", onlineLevel, feeBearing = false,
        publishedOn = "2026-01-05", publishedOnTime = true, paperResult, onlineLevelSince,
    };

    private static JsonElement Indicator(JsonElement index, string code)
        => index.GetProperty("indicators").EnumerateArray().Single(i => i.GetProperty("code").GetString() == code);

    private static (long, long) Counts(JsonElement indicator)
        => (indicator.GetProperty("numerator").GetInt64(), indicator.GetProperty("denominator").GetInt64());

    [Fact]
    public async Task Evaluate_applies_the_paper_result_rules_and_the_full_process_target_to_posted_facts()
    {
        var token = await Tokens.ForClientAsync(system.Client(ResourceNames.Sandbox), "phuong-sai-gon");
        var reporting = system.Client(ResourceNames.Reporting);
        HttpRequestMessage Post(object[] dossiers, object[] procedures) => new HttpRequestMessage(HttpMethod.Post, "/api/v1/kpi/evaluate")
        {
            Content = JsonContent.Create(new { from = "2026-11-01", to = "2026-11-30", dossiers, procedures }),
        }.WithToken(token);

        using var ok = await reporting.SendAsync(Post(
        [
            Dossier("P-1", PaperProcedure, paperResult: true), // paper original required, no e-result: not online in 3.3
            Dossier("P-2", PaperProcedure, paperResult: true, electronicResult: true),
            Dossier("P-3", NoPaperProcedure), // no paperResult posted: its procedure's (false) applies
            Dossier("P-4", UnlistedProcedure), // neither: unknown
        ],
        [
            Procedure(PaperProcedure, "full", paperResult: true, onlineLevelSince: "2026-01-01"),
            Procedure(NoPaperProcedure, "partial", paperResult: false, onlineLevelSince: null),
            Procedure(UnlistedProcedure, "unknown", paperResult: null, onlineLevelSince: null),
        ]));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var index = await ok.Content.ReadFromJsonAsync<JsonElement>();

        var online = Indicator(index, "ONLINE_DOSSIERS");
        Assert.Equal((3, 4), Counts(online)); // P-2, P-3, P-4
        Assert.Equal(1, online.GetProperty("counts").GetProperty("paperResultUnknown").GetInt64());
        Assert.Equal((1, 3), Counts(Indicator(index, "ORIGINAL_RESULT_AVAILABLE"))); // cohort P-1, P-2, P-4 (not P-3); e-result: P-2
        var target = index.GetProperty("targets").EnumerateArray().Single(t => t.GetProperty("code").GetString() == "online-full-process");
        Assert.Equal((0.5m, 1L), (target.GetProperty("value").GetDecimal(), target.GetProperty("unknown").GetInt64()));

        using var bad = await reporting.SendAsync(Post([], [Procedure(UnlistedProcedure, "unknown", paperResult: null, onlineLevelSince: "2026-01-01")]));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var error = Assert.Single((await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray());
        Assert.Equal(("procedures[0].onlineLevelSince", "needs-online-level"), (error.GetProperty("field").GetString(), error.GetProperty("rule").GetString()));
    }
}

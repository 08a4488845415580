using System.Net;
using System.Text.Json;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests.Desk;

/// <summary>
/// Processing's reads on real Postgres with injected time: one dossier's state and history for both parties to a
/// boundary-free dossier (received at one ward, decided by another) and 404 for a third; the open, at-risk and overdue
/// lists as the clock moves, an overdue dossier staying listed (with its apology flag) until it is finished.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class DossierReadsTests(InfrastructureFixture infra) : IAsyncLifetime
{
    // The clock tests' week: accepted Monday 09:00 with 3 working days, at risk Wednesday 17:00, due Thursday 17:00.
    private static readonly DateTimeOffset Monday = ClockTests.Monday;
    private static readonly DateTimeOffset Due = ClockTests.Due;
    private static readonly DateTimeOffset AtRisk = ClockTests.AtRisk;
    private const string Receiving = ProcessingHost.Desk;
    private const string Deciding = ProcessingHost.OtherDesk;
    private const string Third = "26734.H29";
    private ProcessingHost _host = null!;

    public async Task InitializeAsync() => _host = await ProcessingHost.StartAsync(infra, Monday);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    /// <summary>Received at <see cref="Receiving"/> on Monday 09:00, decided by <see cref="Deciding"/>, in processing.</summary>
    private async Task<string> BoundaryFreeAsync()
    {
        _host.Time.Now = Monday;
        var code = await _host.SubmitAsync(decidingAgency: Deciding);
        await _host.ActOkAsync(code, "accept");
        await _host.ActOkAsync(code, "start-processing");
        return code;
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path, string agency, string scopes = "processing")
    {
        using var response = await _host.Http.SendAsync(_host.As(new HttpRequestMessage(HttpMethod.Get, path), scopes, agency));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private async Task<List<string>> ListAsync(string view, string agency)
    {
        var (status, body) = await GetAsync($"/api/v1/dossiers?view={view}&limit=200", agency);
        Assert.True(status == HttpStatusCode.OK, body.ToString());
        Assert.Equal(view, body.GetProperty("view").GetString());
        return [.. body.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("code").GetString()!)];
    }

    private async Task<JsonElement> ItemAsync(string view, string agency, string code)
    {
        var (_, body) = await GetAsync($"/api/v1/dossiers?view={view}&limit=200", agency);
        return body.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("code").GetString() == code);
    }

    [Fact]
    public async Task Both_parties_to_a_boundary_free_dossier_read_its_state_and_history_and_a_third_agency_gets_404()
    {
        var code = await BoundaryFreeAsync();
        _host.Time.Now = Monday.AddHours(1);

        foreach (var agency in new[] { Receiving, Deciding })
        {
            var (status, state) = await GetAsync($"/api/v1/dossiers/{code}", agency);
            Assert.True(status == HttpStatusCode.OK, $"{agency}: {(int)status} {state}");
            Assert.Equal((4, 3L, Receiving, Deciding), (state.GetProperty("status").GetInt32(), state.GetProperty("sequence").GetInt64(),
                state.GetProperty("receivingUnit").GetString(), state.GetProperty("decidingAgency").GetString()));
            Assert.Equal((Due, AtRisk, Due), (state.GetProperty("dueAt").GetDateTimeOffset(), state.GetProperty("atRiskAt").GetDateTimeOffset(),
                state.GetProperty("appointmentAt").GetDateTimeOffset()));
            Assert.Equal((false, false, false), (state.GetProperty("atRisk").GetBoolean(), state.GetProperty("overdue").GetBoolean(),
                state.GetProperty("apologyIssued").GetBoolean()));

            var (historyStatus, history) = await GetAsync($"/api/v1/dossiers/{code}/history", agency, scopes: "reception");
            Assert.True(historyStatus == HttpStatusCode.OK, history.ToString());
            var steps = history.GetProperty("steps").EnumerateArray().ToList();
            Assert.Equal([1, 2, 4], steps.Select(s => s.GetProperty("status").GetInt32()));
            Assert.Equal([1L, 2L, 3L], steps.Select(s => s.GetProperty("sequence").GetInt64()));
            Assert.Equal(("Nguyễn Thị Hoa", "start-processing"), (steps[2].GetProperty("actor").GetString(), steps[2].GetProperty("content").GetString()));
            Assert.Equal(Due, steps[1].GetProperty("appointmentAt").GetDateTimeOffset());
        }

        // A third ward: the same 404 as an unknown code, for the state and the history.
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync($"/api/v1/dossiers/{code}", Third)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync($"/api/v1/dossiers/{code}/history", Third)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync($"/api/v1/dossiers/{code[..^4]}9999", Receiving)).Status);
        Assert.DoesNotContain(code, await ListAsync("open", Third));
        // Reading needs an officer's scope (reception or processing).
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync($"/api/v1/dossiers/{code}", Receiving, scopes: "payments")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await GetAsync("/api/v1/dossiers?view=overdue", Receiving, scopes: "reporting")).Status);
    }

    [Fact]
    public async Task The_lists_follow_the_clock_and_an_overdue_dossier_stays_listed_with_its_apology_until_it_is_decided()
    {
        var code = await BoundaryFreeAsync();

        _host.Time.Now = AtRisk.AddSeconds(-1);
        Assert.Contains(code, await ListAsync("open", Deciding));
        Assert.DoesNotContain(code, await ListAsync("at-risk", Deciding));

        _host.Time.Now = AtRisk;
        Assert.Contains(code, await ListAsync("at-risk", Deciding));
        Assert.Contains(code, await ListAsync("at-risk", Receiving));
        Assert.DoesNotContain(code, await ListAsync("overdue", Deciding));
        Assert.DoesNotContain(code, await ListAsync("at-risk", Third));

        // Past the due moment it leaves the at-risk list for the overdue one, apology not yet issued; the scan need not have run.
        _host.Time.Now = Due.AddSeconds(1);
        Assert.DoesNotContain(code, await ListAsync("at-risk", Deciding));
        var overdue = await ItemAsync("overdue", Deciding, code);
        Assert.Equal((true, false, false), (overdue.GetProperty("overdue").GetBoolean(), overdue.GetProperty("atRisk").GetBoolean(),
            overdue.GetProperty("apologyIssued").GetBoolean()));
        Assert.Contains(code, await ListAsync("overdue", Receiving));
        Assert.DoesNotContain(code, await ListAsync("overdue", Third));

        // The apology (late) moves the citizen's date, not the legal due moment: still overdue, now with the apology.
        _host.Time.Now = Due.AddHours(1);
        using (var apology = await _host.Http.SendAsync(_host.As(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/dossiers/{code}/apology")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new
            {
                officer = "Trần Văn Bình", reason = "Cần xác minh thêm", signedBy = "Lê Thị Cúc, Chủ tịch UBND phường",
                newAppointmentAt = Due.AddDays(5),
            }),
        }, agency: Deciding)))
            Assert.True(apology.IsSuccessStatusCode, await apology.Content.ReadAsStringAsync());
        overdue = await ItemAsync("overdue", Deciding, code);
        Assert.Equal((true, 1), (overdue.GetProperty("apologyIssued").GetBoolean(), overdue.GetProperty("apologies").GetInt32()));
        Assert.Equal((Due, Due.AddDays(5)), (overdue.GetProperty("dueAt").GetDateTimeOffset(), overdue.GetProperty("appointmentAt").GetDateTimeOffset()));

        _host.Time.Now = Due.AddDays(2);
        await _host.ActOkAsync(code, "decide");
        Assert.DoesNotContain(code, await ListAsync("overdue", Deciding));
        Assert.DoesNotContain(code, await ListAsync("open", Deciding));
        var (_, state) = await GetAsync($"/api/v1/dossiers/{code}", Deciding);
        Assert.Equal((9, false), (state.GetProperty("status").GetInt32(), state.GetProperty("overdue").GetBoolean()));
    }

    [Fact]
    public async Task A_pause_in_time_holds_a_dossier_off_the_overdue_list_and_one_paused_after_its_due_moment_stays_on_it()
    {
        var inTime = await BoundaryFreeAsync();
        var late = await BoundaryFreeAsync();
        _host.Time.Now = AtRisk.AddHours(-1);
        await _host.ActOkAsync(inTime, "request-supplement");
        _host.Time.Now = Due.AddHours(2);
        await _host.ActOkAsync(late, "request-supplement");

        _host.Time.Now = Due.AddDays(1);
        var overdue = await ListAsync("overdue", Receiving);
        Assert.DoesNotContain(inTime, overdue);
        Assert.Contains(late, overdue);
        // Paused: the clock does not run, so neither is at risk; both are open.
        Assert.DoesNotContain(inTime, await ListAsync("at-risk", Receiving));
        Assert.Contains(inTime, await ListAsync("open", Receiving));
        var (_, state) = await GetAsync($"/api/v1/dossiers/{inTime}", Receiving);
        Assert.Equal((5, 1), (state.GetProperty("status").GetInt32(), state.GetProperty("supplements").GetArrayLength()));
        Assert.Equal(AtRisk.AddHours(-1), state.GetProperty("pausedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task Lists_are_keyset_paged_by_code_and_bad_parameters_name_the_field()
    {
        var codes = new List<string>();
        for (var i = 0; i < 3; i++) codes.Add(await BoundaryFreeAsync());

        var (_, first) = await GetAsync("/api/v1/dossiers?view=open&limit=2", Deciding);
        var page1 = first.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("code").GetString()!).ToList();
        var after = first.GetProperty("nextAfter").GetString()!;
        Assert.Equal(page1[^1], after);
        var (_, second) = await GetAsync($"/api/v1/dossiers?view=open&limit=2&after={Uri.EscapeDataString(after)}", Deciding);
        var page2 = second.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("code").GetString()!).ToList();
        Assert.Equal(codes.Order(StringComparer.Ordinal), page1.Concat(page2));
        Assert.Equal(JsonValueKind.Null, second.GetProperty("nextAfter").ValueKind);

        var (status, problem) = await GetAsync("/api/v1/dossiers?view=late&limit=0", Deciding);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var errors = problem.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("field").GetString(), e.GetProperty("rule").GetString()));
        Assert.Equal([("view", "one-of"), ("limit", "range")], errors);
    }
}

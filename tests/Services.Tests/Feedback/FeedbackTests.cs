using System.Text.Json;
using Procedures.Contracts;
using Procedures.Services.Tests.Desk;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests.Feedback;

/// <summary>
/// Feedback on real Postgres with injected time: the deadline on the working-day calendar (official days off), the
/// responsible agency alone answers, the answer is rated once after it is given, the scan flags overdue feedback once.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class FeedbackTests(InfrastructureFixture infra) : IAsyncLifetime
{
    // Friday 24 April 2026, before the Hùng Kings' day off (Mon 27) and 30/4–1/5 (Thu–Fri): 10 working days end Wed 13 May.
    private static readonly DateTimeOffset Friday = DateTimeOffset.Parse("2026-04-24T10:00:00+07:00");
    private static readonly DateTimeOffset Due = DateTimeOffset.Parse("2026-05-13T17:00:00+07:00");
    private ProcessingHost _host = null!;

    public async Task InitializeAsync() => _host = await ProcessingHost.StartAsync(infra, Friday);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<JsonElement> FileAsync(object body, string? agency = ProcessingHost.Desk)
    {
        var (status, filed) = await (await _host.PostAsync(agency is null ? "/api/v1/public/feedback" : "/api/v1/feedback", body, agency)).ReadAsync();
        Assert.True(status == 200, filed.ToString());
        return filed;
    }

    private static object Answer => new { officer = "Trần Văn Bình", content = "Đã chấn chỉnh bộ phận một cửa" };

    [Fact]
    public async Task The_deadline_skips_weekends_and_official_days_off_and_the_dossiers_agency_is_responsible()
    {
        _host.Time.Now = Friday;
        var code = await _host.SubmitAsync();
        var filed = await FileAsync(new { category = "procedure", content = "Yêu cầu thêm bản sao không có trong quy định", dossierCode = code });
        Assert.Equal(Due, filed.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal((ProcessingHost.Desk, "1.003677"), (filed.GetProperty("agency").GetString(), filed.GetProperty("procedureCode").GetString()));
        var id = filed.GetProperty("id").GetGuid();
        var evt = Assert.Single(await _host.PublishedAsync<FeedbackFiled>(e => e.FeedbackId == id));
        Assert.Equal((code, Due, "agency"), (evt.DossierCode, evt.DueAt, evt.Channel));

        // Filed after office hours on the Friday, it is received the next working day (Tuesday 28): one working day later.
        _host.Time.Now = Friday.AddHours(9);
        var late = await FileAsync(new { category = "staff", content = "Cán bộ hẹn lại nhiều lần", procedureCode = "1.003677", agency = "26737.H29" });
        Assert.Equal(Due.AddDays(1), late.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal("26737.H29", late.GetProperty("agency").GetString());
    }

    [Fact]
    public async Task Only_the_responsible_agency_answers_once_and_the_answer_is_rated_once_after_it_is_given()
    {
        _host.Time.Now = Friday;
        var id = (await FileAsync(new { category = "procedure", content = "Thủ tục yêu cầu giấy tờ thừa", procedureCode = "1.003677" }))
            .GetProperty("id").GetGuid();
        var (early, notAnswered) = await (await _host.PostAsync($"/api/v1/feedback/{id}/rating", new { level = "satisfied" })).ReadAsync();
        Assert.Equal((409, "not-answered"), (early, notAnswered.Slug()));

        Assert.Equal(404, (await (await _host.PostAsync($"/api/v1/feedback/{id}/answer", Answer, ProcessingHost.OtherDesk)).ReadAsync()).Status);
        _host.Time.Now = Friday.AddDays(3);
        var (ok, answered) = await (await _host.PostAsync($"/api/v1/feedback/{id}/answer", Answer)).ReadAsync();
        Assert.True(ok == 200, answered.ToString());
        Assert.True(answered.GetProperty("onTime").GetBoolean());
        Assert.Equal((409, "already-answered"), await StatusSlugAsync($"/api/v1/feedback/{id}/answer", Answer));
        var evt = Assert.Single(await _host.PublishedAsync<FeedbackAnswered>(e => e.FeedbackId == id));
        Assert.Equal((ProcessingHost.Desk, true, Due), (evt.Agency, evt.OnTime, evt.DueAt));

        Assert.Equal(404, (await (await _host.PostAsync($"/api/v1/feedback/{id}/rating", new { level = "satisfied" }, ProcessingHost.OtherDesk)).ReadAsync()).Status);
        Assert.Equal(200, (await (await _host.PostAsync($"/api/v1/feedback/{id}/rating", new { level = "satisfied" })).ReadAsync()).Status);
        Assert.Equal((409, "already-rated"), await StatusSlugAsync($"/api/v1/feedback/{id}/rating", new { level = "dissatisfied", reasons = new[] { "late" } }));
        var rated = Assert.Single(await _host.PublishedAsync<FeedbackRated>(e => e.FeedbackId == id));
        Assert.Equal(("satisfied", true, ProcessingHost.Desk), (rated.Level, rated.Satisfied, rated.Agency));
    }

    [Fact]
    public async Task A_public_filer_needs_the_id_digits_for_a_dossier_and_rates_the_answer_with_the_follow_up_token_only()
    {
        _host.Time.Now = Friday;
        var code = await _host.SubmitAsync(idNumber: "079203005678");
        var (wrong, _) = await (await _host.PostAsync("/api/v1/public/feedback",
            new { category = "staff", content = "Thái độ chưa tốt", dossierCode = code, idLast4 = "1234" }, agency: null)).ReadAsync();
        Assert.Equal(404, wrong);
        var filed = await FileAsync(new { category = "staff", content = "Thái độ chưa tốt", dossierCode = code, idLast4 = "5678" }, agency: null);
        var (id, url) = (filed.GetProperty("id").GetGuid(), filed.GetProperty("followUpUrl").GetString()!);
        await _host.PostAsync($"/api/v1/feedback/{id}/answer", Answer);

        Assert.Equal((403, "link-invalid"), await StatusSlugAsync(url[..^2] + "xx", new { level = "satisfied" }, agency: null));
        // The filing agency channel cannot rate feedback filed publicly (it was not filed by that agency).
        Assert.Equal(404, (await (await _host.PostAsync($"/api/v1/feedback/{id}/rating", new { level = "satisfied" })).ReadAsync()).Status);
        var (ok, body) = await (await _host.PostAsync(url, new { level = "dissatisfied", reasons = new[] { "attitude" } }, agency: null)).ReadAsync();
        Assert.True(ok == 200, body.ToString());
        Assert.False(Assert.Single(await _host.PublishedAsync<FeedbackRated>(e => e.FeedbackId == id)).Satisfied);
    }

    [Fact]
    public async Task Overdue_unanswered_feedback_is_flagged_once_even_by_two_scans_at_once_and_listed_as_overdue()
    {
        _host.Time.Now = Friday;
        var ids = new List<Guid>();
        for (var i = 0; i < 12; i++)
            ids.Add((await FileAsync(new { category = "procedure", content = $"Phản ánh {i}", procedureCode = "1.003677" })).GetProperty("id").GetGuid());
        _host.Time.Now = Friday.AddDays(1);
        await _host.PostAsync($"/api/v1/feedback/{ids[0]}/answer", Answer);

        _host.Time.Now = Due;
        Assert.Equal(0, await _host.FeedbackScan.RunOnceAsync(default));
        _host.Time.Now = Due.AddSeconds(1);
        var passes = await Task.WhenAll(_host.FeedbackScan.RunOnceAsync(default), _host.FeedbackScan.RunOnceAsync(default));
        Assert.Equal(11, passes.Sum());
        Assert.Equal(0, await _host.FeedbackScan.RunOnceAsync(default));
        var overdue = await _host.PublishedAsync<FeedbackOverdue>(e => ids.Contains(e.FeedbackId));
        Assert.Equal(ids.Skip(1).Order(), overdue.Select(o => o.FeedbackId).Order());
        Assert.All(overdue, o => Assert.Equal((Due, ProcessingHost.Desk), (o.DueAt, o.Agency)));

        var (status, list) = await (await _host.GetAsync("/api/v1/feedback?overdue=true&limit=500")).ReadAsync();
        Assert.Equal(200, status);
        var listed = list.EnumerateArray().Where(f => ids.Contains(f.GetProperty("id").GetGuid())).ToList();
        Assert.Equal(11, listed.Count);
        Assert.All(listed, f => Assert.True(f.GetProperty("overdue").GetBoolean() && f.GetProperty("overdueRaised").GetBoolean()));
        var (_, others) = await (await _host.GetAsync("/api/v1/feedback", ProcessingHost.OtherDesk)).ReadAsync();
        Assert.DoesNotContain(others.EnumerateArray(), f => ids.Contains(f.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task Bad_feedback_is_a_problem_naming_each_field_and_rule()
    {
        var (status, problem) = await (await _host.PostAsync("/api/v1/feedback", new { category = "weather", content = " " })).ReadAsync();
        Assert.Equal(400, status);
        var errors = problem.GetProperty("errors").EnumerateArray().Select(e => (e.GetProperty("field").GetString(), e.GetProperty("rule").GetString())).ToList();
        Assert.Contains(("category", "one-of"), errors);
        Assert.Contains(("content", "required"), errors);
        Assert.Contains(("dossierCode", "dossier-or-procedure"), errors);
        var (publicStatus, publicProblem) = await (await _host.PostAsync("/api/v1/public/feedback",
            new { category = "procedure", content = "x", procedureCode = "1.003677" }, agency: null)).ReadAsync();
        Assert.Equal(400, publicStatus);
        Assert.Contains("agency", publicProblem.GetProperty("errors")[0].GetProperty("field").GetString());
    }

    private async Task<(int, string)> StatusSlugAsync(string path, object body, string? agency = ProcessingHost.Desk)
    {
        var (status, problem) = await (await _host.PostAsync(path, body, agency)).ReadAsync();
        return (status, problem.Slug());
    }
}

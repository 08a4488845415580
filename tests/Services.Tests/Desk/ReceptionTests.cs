using System.Net;
using System.Text.Json;
using Procedures.Contracts;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests.Desk;

/// <summary>The one-door desk's reception rules: late reception, form 02 (completion asked once), receipt (form 01).</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class ReceptionTests(InfrastructureFixture infra) : IAsyncLifetime
{
    // Monday 7 Dec 2026, 09:00 in Hồ Chí Minh City: an ordinary working week.
    private static readonly DateTimeOffset Monday = DateTimeOffset.Parse("2026-12-07T09:00:00+07:00");
    private ProcessingHost _host = null!;

    public async Task InitializeAsync() => _host = await ProcessingHost.StartAsync(infra, Monday);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task An_online_dossier_received_within_one_working_day_is_on_time_and_one_received_later_is_flagged_late()
    {
        _host.Time.Now = Monday;
        var prompt = await _host.SubmitAsync();
        var slow = await _host.SubmitAsync();

        // Tuesday 17:00 is the close of the next working day: still in time.
        _host.Time.Now = DateTimeOffset.Parse("2026-12-08T17:00:00+07:00");
        Assert.False((await _host.ActOkAsync(prompt, "accept")).GetProperty("lateReception").GetBoolean());
        _host.Time.Now = DateTimeOffset.Parse("2026-12-08T17:00:01+07:00");
        Assert.Equal(1, (await _host.Scan.RunOnceAsync(default)).LateReception);
        Assert.True(await _host.ScalarAsync<bool>("SELECT late_reception FROM dossiers WHERE code = @slow", new { slow }));
        Assert.True((await _host.ActOkAsync(slow, "accept")).GetProperty("lateReception").GetBoolean());

        var events = await _host.PublishedAsync<DossierStatusChanged>(e => e.Status == DossierStatus.Received);
        Assert.False(events.Single(e => e.DossierCode == prompt).LateReception);
        Assert.True(events.Single(e => e.DossierCode == slow).LateReception);
    }

    [Fact]
    public async Task An_in_person_dossier_is_never_late_for_reception()
    {
        _host.Time.Now = Monday;
        var code = await _host.SubmitAsync(SubmissionChannel.InPerson);
        _host.Time.Now = Monday.AddDays(3);
        Assert.Equal(0, (await _host.Scan.RunOnceAsync(default)).LateReception);
        Assert.False((await _host.ActOkAsync(code, "accept")).GetProperty("lateReception").GetBoolean());
    }

    [Fact]
    public async Task Completion_is_asked_once_and_a_dossier_completed_in_time_can_be_accepted()
    {
        _host.Time.Now = Monday;
        var code = await _host.SubmitAsync();
        var asked = await _host.ActOkAsync(code, "request-completion");
        Assert.Equal(1, asked.GetProperty("status").GetInt32());
        Assert.Equal(2, asked.GetProperty("sequence").GetInt64());
        // 5 working days from Monday 7 Dec: Monday 14 Dec at the close of office hours.
        Assert.Equal(DateTimeOffset.Parse("2026-12-14T17:00:00+07:00"), asked.GetProperty("completionDueAt").GetDateTimeOffset());

        using (var again = await _host.ActAsync(code, "request-completion"))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            Assert.Contains("completion-already-requested", await again.Content.ReadAsStringAsync());
        }
        _host.Time.Now = DateTimeOffset.Parse("2026-12-14T16:00:00+07:00");
        await _host.ActOkAsync(code, "completion-received");
        _host.Time.Now = DateTimeOffset.Parse("2026-12-15T09:00:00+07:00");
        Assert.Equal(0, (await _host.Scan.RunOnceAsync(default)).CompletionExpired);
        Assert.Equal(2, (await _host.ActOkAsync(code, "accept")).GetProperty("status").GetInt32());
        // The request (form 02) is a step of the history, announced like any other (status still 1) with its due date, so
        // the portal's history and the public stream get it; the completion itself changes nothing downstream.
        var published = await _host.PublishedAsync<DossierStatusChanged>(e => e.DossierCode == code);
        Assert.Equal([(DossierStatus.Submitted, 1L), (DossierStatus.Submitted, 2L), (DossierStatus.Received, 3L)],
            published.Select(e => (e.Status, e.Sequence)));
        Assert.Equal(DateTimeOffset.Parse("2026-12-14T17:00:00+07:00"), published[1].CompletionRequest?.DueAt);
        Assert.Equal("request-completion", published[1].Content);
        Assert.Null(published[0].CompletionRequest);
        Assert.Null(published[2].CompletionRequest);
        Assert.Equal(DateTimeOffset.Parse("2026-12-14T17:00:00+07:00"), await _host.ScalarAsync<DateTimeOffset>(
            "SELECT step_legal_end FROM dossier_history WHERE dossier_code = @code AND sequence = 2", new { code }));
    }

    [Fact]
    public async Task A_dossier_not_completed_in_time_is_refused_by_the_scan_and_a_late_completion_is_refused()
    {
        _host.Time.Now = Monday;
        var code = await _host.SubmitAsync();
        await _host.ActOkAsync(code, "request-completion");

        _host.Time.Now = DateTimeOffset.Parse("2026-12-14T17:00:01+07:00");
        using (var late = await _host.ActAsync(code, "completion-received"))
        {
            Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
            Assert.Contains("completion-too-late", await late.Content.ReadAsStringAsync());
        }
        Assert.Equal(1, (await _host.Scan.RunOnceAsync(default)).CompletionExpired);
        Assert.Equal(0, (await _host.Scan.RunOnceAsync(default)).CompletionExpired);

        var refused = (await _host.PublishedAsync<DossierStatusChanged>(e => e.DossierCode == code)).Last();
        Assert.Equal((DossierStatus.Refused, 3L), (refused.Status, refused.Sequence));
        Assert.Contains("form 02", refused.Content);
        Assert.Equal(3, await _host.ScalarAsync<short>("SELECT status FROM dossiers WHERE code = @code", new { code }));
    }

    [Fact]
    public async Task The_receipt_is_issued_after_acceptance_as_json_and_as_a_printable_page_and_each_read_is_audited()
    {
        _host.Time.Now = Monday;
        var code = await _host.SubmitAsync(applicant: "Lê <b>Văn</b> Tám", fees: ProcessingHost.TwoFees);
        using (var early = await _host.Http.SendAsync(_host.As(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/dossiers/{code}/receipt"))))
            Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        await _host.ActOkAsync(code, "accept");

        using var json = await _host.Http.SendAsync(_host.As(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/dossiers/{code}/receipt")));
        var receipt = JsonDocument.Parse(await json.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("01", receipt.GetProperty("form").GetString());
        Assert.Equal("Lê <b>Văn</b> Tám", receipt.GetProperty("applicantName").GetString());
        Assert.Equal("Đăng ký khai sinh", receipt.GetProperty("procedureName").GetString());
        Assert.Equal(DateTimeOffset.Parse("2026-12-10T17:00:00+07:00"), receipt.GetProperty("appointmentAt").GetDateTimeOffset());
        Assert.Equal("TK01", receipt.GetProperty("documents")[0].GetProperty("componentCode").GetString());
        // Names where the officer reads them (issue 21), the fees and where the result is collected.
        Assert.Equal("Tờ khai đăng ký khai sinh", receipt.GetProperty("documents")[0].GetProperty("componentName").GetString());
        Assert.Equal(ProcessingHost.DeskName, receipt.GetProperty("receivingUnitName").GetString());
        Assert.Equal(30000, receipt.GetProperty("feeTotalVnd").GetInt64());
        Assert.Equal(["Lệ phí cấp bản sao trích lục", "Phí gửi kết quả"],
            receipt.GetProperty("fees").EnumerateArray().Select(f => f.GetProperty("name").GetString()));
        Assert.Equal("Bộ phận Một cửa Phường Sài Gòn; kết quả điện tử gửi qua Cổng Dịch vụ công quốc gia",
            receipt.GetProperty("collectionPlace").GetString());

        using var html = await _host.Http.SendAsync(_host.As(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/dossiers/{code}/receipt.html")));
        var page = await html.Content.ReadAsStringAsync();
        Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
        Assert.Contains(code, page);
        Assert.Contains("17 giờ 00 phút, ngày 10/12/2026", page);
        var shown = WebUtility.HtmlDecode(page); // the encoder writes Vietnamese letters as character references
        Assert.Contains("<span id=\"unit\">Phường Sài Gòn</span>", shown);
        Assert.Contains("<td>Tờ khai đăng ký khai sinh</td>", shown);
        Assert.Contains("<b id=\"fee\">30.000 đồng</b>", shown);
        Assert.Contains("<li>Phí gửi kết quả: 22.000 đồng</li>", shown);
        Assert.Contains("<span id=\"collection\">Bộ phận Một cửa Phường Sài Gòn;", shown);
        Assert.DoesNotContain("<b>Văn</b>", page); // the name is encoded, never markup
        Assert.Contains("GIẤY TIẾP NHẬN HỒ SƠ", page);

        using (var stranger = await _host.Http.SendAsync(_host.As(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/dossiers/{code}/receipt"),
                   agency: ProcessingHost.OtherDesk)))
            Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
        Assert.Equal(2, await _host.ScalarAsync<long>(
            "SELECT count(*) FROM audit.entries WHERE action = 'dossier.receipt' AND resource = @code AND personal_data", new { code }));
    }
}

using System.Net;
using System.Text.Json;
using Procedures.Contracts;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests.Desk;

/// <summary>The clock on real Postgres with injected time: at-risk and overdue raised once each, pauses, apologies.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class ClockTests(InfrastructureFixture infra) : IAsyncLifetime
{
    internal static readonly DateTimeOffset Monday = DateTimeOffset.Parse("2026-12-07T09:00:00+07:00");
    // Accepted Monday 09:00 with 3 working days: due Thursday 10 Dec 17:00; at risk 1 working day before, Wednesday 17:00.
    internal static readonly DateTimeOffset Due = DateTimeOffset.Parse("2026-12-10T17:00:00+07:00");
    internal static readonly DateTimeOffset AtRisk = DateTimeOffset.Parse("2026-12-09T17:00:00+07:00");
    private ProcessingHost _host = null!;

    public async Task InitializeAsync() => _host = await ProcessingHost.StartAsync(infra, Monday);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<string> AcceptedAsync(bool processing = true, long feeVnd = 0)
    {
        _host.Time.Now = Monday;
        var code = await _host.SubmitAsync(feeVnd: feeVnd);
        await _host.ActOkAsync(code, "accept");
        if (processing) await _host.ActOkAsync(code, "start-processing");
        return code;
    }

    private static object Apology(DateTimeOffset newDate) => new
    {
        officer = "Trần Văn Bình", role = "Chuyên viên", department = "Phòng Tư pháp", reason = "Cần xác minh thêm",
        signedBy = "Lê Thị Cúc, Chủ tịch UBND phường", newAppointmentAt = newDate,
    };

    private async Task<HttpResponseMessage> ApologiseAsync(string code, DateTimeOffset newDate)
        => await _host.Http.SendAsync(_host.As(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/dossiers/{code}/apology")
        {
            Content = System.Net.Http.Json.JsonContent.Create(Apology(newDate)),
        }));

    [Fact]
    public async Task At_risk_is_raised_at_the_lead_time_and_overdue_at_the_due_moment_each_exactly_once()
    {
        var code = await AcceptedAsync();

        _host.Time.Now = AtRisk.AddSeconds(-1);
        Assert.Equal(0, (await _host.Scan.RunOnceAsync(default)).AtRisk);
        _host.Time.Now = AtRisk;
        Assert.Equal((1, 0), await ScanAsync());
        Assert.Equal((0, 0), await ScanAsync());
        _host.Time.Now = Due.AddSeconds(1);
        Assert.Equal((0, 1), await ScanAsync());
        Assert.Equal((0, 0), await ScanAsync());

        var risk = (await _host.PublishedAsync<DossierAtRisk>(e => e.DossierCode == code)).Single();
        Assert.Equal(Due, risk.DueAt);
        Assert.Equal(ProcessingHost.Desk, risk.ReceivingUnit);
        Assert.Equal(Due, (await _host.PublishedAsync<DossierOverdue>(e => e.DossierCode == code)).Single().DueAt);
    }

    private async Task<(int, int)> ScanAsync()
    {
        var pass = await _host.Scan.RunOnceAsync(default);
        return (pass.AtRisk, pass.Overdue);
    }

    [Fact]
    public async Task A_paused_dossier_is_not_raised_its_due_moment_moves_by_the_elapsed_pause_and_its_appointment_by_the_working_pause()
    {
        var code = await AcceptedAsync();
        _host.Time.Now = DateTimeOffset.Parse("2026-12-08T09:00:00+07:00");
        await _host.ActOkAsync(code, "request-supplement");
        _host.Time.Now = Due.AddDays(1);
        Assert.Equal((0, 0), await ScanAsync());

        // Paused Tue 09:00 to Fri 09:00: 3 days elapsed, 24 h of working time. The legal due moment the scan uses moves by the
        // elapsed time (the national rule); the citizen's date by the working time, Thu 17:00 + 24 h = Tue 15 Dec 17:00.
        _host.Time.Now = DateTimeOffset.Parse("2026-12-11T09:00:00+07:00");
        var resumed = await _host.ActOkAsync(code, "supplement-received");
        var moved = DateTimeOffset.Parse("2026-12-15T17:00:00+07:00");
        Assert.Equal(moved, resumed.GetProperty("appointmentAt").GetDateTimeOffset());
        Assert.Equal(Due, resumed.GetProperty("originalAppointmentAt").GetDateTimeOffset());
        Assert.Equal((0, 0), await ScanAsync());
        _host.Time.Now = Due.AddDays(3).AddSeconds(1);
        Assert.Equal((1, 1), await ScanAsync());

        var rounds = (await _host.PublishedAsync<DossierStatusChanged>(e => e.DossierCode == code)).Last(e => e.Status == DossierStatus.InProcessing)
            .Supplements!;
        var round = Assert.Single(rounds);
        Assert.Equal((Due, moved), (round.PreviousAppointmentAt!.Value, round.NewAppointmentAt!.Value));
        Assert.Equal(DateTimeOffset.Parse("2026-12-11T09:00:00+07:00"), round.ReceivedAt);
    }

    [Fact]
    public async Task Two_scanners_at_once_raise_each_dossier_once()
    {
        var codes = new List<string>();
        for (var i = 0; i < 30; i++) codes.Add(await AcceptedAsync());
        _host.Time.Now = Due.AddSeconds(1);

        var passes = await Task.WhenAll(_host.Scan.RunOnceAsync(default), _host.Scan.RunOnceAsync(default));

        var overdue = await _host.PublishedAsync<DossierOverdue>(e => codes.Contains(e.DossierCode));
        Assert.Equal(30, overdue.Count);
        Assert.Equal(30, overdue.Select(o => o.DossierCode).Distinct().Count());
        Assert.Equal(30, passes.Sum(p => p.Overdue));
    }

    [Fact]
    public async Task An_apology_before_the_due_moment_is_on_time_keeps_the_status_and_moves_only_the_citizens_date()
    {
        var code = await AcceptedAsync();
        _host.Time.Now = AtRisk;
        var newDate = Due.AddDays(5);
        using var response = await ApologiseAsync(code, newDate);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        Assert.True(body.GetProperty("onTime").GetBoolean());
        Assert.Equal((4, 4L), (body.GetProperty("status").GetInt32(), body.GetProperty("sequence").GetInt64()));
        Assert.Equal(newDate, body.GetProperty("appointmentAt").GetDateTimeOffset());
        Assert.Equal(Due, body.GetProperty("originalAppointmentAt").GetDateTimeOffset());

        var issued = (await _host.PublishedAsync<ApologyIssued>(e => e.DossierCode == code)).Single();
        Assert.True(issued.OnTime);
        Assert.Equal((Due, "Lê Thị Cúc, Chủ tịch UBND phường"), (issued.DueAt, issued.SignedBy));
        var status = (await _host.PublishedAsync<DossierStatusChanged>(e => e.DossierCode == code)).Last();
        Assert.Equal((DossierStatus.InProcessing, 4L, newDate), (status.Status, status.Sequence, status.AppointmentAt!.Value));
        Assert.Equal("Cần xác minh thêm", status.Apology!.Reason);
        // The index still judges by the original date: the apology does not postpone the overdue event.
        _host.Time.Now = Due.AddSeconds(1);
        Assert.Equal(1, (await _host.Scan.RunOnceAsync(default)).Overdue);
    }

    [Fact]
    public async Task An_apology_after_the_due_moment_is_recorded_but_marked_late()
    {
        var code = await AcceptedAsync();
        _host.Time.Now = Due.AddHours(1);
        using var response = await ApologiseAsync(code, Due.AddDays(5));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.True(response.IsSuccessStatusCode, body.ToString());
        Assert.False(body.GetProperty("onTime").GetBoolean());
        Assert.False((await _host.PublishedAsync<ApologyIssued>(e => e.DossierCode == code)).Single().OnTime);
        Assert.False(await _host.ScalarAsync<bool>("SELECT on_time FROM apologies WHERE dossier_code = @code", new { code }));
    }

    [Fact]
    public async Task An_apology_needs_a_later_working_moment_a_signature_and_an_open_dossier()
    {
        var code = await AcceptedAsync();
        _host.Time.Now = AtRisk;
        // Bad dates are bad input naming the field and the rule: before the current appointment, or no working moment
        // (the Sunday 23:00).
        foreach (var (date, rule) in new[] { (Due.AddHours(-1), "not-after-appointment"), (DateTimeOffset.Parse("2026-12-13T23:00:00+07:00"), "not-a-working-moment") })
        {
            using var bad = await ApologiseAsync(code, date);
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            var error = JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement.GetProperty("errors").EnumerateArray().Single();
            Assert.Equal(("newAppointmentAt", rule), (error.GetProperty("field").GetString(), error.GetProperty("rule").GetString()));
        }
        using (var unsigned = await _host.Http.SendAsync(_host.As(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/dossiers/{code}/apology")
               {
                   Content = System.Net.Http.Json.JsonContent.Create(new { officer = "A", reason = "B", newAppointmentAt = Due.AddDays(2) }),
               })))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unsigned.StatusCode);
            Assert.Contains("signedBy", await unsigned.Content.ReadAsStringAsync());
        }
        await _host.ActOkAsync(code, "decide");
        using var closed = await ApologiseAsync(code, Due.AddDays(2));
        Assert.Equal(HttpStatusCode.Conflict, closed.StatusCode);
        Assert.Empty(await _host.PublishedAsync<ApologyIssued>(e => e.DossierCode == code));
    }

    [Fact]
    public async Task Decide_carries_result_documents_and_return_carries_the_channel()
    {
        var code = await AcceptedAsync();
        await _host.ActOkAsync(code, "decide", new
        {
            officer = "Trần Văn Bình", content = "Cấp giấy khai sinh",
            results = new[] { new { name = "Giấy khai sinh", electronicResultCode = "KS-2026-000123", fileReference = "kq/ks-000123.pdf" } },
        });
        await _host.ActOkAsync(code, "return-result", new { officer = "Nguyễn Thị Hoa", content = "Trả qua bưu chính", returnChannel = 3 });
        var events = await _host.PublishedAsync<DossierStatusChanged>(e => e.DossierCode == code);
        Assert.Equal("KS-2026-000123", events.Single(e => e.Status == DossierStatus.Decided).Results!.Single().ElectronicResultCode);
        var returned = events.Single(e => e.Status == DossierStatus.Returned);
        Assert.Equal(SubmissionChannel.PublicPostal, returned.ReturnChannel);
        Assert.Equal("KS-2026-000123", returned.Results!.Single().ElectronicResultCode);

        using var bad = await _host.ActAsync(await AcceptedAsync(), "decide", new
        {
            officer = "A", content = "B", results = new[] { new { name = "Giấy khai sinh", electronicResultCode = "KS-1", fileReference = (string?)null } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("results[0].fileReference", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Payment_confirmation_moves_a_waiting_dossier_back_to_processing_with_the_paid_online_flag()
    {
        var code = await AcceptedAsync(feeVnd: 50_000);
        await _host.ActOkAsync(code, "request-payment");
        await _host.Harness.Bus.Publish(new PaymentSucceeded(code, "REF1", "TX1", 50_000, _host.Time.Now, PaidOnlineChannel.NationalPortal));
        var moved = await Eventually.Until(async () => await _host.PublishedAsync<DossierStatusChanged>(e => e.DossierCode == code && e.Sequence == 5),
            l => l.Count == 1, TimeSpan.FromSeconds(20), "the dossier to move 6 → 4");
        Assert.Equal((DossierStatus.InProcessing, (int?)1), (moved[0].Status, moved[0].PaidOnline));
    }
}

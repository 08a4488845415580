using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Procedures.Calendar;
using Procedures.Contracts;
using Procedures.TestInfrastructure;

namespace Procedures.EndToEnd.Tests;

[Collection(SystemCollection.Name)]
public sealed class LifecycleTests(SystemFixture system)
{
    private HttpClient Processing => system.Client(ResourceNames.Processing);

    private async Task<HttpResponseMessage> ActAsync(string code, string action, string token)
        => await Processing.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/dossiers/{code}/actions/{action}")
        {
            Content = JsonContent.Create(new { officer = "Nguyễn Thị Hoa", role = "Chuyên viên", department = "Một cửa", content = $"Thao tác {action}" }),
        }.WithToken(token));

    private async Task<JsonElement> ExpectAsync(string code, string action, string token, int status)
    {
        using var response = await ActAsync(code, action, token);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{action}: {(int)response.StatusCode} {body}");
        Assert.Equal(status, body.GetProperty("status").GetInt32());
        return body;
    }

    /// <summary>Submits at Intake and accepts at Processing, which learns of the dossier from DossierSubmitted (409 not-yet-recorded until then).</summary>
    private async Task<(string Code, JsonElement Accepted)> SubmitAndAcceptAsync(string clerk)
    {
        using var created = await system.Client(ResourceNames.Intake).SendAsync(Submissions.Post("26740.H29", clerk));
        var code = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("dossierCode").GetString()!;
        var accepted = await Eventually.Until(async () =>
        {
            using var r = await ActAsync(code, "accept", clerk);
            return ((int)r.StatusCode, await r.Content.ReadAsStringAsync(), ProcessingAnswer.NotYetRecorded(r));
        }, r => !r.Item3, TimeSpan.FromSeconds(30), "Processing to record the submission and accept it");
        Assert.True(accepted.Item1 == 200, accepted.Item2 + string.Join("\n", system.Logs.Where(l => l.Contains("Exception")).TakeLast(3)));
        return (code, JsonDocument.Parse(accepted.Item2).RootElement.Clone());
    }

    [Fact]
    public async Task A_dossier_runs_its_whole_life_and_the_portal_holds_the_final_status_and_ordered_history()
    {
        var sandbox = system.Client(ResourceNames.Sandbox);
        var clerk = await Tokens.ForClientAsync(sandbox, "phuong-sai-gon");
        var stranger = await Tokens.ForClientAsync(sandbox, "phuong-tan-dinh");
        var (code, _) = await SubmitAndAcceptAsync(clerk);
        Assert.Equal(HttpStatusCode.NotFound, (await ActAsync(code, "start-processing", stranger)).StatusCode);

        await ExpectAsync(code, "start-processing", clerk, 4);
        using (var illegal = await ActAsync(code, "return-result", clerk))
        {
            Assert.Equal(HttpStatusCode.Conflict, illegal.StatusCode);
            var problem = JsonDocument.Parse(await illegal.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(4, problem.GetProperty("currentStatus").GetInt32());
            Assert.Equal([5, 6, 8, 9, 7], problem.GetProperty("allowedStatuses").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        }
        var before = await ExpectAsync(code, "request-supplement", clerk, 5);
        var resumed = await ExpectAsync(code, "supplement-received", clerk, 4);
        // Moved by the working time paused: later during office hours, unchanged when the round happens after closing.
        Assert.True(resumed.GetProperty("appointmentAt").GetDateTimeOffset() >= before.GetProperty("appointmentAt").GetDateTimeOffset());
        Assert.Equal(before.GetProperty("originalAppointmentAt").GetDateTimeOffset(), resumed.GetProperty("originalAppointmentAt").GetDateTimeOffset());
        await ExpectAsync(code, "request-supplement", clerk, 5);
        var second = await ExpectAsync(code, "supplement-received", clerk, 4);
        Assert.True(second.GetProperty("countsOverdueForSupplements").GetBoolean());
        await ExpectAsync(code, "decide", clerk, 9);
        var last = await ExpectAsync(code, "return-result", clerk, 10);
        Assert.Equal(9, last.GetProperty("sequence").GetInt64());

        // Until PortalSync's first call lands the portal answers 404 (null here).
        var portal = (await Eventually.Until(() => new Lifecycles(system).PortalAsync(code),
            // The record and the history are separate portal calls: wait until both carry the last sequence.
            p => p is { } x && x.GetProperty("record").GetProperty("TrangThaiHoSo").GetInt32() == 10 && x.GetProperty("history").GetArrayLength() == 9,
            TimeSpan.FromSeconds(60), "the final status and full history at the portal"))!.Value;
        var statuses = portal.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("TrangThai").GetInt32()).ToArray();
        Assert.Equal([1, 2, 4, 5, 4, 5, 4, 9, 10], statuses);
    }

    [Fact]
    public async Task A_supplementation_round_moves_the_appointment_by_working_time_inside_office_hours_and_the_portal_holds_it()
    {
        var calendar = WorkingCalendar.Default;
        var clerk = await Tokens.ForClientAsync(system.Client(ResourceNames.Sandbox), "phuong-sai-gon");
        var (code, accepted) = await SubmitAndAcceptAsync(clerk);
        await ExpectAsync(code, "start-processing", clerk, 4);
        var before = accepted.GetProperty("appointmentAt").GetDateTimeOffset();

        // The round takes a moment of real time; whatever part of it is working time is all the appointment may move by.
        var span = DateTimeOffset.UtcNow;
        await ExpectAsync(code, "request-supplement", clerk, 5);
        var resumed = await ExpectAsync(code, "supplement-received", clerk, 4);
        var spanEnd = DateTimeOffset.UtcNow;
        var moved = resumed.GetProperty("appointmentAt").GetDateTimeOffset();

        // Wall-clock time added to a 17:00 appointment (the close of the due day) gave 17:00:0x, after closing.
        Assert.True(calendar.IsWorkingMoment(moved), $"{before:O} moved to {moved:O}, outside office hours");
        Assert.True(moved >= before, $"{moved:O} before {before:O}");
        Assert.True(calendar.WorkingTimeBetween(before, moved) <= calendar.WorkingTimeBetween(span, spanEnd),
            $"{before:O} moved to {moved:O}: more than the working time between {span:O} and {spanEnd:O}");
        Assert.Equal(before, resumed.GetProperty("originalAppointmentAt").GetDateTimeOffset());

        // The portal holds the moved date, in its record and in the supplementation round.
        var record = (await Eventually.Until(() => new Lifecycles(system).PortalAsync(code),
            p => p is { } x && x.GetProperty("record").TryGetProperty("DanhSachHoSoBoSung", out var rounds)
                 && rounds.GetArrayLength() == 1 && rounds[0].GetProperty("NgayTiepNhanBoSung").ValueKind == JsonValueKind.String,
            TimeSpan.FromSeconds(60), "the answered supplementation round at the portal"))!.Value.GetProperty("record");
        Assert.Equal(moved.ToPortalTimestamp(), record.GetProperty("NgayHenTra").GetString());
        var round = record.GetProperty("DanhSachHoSoBoSung")[0];
        Assert.Equal((before.ToPortalTimestamp(), moved.ToPortalTimestamp()),
            (round.GetProperty("NgayHenTraTruoc").GetString(), round.GetProperty("NgayHenTraMoi").GetString()));
        var atPortal = DateTimeOffset.ParseExact(record.GetProperty("NgayHenTra").GetString()! + "+07:00", "yyyyMMddHHmmsszzz",
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(calendar.IsWorkingMoment(atPortal), $"the portal's appointment {atPortal:O} is outside office hours");
    }

    [Fact]
    public async Task Concurrent_actions_on_one_dossier_are_serialised_never_both_applied()
    {
        var clerk = await Tokens.ForClientAsync(system.Client(ResourceNames.Sandbox), "phuong-sai-gon");
        var (code, _) = await SubmitAndAcceptAsync(clerk);

        // Two officers press "start processing" at once: exactly one wins, the other gets a 409.
        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => ActAsync(code, "start-processing", clerk)));
        Assert.Single(results, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(results.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
    }

    [Fact]
    public async Task The_citizen_follows_the_dossier_anonymously_the_desk_prints_the_receipt_and_an_apology_reaches_the_portal()
    {
        var sandbox = system.Client(ResourceNames.Sandbox);
        var clerk = await Tokens.ForClientAsync(sandbox, "phuong-sai-gon");
        var (code, accepted) = await SubmitAndAcceptAsync(clerk);

        // No token: the second factor is the last 4 digits of the applicant's ID (Submissions uses 079203001234).
        using var anonymous = system.Client(ResourceNames.Processing); // no token: the citizen's view
        using var lookup = await anonymous.GetAsync($"/api/v1/public/dossiers/{code}?idLast4=1234");
        var text = await lookup.Content.ReadAsStringAsync();
        Assert.True(lookup.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal(2, JsonDocument.Parse(text).RootElement.GetProperty("status").GetInt32());
        Assert.DoesNotContain("079203001234", text);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/v1/public/dossiers/{code}?idLast4=4321")).StatusCode);

        using var receipt = await Processing.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/dossiers/{code}/receipt.html").WithToken(clerk));
        Assert.Equal(HttpStatusCode.OK, receipt.StatusCode);
        Assert.Contains(code, await receipt.Content.ReadAsStringAsync());

        await ExpectAsync(code, "start-processing", clerk, 4);
        var appointment = accepted.GetProperty("appointmentAt").GetDateTimeOffset();
        using var apology = await Processing.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/dossiers/{code}/apology")
        {
            Content = JsonContent.Create(new
            {
                officer = "Trần Văn Bình", reason = "Cần xác minh thêm", signedBy = "Lê Thị Cúc, Chủ tịch UBND phường",
                newAppointmentAt = WorkingCalendar.Default.AddWorkingTime(appointment, TimeSpan.FromHours(40)), // a working moment, a week on
            }),
        }.WithToken(clerk));
        var body = JsonDocument.Parse(await apology.Content.ReadAsStringAsync()).RootElement;
        Assert.True(apology.StatusCode == HttpStatusCode.OK, body.ToString());
        Assert.True(body.GetProperty("onTime").GetBoolean());

        // The portal learns the new appointment date through the same ordered stream (sequence 4, status unchanged).
        await Eventually.Until(() => new Lifecycles(system).PortalAsync(code),
            p => p is { } x && x.GetProperty("history").GetArrayLength() == 4, TimeSpan.FromSeconds(60), "the apology step at the portal");
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Procedures.Contracts;
using Procedures.TestInfrastructure;

namespace Procedures.EndToEnd.Tests;

/// <summary>A fee-bearing dossier paid on the sandbox platform's hosted page, through the whole running system.</summary>
[Collection(SystemCollection.Name)]
public sealed class PaymentTests(SystemFixture system)
{
    private HttpClient Processing => system.Client(ResourceNames.Processing);

    private async Task<HttpStatusCode> ActAsync(string code, string action, string token)
    {
        using var response = await Processing.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/dossiers/{code}/actions/{action}")
        {
            Content = JsonContent.Create(new { officer = "Nguyễn Thị Hoa", role = "Chuyên viên", department = "Một cửa", content = $"Thao tác {action}" }),
        }.WithToken(token));
        return response.StatusCode;
    }

    private async Task<int> PublicStatusAsync(string code)
    {
        using var anonymous = system.Client(ResourceNames.Processing); // no token: the citizen's view
        return (await anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/public/dossiers/{code}?idLast4=1234")).GetProperty("status").GetInt32();
    }

    [Fact]
    public async Task A_dossier_waiting_for_its_fee_fails_once_is_paid_on_a_new_request_and_returns_to_processing()
    {
        var sandbox = system.Client(ResourceNames.Sandbox);
        var payment = system.Client(ResourceNames.Payment);
        var clerk = await Tokens.ForClientAsync(sandbox, "phuong-sai-gon");
        var stranger = await Tokens.ForClientAsync(sandbox, "phuong-tan-dinh");
        var body = await Submissions.FeeBearingBodyAsync(system.Client(ResourceNames.Intake));
        using var created = await system.Client(ResourceNames.Intake).SendAsync(Submissions.Post("26740.H29", clerk, body: body));
        var submitted = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, submitted);
        var code = JsonDocument.Parse(submitted).RootElement.GetProperty("dossierCode").GetString()!;

        // 409 (not-yet-recorded) until Processing has the submission; a new dossier has no other conflict on accept.
        await Eventually.Until(() => ActAsync(code, "accept", clerk), s => s != HttpStatusCode.Conflict, TimeSpan.FromSeconds(30),
            "Processing to record the submission and accept it");
        Assert.Equal(HttpStatusCode.OK, await ActAsync(code, "start-processing", clerk));
        Assert.Equal(HttpStatusCode.OK, await ActAsync(code, "request-payment", clerk));

        async Task<JsonElement> PaymentsAsync(string token)
        {
            using var r = await payment.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/dossiers/{code}/payments").WithToken(token));
            return r.StatusCode == HttpStatusCode.OK ? JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.Clone() : default;
        }
        var pending = await Eventually.Until(() => PaymentsAsync(clerk),
            p => p.ValueKind == JsonValueKind.Object && p.GetProperty("payments").GetArrayLength() == 1
                 && p.GetProperty("payments")[0].GetProperty("state").GetString() == "pending",
            TimeSpan.FromSeconds(30), "the payment request at the platform, with its pay URL");
        Assert.Equal(10000, pending.GetProperty("totalVnd").GetInt64()); // the online rate of 1.004222
        Assert.Equal(HttpStatusCode.NotFound, (await payment.SendAsync(
            new HttpRequestMessage(HttpMethod.Get, $"/api/v1/dossiers/{code}/payments").WithToken(stranger))).StatusCode);
        var first = new Uri(pending.GetProperty("payments")[0].GetProperty("paymentUrl").GetString()!);

        // The first attempt fails on the platform's page; the desk asks for a new payment request.
        using (var failed = await sandbox.PostAsync(first.PathAndQuery, new FormUrlEncodedContent([new("outcome", "fail")])))
            Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
        await Eventually.Until(() => PaymentsAsync(clerk), p => p.GetProperty("payments")[0].GetProperty("state").GetString() == "failed",
            TimeSpan.FromSeconds(30), "the failed payment to be recorded");
        HttpRequestMessage Retry() => new HttpRequestMessage(HttpMethod.Post, $"/api/v1/dossiers/{code}/payments")
        {
            Content = JsonContent.Create(new { }), Headers = { { "Idempotency-Key", "retry-" + code } },
        }.WithToken(clerk);
        using (var retried = await payment.SendAsync(Retry()))
            Assert.True(retried.StatusCode == HttpStatusCode.Created, await retried.Content.ReadAsStringAsync());
        using (var replay = await payment.SendAsync(Retry()))
            Assert.Equal(HttpStatusCode.Created, replay.StatusCode); // same key, same answer, no third request
        var second = await Eventually.Until(() => PaymentsAsync(clerk),
            p => p.GetProperty("payments").GetArrayLength() == 2 && p.GetProperty("payments")[1].GetProperty("state").GetString() == "pending",
            TimeSpan.FromSeconds(30), "the new payment request at the platform");
        var url = new Uri(second.GetProperty("payments")[1].GetProperty("paymentUrl").GetString()!);

        // The citizen pays on the platform's hosted page; the platform calls Payment back.
        Assert.Contains("10,000 VND", await sandbox.GetStringAsync(url.PathAndQuery));
        using (var paid = await sandbox.PostAsync(url.PathAndQuery, new FormUrlEncodedContent([new("outcome", "pay")])))
            Assert.Equal(HttpStatusCode.OK, paid.StatusCode);

        var done = await Eventually.Until(() => PaymentsAsync(clerk),
            p => p.GetProperty("payments")[1].GetProperty("state").GetString() == "succeeded"
                 && p.GetProperty("payments")[1].GetProperty("receipt").ValueKind == JsonValueKind.Object,
            TimeSpan.FromSeconds(30), "the payment to succeed and its receipt to be fetched");
        using (var paidAlready = await payment.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/dossiers/{code}/payments")
               {
                   Content = JsonContent.Create(new { }), Headers = { { "Idempotency-Key", "again-" + code } },
               }.WithToken(clerk)))
            Assert.Equal(HttpStatusCode.Conflict, paidAlready.StatusCode);
        var receipt = done.GetProperty("payments")[1].GetProperty("receipt");
        Assert.Equal(code, receipt.GetProperty("MaHoSo").GetString());
        Assert.Equal(PaidOnlineChannel.NationalPortal, done.GetProperty("payments")[1].GetProperty("paidOnline").GetInt32());

        // PaymentSucceeded moved the dossier from 6 back to 4 in Processing.
        await Eventually.Until(() => PublicStatusAsync(code), s => s == (int)DossierStatus.InProcessing, TimeSpan.FromSeconds(30),
            "Processing to move the dossier back to processing (6 → 4)");

        // The day's reconciliation (city-wide: the control office only) agrees on this payment.
        var reference = done.GetProperty("payments")[1].GetProperty("reference").GetString()!;
        var today = $"/api/v1/payments/reconciliation?date={DateTimeOffset.UtcNow.VietnamDate():yyyy-MM-dd}";
        Assert.Equal(HttpStatusCode.Forbidden, (await payment.SendAsync(new HttpRequestMessage(HttpMethod.Get, today).WithToken(clerk))).StatusCode);
        var admin = await Tokens.ForClientAsync(sandbox, "dev-admin");
        using var report = await payment.SendAsync(new HttpRequestMessage(HttpMethod.Get, today).WithToken(admin));
        var text = await report.Content.ReadAsStringAsync();
        Assert.True(report.StatusCode == HttpStatusCode.OK, text);
        var json = JsonDocument.Parse(text).RootElement;
        Assert.True(json.GetProperty("localCount").GetInt32() >= 1, text);
        Assert.DoesNotContain(json.GetProperty("differences").EnumerateArray(), d => d.GetProperty("reference").GetString() == reference);
        using var bad = await payment.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v1/payments/reconciliation?date=29/11/2026").WithToken(admin));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}

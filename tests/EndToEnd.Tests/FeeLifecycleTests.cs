using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Procedures.Contracts;
using Procedures.TestInfrastructure;

namespace Procedures.EndToEnd.Tests;

/// <summary>
/// Issue 21 through the whole running system: no dead ends around fees. A procedure without fees never waits for payment;
/// a fee-bearing dossier is not decided while its fee is unpaid, is paid in cash at the desk (a receipt; the portal sees
/// the payment step but not an online payment), then decided and returned; a dossier waiting for payment is withdrawn; a fee paid at the desk is paid back at the desk.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class FeeLifecycleTests(SystemFixture system)
{
    private HttpClient Processing => system.Client(ResourceNames.Processing);
    private HttpClient Payment => system.Client(ResourceNames.Payment);

    private async Task<(HttpStatusCode Status, JsonElement Body)> ActAsync(string code, string action, string token)
    {
        using var response = await Processing.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/dossiers/{code}/actions/{action}")
        {
            Content = JsonContent.Create(new { officer = "Nguyễn Thị Hoa", role = "Chuyên viên", department = "Một cửa", content = $"Thao tác {action}" }),
        }.WithToken(token));
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private async Task ExpectAsync(string code, string action, string token, int status)
    {
        var (http, body) = await ActAsync(code, action, token);
        Assert.True(http == HttpStatusCode.OK, $"{code} {action}: {(int)http} {body}");
        Assert.Equal(status, body.GetProperty("status").GetInt32());
    }

    /// <summary>Submitted at Intake (the fee-bearing procedure, or the seeded one without fees), accepted and in processing (4).</summary>
    private async Task<string> InProcessingAsync(string clerk, bool feeBearing)
    {
        var body = feeBearing ? await Submissions.FeeBearingBodyAsync(system.Client(ResourceNames.Intake)) : null;
        using var created = await system.Client(ResourceNames.Intake).SendAsync(Submissions.Post("26740.H29", clerk, body: body));
        var text = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, text);
        var code = JsonDocument.Parse(text).RootElement.GetProperty("dossierCode").GetString()!;
        // Until Processing has recorded the submission it answers 409 not-yet-recorded (retry); then accept succeeds.
        await Eventually.Until(async () => await ActAsync(code, "accept", clerk),
            a => a.Status != HttpStatusCode.NotFound && !(a.Status == HttpStatusCode.Conflict
                && a.Body.GetProperty("type").GetString() == "urn:procedures:problem:not-yet-recorded"),
            TimeSpan.FromSeconds(60), "Processing to record the submission and accept it");
        await ExpectAsync(code, "start-processing", clerk, 4);
        return code;
    }

    private async Task<JsonElement> PaymentsAsync(string code, string token)
    {
        using var r = await Payment.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/dossiers/{code}/payments").WithToken(token));
        return r.StatusCode == HttpStatusCode.OK ? JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.Clone() : default;
    }

    private async Task<int> PublicStatusAsync(string code)
    {
        using var anonymous = system.Client(ResourceNames.Processing);
        return (await anonymous.GetFromJsonAsync<JsonElement>($"/api/v1/public/dossiers/{code}?idLast4=1234")).GetProperty("status").GetInt32();
    }

    private async Task<JsonElement> PortalAtAsync(string code, int status, string what)
        => (await Eventually.Until(() => new Lifecycles(system).PortalAsync(code),
            p => p is { } x && x.GetProperty("record").GetProperty("TrangThaiHoSo").GetInt32() == status, TimeSpan.FromSeconds(60), what))!.Value;

    [Fact]
    public async Task Fees_leave_no_dead_end_no_fee_no_payment_cash_at_the_desk_then_decided_and_returned_and_withdrawn_while_waiting()
    {
        var clerk = await Tokens.ForClientAsync(system.Client(ResourceNames.Sandbox), "phuong-sai-gon");

        // A procedure without fees: asking for payment would strand the dossier at 6.
        var free = await InProcessingAsync(clerk, feeBearing: false);
        var (status, problem) = await ActAsync(free, "request-payment", clerk);
        Assert.Equal((HttpStatusCode.Conflict, "urn:procedures:problem:no-fees-due"), (status, problem.GetProperty("type").GetString()));
        Assert.Equal(4, problem.GetProperty("currentStatus").GetInt32());

        // A fee-bearing dossier is not decided while its fee is unpaid.
        var paid = await InProcessingAsync(clerk, feeBearing: true);
        (status, problem) = await ActAsync(paid, "decide", clerk);
        Assert.Equal((HttpStatusCode.Conflict, "urn:procedures:problem:fee-unpaid"), (status, problem.GetProperty("type").GetString()));
        await ExpectAsync(paid, "request-payment", clerk, 6);
        await Eventually.Until(() => PaymentsAsync(paid, clerk),
            p => p.ValueKind == JsonValueKind.Object && p.GetProperty("payments") is { } list && list.GetArrayLength() == 1
                 && list[0].GetProperty("state").GetString() == "pending",
            TimeSpan.FromSeconds(60), "the online payment request at the platform");

        // The citizen pays in cash at the desk instead: a receipt, and the online request is superseded.
        HttpRequestMessage Cash(int amount) => new HttpRequestMessage(HttpMethod.Post, $"/api/v1/dossiers/{paid}/payments/desk")
        {
            Content = JsonContent.Create(new { method = "cash", amountVnd = amount, receivedBy = "Nguyễn Thị Hoa" }),
            Headers = { { "Idempotency-Key", Guid.NewGuid().ToString() } },
        }.WithToken(clerk);
        using (var wrong = await Payment.SendAsync(Cash(5000)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
            Assert.Contains("amountVnd", await wrong.Content.ReadAsStringAsync());
        }
        using var recorded = await Payment.SendAsync(Cash(10000)); // the online rate of 1.004222
        var receiptText = await recorded.Content.ReadAsStringAsync();
        Assert.True(recorded.StatusCode == HttpStatusCode.Created, receiptText);
        var receipt = JsonDocument.Parse(receiptText).RootElement;
        var receiptNumber = receipt.GetProperty("receiptNumber").GetString()!;
        Assert.Equal((paid, "cash", 10000L), (receipt.GetProperty("dossierCode").GetString(), receipt.GetProperty("method").GetString(),
            receipt.GetProperty("amountVnd").GetInt64()));
        using (var twice = await Payment.SendAsync(Cash(10000)))
            Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode); // already paid: never charged twice

        var payments = (await PaymentsAsync(paid, clerk)).GetProperty("payments").EnumerateArray().ToList();
        Assert.Equal(["failed", "succeeded"], payments.Select(p => p.GetProperty("state").GetString()));
        Assert.Equal("paid-at-desk", payments[0].GetProperty("failureReason").GetString());
        Assert.Equal(("desk", receiptNumber, JsonValueKind.Null),
            (payments[1].GetProperty("trigger").GetString(), payments[1].GetProperty("reference").GetString(), payments[1].GetProperty("paidOnline").ValueKind));

        // Processing learns of the payment (6 → 4); the dossier is decided and returned.
        await Eventually.Until(() => PublicStatusAsync(paid), s => s == 4, TimeSpan.FromSeconds(60), "Processing to take the desk payment (6 → 4)");
        await ExpectAsync(paid, "decide", clerk, 9);
        await ExpectAsync(paid, "return-result", clerk, 10);
        var portal = await PortalAtAsync(paid, 10, "the portal to hold the returned dossier");
        // Paid, but not online: DuocThanhToanTrucTuyen stays empty; the payment step names the receipt.
        Assert.True(!portal.GetProperty("record").TryGetProperty("DuocThanhToanTrucTuyen", out var online) || online.ValueKind == JsonValueKind.Null,
            portal.ToString());
        Assert.Contains(portal.GetProperty("history").EnumerateArray(),
            h => h.GetProperty("TrangThai").GetInt32() == 4 && h.GetProperty("NoiDungXuLy").GetString()!.Contains(receiptNumber, StringComparison.Ordinal));

        // A dossier waiting for payment is withdrawn: no dead end at 6.
        var withdrawn = await InProcessingAsync(clerk, feeBearing: true);
        await ExpectAsync(withdrawn, "request-payment", clerk, 6);
        await ExpectAsync(withdrawn, "withdraw", clerk, 7);
        await PortalAtAsync(withdrawn, 7, "the portal to hold the withdrawn dossier");
    }

    private HttpRequestMessage AtDesk(string code, string what, object body, string token)
        => new HttpRequestMessage(HttpMethod.Post, $"/api/v1/dossiers/{code}/payments/{what}")
        {
            Content = JsonContent.Create(body), Headers = { { "Idempotency-Key", Guid.NewGuid().ToString() } },
        }.WithToken(token);

    [Fact]
    public async Task A_fee_paid_at_the_desk_is_paid_back_at_the_desk_when_the_dossier_is_withdrawn()
    {
        var clerk = await Tokens.ForClientAsync(system.Client(ResourceNames.Sandbox), "phuong-sai-gon");
        var code = await InProcessingAsync(clerk, feeBearing: true);
        await ExpectAsync(code, "request-payment", clerk, 6);
        // What the dossier's channel costs (fees are per channel): the desk takes, and pays back, the whole of it.
        var fee = (await Eventually.Until(() => PaymentsAsync(code, clerk), p => p.ValueKind == JsonValueKind.Object, TimeSpan.FromSeconds(60),
            "Payment to know the dossier's fees")).GetProperty("totalVnd").GetInt64();
        Assert.True(fee > 0);
        using (var paid = await Payment.SendAsync(AtDesk(code, "desk", new { method = "cash", amountVnd = fee, receivedBy = "Nguyễn Thị Hoa" }, clerk)))
            Assert.True(paid.StatusCode == HttpStatusCode.Created, await paid.Content.ReadAsStringAsync());
        await Eventually.Until(() => PublicStatusAsync(code), s => s == 4, TimeSpan.FromSeconds(60), "Processing to take the desk payment (6 → 4)");

        // Nothing to pay back yet: the dossier goes on.
        using (var early = await Payment.SendAsync(AtDesk(code, "desk-refund", new { method = "cash", amountVnd = fee, paidBy = "Lê Văn Tâm" }, clerk)))
            Assert.Contains("no-refund-due", await early.Content.ReadAsStringAsync());

        // The citizen withdraws: the ledger owes the fee back, and only the desk can pay it (the platform never held it).
        await ExpectAsync(code, "withdraw", clerk, 7);
        await Eventually.Until(() => PaymentsAsync(code, clerk),
            p => p.ValueKind == JsonValueKind.Object && p.GetProperty("payments").EnumerateArray().Any(x => x.GetProperty("state").GetString() == "refunding"),
            TimeSpan.FromSeconds(60), "Payment to owe the desk-paid fee back after the withdrawal");
        using (var partial = await Payment.SendAsync(AtDesk(code, "desk-refund", new { method = "bank-transfer", amountVnd = fee / 2, paidBy = "Lê Văn Tâm" }, clerk)))
        {
            var text = await partial.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.BadRequest, partial.StatusCode);
            Assert.Contains("amountVnd", text);
            Assert.Contains("transferReference", text);
        }
        using var refunded = await Payment.SendAsync(AtDesk(code, "desk-refund",
            new { method = "bank-transfer", amountVnd = fee, paidBy = "Lê Văn Tâm", transferReference = "VCB-2612-0042" }, clerk));
        var receiptText = await refunded.Content.ReadAsStringAsync();
        Assert.True(refunded.StatusCode == HttpStatusCode.Created, receiptText);
        var receipt = JsonDocument.Parse(receiptText).RootElement;
        Assert.Equal(("bank-transfer", fee, "Lê Văn Tâm", "Công dân rút hồ sơ / Dossier withdrawn"),
            (receipt.GetProperty("method").GetString(), receipt.GetProperty("amountVnd").GetInt64(), receipt.GetProperty("paidBy").GetString(),
             receipt.GetProperty("reason").GetString()));

        var desk = (await PaymentsAsync(code, clerk)).GetProperty("payments").EnumerateArray().Single(p => p.GetProperty("trigger").GetString() == "desk");
        Assert.Equal(("refunded", receipt.GetProperty("paymentReference").GetString(), "VCB-2612-0042"),
            (desk.GetProperty("state").GetString(), desk.GetProperty("reference").GetString(),
             desk.GetProperty("refundReceipt").GetProperty("transferReference").GetString()));
        using (var twice = await Payment.SendAsync(AtDesk(code, "desk-refund",
                   new { method = "cash", amountVnd = fee, paidBy = "Lê Văn Tâm" }, clerk)))
            Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode); // paid back once only
    }
}

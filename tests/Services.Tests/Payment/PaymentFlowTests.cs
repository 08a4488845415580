using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Procedures.Contracts;
using Procedures.Payment.Ledger;
using Procedures.Sandbox.Payment;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests.Payment;

/// <summary>Payment against the sandbox platform over real HTTP, on a real Postgres, with the platform's faults switched on.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class PaymentFlowTests(InfrastructureFixture infra) : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);
    private PaymentHarness _h = null!;

    public async Task InitializeAsync() => _h = await PaymentHarness.StartAsync(infra);

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private async Task<(string Reference, string Url)> PendingAsync(string dossierCode)
    {
        var reference = await _h.RequestAsync(dossierCode);
        Assert.True(await _h.Worker.NextAsync(CancellationToken.None)); // INIT
        var row = await _h.PaymentAsync(reference);
        Assert.Equal(PaymentStates.Pending, row.State);
        return (reference, row.PaymentUrl!);
    }

    private Task<PaymentHarness.PaymentRow> StateAsync(string reference, string state) => StateAsync(_h, reference, state);

    private static Task<PaymentHarness.PaymentRow> StateAsync(PaymentHarness h, string reference, string state)
        => Eventually.Until(() => h.PaymentAsync(reference), r => r.State == state, Wait, $"payment {reference} to be {state}");

    [Fact]
    public async Task Paid_on_the_hosted_page_the_signed_callback_succeeds_once_and_the_receipt_is_fetched()
    {
        const string code = "26740.H29-261129-0001";
        var (reference, url) = await PendingAsync(code);
        var requested = Assert.Single(await _h.EventsAsync<PaymentRequested>());
        Assert.Equal((code, reference, 20000L, url), (requested.DossierCode, requested.Reference, requested.AmountVnd, requested.PaymentUrl));
        Assert.Contains("20,000 VND", await _h.Platform.GetStringAsync(new Uri(url).PathAndQuery));

        using var page = await _h.ChooseAsync(url, "pay");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var paid = await StateAsync(reference, PaymentStates.Succeeded);

        var succeeded = Assert.Single(await _h.EventsAsync<PaymentSucceeded>());
        Assert.Equal((code, reference, paid.TransactionId, 20000L, PaidOnlineChannel.NationalPortal),
            (succeeded.DossierCode, succeeded.Reference, succeeded.TransactionId, succeeded.AmountVnd, succeeded.PaidOnline));
        Assert.Equal(["applied"], await _h.CallbackOutcomesAsync(reference));

        await _h.DrainAsync(); // GET_BILL
        var receipt = JsonNode.Parse((await _h.PaymentAsync(reference)).Receipt!)!;
        Assert.Equal(code, receipt["MaHoSo"]!.GetValue<string>());
        Assert.Equal("20000", receipt["SoTien"]!.GetValue<string>());
        Assert.StartsWith("BL", receipt["SoBienLai"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, (await _h.ChooseAsync(url, "fail")).StatusCode); // final at the platform too
    }

    [Fact]
    public async Task A_new_payment_request_wakes_the_running_worker_without_waiting_for_its_poll()
    {
        // A five-minute poll: only the payments table's NOTIFY can explain each INIT reaching the platform within seconds.
        await using var h = await PaymentHarness.StartAsync(infra, new Dictionary<string, string?> { ["Payment:PollInterval"] = "00:05:00" });
        await h.Worker.StartAsync(CancellationToken.None);
        try
        {
            var first = await h.RequestAsync("26740.H29-261129-0101");
            await StateAsync(h, first, PaymentStates.Pending);
            // By now the workers have gone back to waiting; the next request must wake one.
            var second = await h.RequestAsync("26740.H29-261129-0102");
            await StateAsync(h, second, PaymentStates.Pending);
        }
        finally
        {
            await h.Worker.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Duplicated_callbacks_and_concurrent_reconciliation_yield_exactly_one_success()
    {
        await _h.SetFaultsAsync(new PaymentFaults { CallbackDuplicateRate = 1, DuplicateCopies = 6 });
        var (reference, url) = await PendingAsync("26740.H29-261129-0002");
        using (await _h.ChooseAsync(url, "pay")) { }
        // Reconciliation (QUERY) races the six callbacks.
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => _h.DrainAsync()));
        await StateAsync(reference, PaymentStates.Succeeded);
        await Eventually.Until(async () => (await _h.CallbackOutcomesAsync(reference)).Count == 6, Wait, "six callbacks");

        Assert.Single(await _h.EventsAsync<PaymentSucceeded>());
        var outcomes = await _h.CallbackOutcomesAsync(reference);
        Assert.True(outcomes.Count(o => o == "applied") <= 1, string.Join(",", outcomes));
        Assert.All(outcomes, o => Assert.Contains(o, new[] { "applied", "duplicate" }));
    }

    [Fact]
    public async Task The_same_signed_callback_replayed_concurrently_applies_once()
    {
        await _h.SetFaultsAsync(new PaymentFaults { CallbackLostRate = 1 });
        var (reference, url) = await PendingAsync("26740.H29-261129-0003");
        using (await _h.ChooseAsync(url, "pay")) { }
        var transaction = (await _h.PaymentAsync(reference)).TransactionId!;
        var body = PlatformProtocol.Sign(new JsonObject
        {
            ["MaThamChieu"] = reference, ["MaGiaoDich"] = transaction, ["SoTien"] = "20000", ["MaLoi"] = "00", ["ThoiGianGD"] = "20261129094512",
        }, PlatformProtocol.CallbackFields, PaymentHarness.Secret);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _h.Payment.PostAsJsonAsync(Procedures.Payment.Api.Callback.Path, body)));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Single(await _h.EventsAsync<PaymentSucceeded>());
        var outcomes = await _h.CallbackOutcomesAsync(reference);
        Assert.Equal(1, outcomes.Count(o => o == "applied"));
        Assert.Equal(19, outcomes.Count(o => o == "duplicate"));
        // A later failure for the same reference changes nothing: the first final state wins.
        var late = PlatformProtocol.Sign(new JsonObject
        {
            ["MaThamChieu"] = reference, ["MaGiaoDich"] = transaction, ["SoTien"] = "20000", ["MaLoi"] = "01", ["ThoiGianGD"] = "20261129094600",
        }, PlatformProtocol.CallbackFields, PaymentHarness.Secret);
        Assert.Equal(HttpStatusCode.OK, (await _h.Payment.PostAsJsonAsync(Procedures.Payment.Api.Callback.Path, late)).StatusCode);
        Assert.Equal(PaymentStates.Succeeded, (await _h.PaymentAsync(reference)).State);
        Assert.Empty(await _h.EventsAsync<PaymentFailed>());
        Assert.Equal("conflict", (await _h.CallbackOutcomesAsync(reference))[^1]);
    }

    [Fact]
    public async Task Tampered_or_unsigned_callbacks_are_rejected_logged_and_change_nothing()
    {
        await _h.SetFaultsAsync(new PaymentFaults { WrongChecksumRate = 1 });
        var (reference, url) = await PendingAsync("26740.H29-261129-0004");
        using (await _h.ChooseAsync(url, "fail")) { }
        await Eventually.Until(async () => (await _h.CallbackOutcomesAsync(reference)).Count == 1, Wait, "the platform's (wrongly signed) callback");

        var signed = PlatformProtocol.Sign(new JsonObject
        {
            ["MaThamChieu"] = reference, ["MaGiaoDich"] = "GDFORGED", ["SoTien"] = "20000", ["MaLoi"] = "01", ["ThoiGianGD"] = "20261129094512",
        }, PlatformProtocol.CallbackFields, PaymentHarness.Secret);
        var forged = new List<JsonObject>();
        foreach (var (field, value) in new[] { ("MaLoi", "00"), ("SoTien", "1"), ("MaGiaoDich", "GDOTHER") })
        {
            var copy = (JsonObject)signed.DeepClone();
            copy[field] = value; // changed after signing
            forged.Add(copy);
        }
        var unsigned = (JsonObject)signed.DeepClone();
        unsigned.Remove("MaXacThuc");
        forged.Add(unsigned);
        forged.Add(PlatformProtocol.Sign((JsonObject)signed.DeepClone(), PlatformProtocol.CallbackFields, "another-partner-secret"));
        foreach (var body in forged)
        {
            using var answer = await _h.Payment.PostAsJsonAsync(Procedures.Payment.Api.Callback.Path, body);
            Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
            Assert.Contains("urn:procedures:problem:callback-signature", await answer.Content.ReadAsStringAsync());
        }
        // Not JSON, not an object, a lone surrogate (found by the fuzz test), the signed body with a field duplicated.
        var duplicated = signed.ToJsonString().Replace("\"MaLoi\":\"01\"", "\"MaLoi\":\"01\",\"MaLoi\":\"00\"", StringComparison.Ordinal);
        foreach (var text in new[] { "not json", "[1]", "{\"\\udfff\":true}", "{\"MaThamChieu\":\"x\\udbffy\"}", duplicated })
        {
            using var garbage = await _h.Payment.PostAsync(Procedures.Payment.Api.Callback.Path,
                new StringContent(text, System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        }

        Assert.Equal(PaymentStates.Pending, (await _h.PaymentAsync(reference)).State);
        Assert.Empty(await _h.EventsAsync<PaymentSucceeded>());
        Assert.Empty(await _h.EventsAsync<PaymentFailed>());
        Assert.Equal(Enumerable.Repeat("rejected-signature", 6), await _h.CallbackOutcomesAsync(reference)); // the platform's and 5 forged
        Assert.Equal(Enumerable.Repeat("rejected-signature", 5), await _h.CallbackOutcomesAsync(null)); // unreadable ones have no reference

        // The platform's outcome (failed) still arrives, through reconciliation.
        await _h.DrainAsync();
        var failed = await _h.PaymentAsync(reference);
        Assert.Equal((PaymentStates.Failed, "failed:01"), (failed.State, failed.FailureReason));
        Assert.Equal("failed:01", Assert.Single(await _h.EventsAsync<PaymentFailed>()).Reason);
    }

    [Fact]
    public async Task A_lost_callback_is_recovered_by_reconciliation()
    {
        await _h.SetFaultsAsync(new PaymentFaults { CallbackLostRate = 1 });
        var (reference, url) = await PendingAsync("26740.H29-261129-0005");
        using (await _h.ChooseAsync(url, "pay")) { }
        Assert.Equal(PaymentStates.Pending, (await _h.PaymentAsync(reference)).State);
        Assert.Empty(await _h.CallbackOutcomesAsync(reference));

        await _h.DrainAsync(); // QUERY, then GET_BILL

        var row = await _h.PaymentAsync(reference);
        Assert.Equal(PaymentStates.Succeeded, row.State);
        Assert.NotNull(row.Receipt);
        Assert.Equal(reference, Assert.Single(await _h.EventsAsync<PaymentSucceeded>()).Reference);
        Assert.Contains(_h.Spans(reference), s => s.DisplayName == "payment-platform QUERY");
    }

    [Fact]
    public async Task A_payment_unpaid_past_its_age_expires_and_is_reported_failed_as_expired()
    {
        var (reference, _) = await PendingAsync("26740.H29-261129-0006");
        await using (var c = await _h.Db.OpenConnectionAsync())
            await c.ExecuteAsync("UPDATE payments SET requested_at = now() - interval '2 days' WHERE reference = @reference", new { reference });

        await _h.DrainAsync();

        Assert.Equal(PaymentStates.Expired, (await _h.PaymentAsync(reference)).State);
        var failed = Assert.Single(await _h.EventsAsync<PaymentFailed>());
        Assert.Equal((reference, "expired"), (failed.Reference, failed.Reason));
    }

    [Fact]
    public async Task A_run_of_payments_with_a_fifth_of_callbacks_lost_reconciles_to_zero_differences()
    {
        var size = int.TryParse(Environment.GetEnvironmentVariable("PAYMENT_TEST_RUN_SIZE"), out var n) ? n : 200;
        await _h.SetFaultsAsync(new PaymentFaults { CallbackLostRate = 0.2 });
        var references = new List<string>();
        for (var i = 0; i < size; i++) references.Add(await _h.RequestAsync($"26740.H29-261129-{i + 1000:D4}", 10000 + i));
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _h.DrainAsync(reconcile: false))); // INIT for all
        await using (var c = await _h.Db.OpenConnectionAsync())
        {
            var urls = (await c.QueryAsync<string>("SELECT payment_url FROM payments ORDER BY reference")).AsList();
            Assert.Equal(size, urls.Count);
            await Parallel.ForEachAsync(urls, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (url, _) =>
            {
                using var page = await _h.ChooseAsync(url, "pay");
                Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            });
        }
        await _h.DrainAsync(reconcile: false); // GET_BILL for those whose callback arrived
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => _h.DrainAsync())); // QUERY the rest, GET_BILL all

        var report = await Procedures.Payment.Api.ReconciliationReport.BuildAsync(DateTimeOffset.UtcNow.VietnamDate(), _h.Db, _h.Client, CancellationToken.None);
        Assert.Empty(report.Differences);
        Assert.Equal((size, size), (report.LocalCount, report.PlatformCount));
        var total = Enumerable.Range(0, size).Sum(i => 10000L + i);
        Assert.Equal((total, total), (report.LocalPaidVnd, report.PlatformPaidVnd));
        Assert.Equal(size, (await _h.EventsAsync<PaymentSucceeded>()).Select(e => e.Reference).Distinct().Count());
        // Callbacks applied some payments, reconciliation (QUERY) the ones whose callback was lost.
        Assert.InRange(await CountAppliedCallbacksAsync(), 1, size - 1);
    }

    private async Task<int> CountAppliedCallbacksAsync()
    {
        await using var c = await _h.Db.OpenConnectionAsync();
        return await c.ExecuteScalarAsync<int>("SELECT count(*) FROM payment_callbacks WHERE outcome = 'applied'");
    }

    [Fact]
    public async Task The_report_lists_a_payment_the_ledgers_disagree_on()
    {
        await _h.SetFaultsAsync(new PaymentFaults { CallbackLostRate = 1 });
        var (reference, url) = await PendingAsync("26740.H29-261129-0007");
        using (await _h.ChooseAsync(url, "pay")) { }

        var report = await Procedures.Payment.Api.ReconciliationReport.BuildAsync(DateTimeOffset.UtcNow.VietnamDate(), _h.Db, _h.Client, CancellationToken.None);

        var difference = Assert.Single(report.Differences);
        Assert.Equal((reference, "state", PaymentStates.Pending, PlatformProtocol.Succeeded),
            (difference.Reference, difference.Kind, difference.LocalState, difference.PlatformState));
    }

    [Fact]
    public async Task A_refund_is_sent_to_the_platform_recorded_and_evented_and_both_ledgers_agree()
    {
        var (reference, url) = await PendingAsync("26740.H29-261129-0008");
        using (await _h.ChooseAsync(url, "pay")) { }
        await StateAsync(reference, PaymentStates.Succeeded);
        await using (var c = await _h.Db.OpenConnectionAsync())
        await using (var tx = await c.BeginTransactionAsync())
        {
            await PaymentLedger.ApplyAsync(tx, reference, Outcome.RefundRequested, new OutcomeFacts(Reason: "Hồ sơ dừng xử lý / Processing stopped"),
                DateTimeOffset.UtcNow, PaidOnlineChannel.NationalPortal, CancellationToken.None);
            await tx.CommitAsync();
        }

        await _h.DrainAsync(); // GET_BILL and REFUND

        Assert.Equal(PaymentStates.Refunded, (await _h.PaymentAsync(reference)).State);
        var refunded = Assert.Single(await _h.EventsAsync<PaymentRefunded>());
        Assert.Equal((reference, 20000L, "Hồ sơ dừng xử lý / Processing stopped"), (refunded.Reference, refunded.AmountVnd, refunded.Reason));
        var report = await Procedures.Payment.Api.ReconciliationReport.BuildAsync(DateTimeOffset.UtcNow.VietnamDate(), _h.Db, _h.Client, CancellationToken.None);
        Assert.Empty(report.Differences);
        Assert.Equal(20000, report.PlatformPaidVnd);
    }

    [Fact]
    public async Task A_fee_paid_at_the_desk_never_reaches_the_platform_neither_its_receipt_nor_its_refund_nor_the_reconciliation()
    {
        const string code = "26740.H29-261129-0009";
        var superseded = await _h.RequestAsync(code);
        await using (var c = await _h.Db.OpenConnectionAsync())
        await using (var tx = await c.BeginTransactionAsync())
        {
            // A live online request blocks another payment; the desk supersedes it first (as DeskPayment does).
            Assert.Null(await PaymentLedger.RecordAtDeskAsync(tx, code, 20000, r => new { receiptNumber = r }, DateTimeOffset.UtcNow, CancellationToken.None));
            await PaymentLedger.ApplyAsync(tx, superseded, Outcome.Failed, new OutcomeFacts(Reason: "paid-at-desk"), DateTimeOffset.UtcNow, 1,
                CancellationToken.None);
            var recorded = await PaymentLedger.RecordAtDeskAsync(tx, code, 20000, r => new { receiptNumber = r, method = "cash" }, DateTimeOffset.UtcNow,
                CancellationToken.None);
            Assert.NotNull(recorded);
            await PaymentLedger.ApplyAsync(tx, recorded!, Outcome.RefundRequested, new OutcomeFacts(Reason: "Công dân rút hồ sơ / Dossier withdrawn"),
                DateTimeOffset.UtcNow, 1, CancellationToken.None);
            await tx.CommitAsync();
        }

        await _h.DrainAsync();

        await using var read = await _h.Db.OpenConnectionAsync();
        var rows = await read.QueryAsync<(string Reference, string State, string Trigger, short? PaidOnline, string? Receipt)>(
            "SELECT reference, state, trigger, paid_online, receipt::text FROM payments WHERE dossier_code = @code ORDER BY created_at, reference", new { code });
        var desk = Assert.Single(rows, r => r.Trigger == PaymentLedger.DeskTrigger);
        Assert.Equal((PaymentStates.Refunding, (short?)null), (desk.State, desk.PaidOnline)); // the desk pays it back, not the platform
        Assert.Contains(desk.Reference, desk.Receipt);
        Assert.Equal(PaymentStates.Failed, Assert.Single(rows, r => r.Reference == superseded).State);
        Assert.Empty(_h.Spans(desk.Reference)); // no INIT, GET_BILL or REFUND for it
        var report = await Procedures.Payment.Api.ReconciliationReport.BuildAsync(DateTimeOffset.UtcNow.VietnamDate(), _h.Db, _h.Client, CancellationToken.None);
        Assert.DoesNotContain(report.Differences, d => d.Reference == desk.Reference);

        // The desk pays it back: refunded with the desk's refund receipt, PaymentRefunded as for an online refund; once only.
        await using (var c = await _h.Db.OpenConnectionAsync())
        await using (var tx = await c.BeginTransactionAsync())
        {
            var applied = await PaymentLedger.RefundAtDeskAsync(tx, code, (r, amount) => new { paymentReference = r, amountVnd = amount, paidBy = "Nguyễn Thị Hoa" },
                DateTimeOffset.UtcNow, CancellationToken.None);
            Assert.Equal((Effect.Apply, PaymentStates.Refunded), (applied!.Transition.Effect, applied.Transition.To));
            Assert.Null(await PaymentLedger.RefundAtDeskAsync(tx, code, (r, a) => new { r }, DateTimeOffset.UtcNow, CancellationToken.None));
            await tx.CommitAsync();
        }
        var after = await read.QuerySingleAsync<(string State, string? RefundReceipt)>(
            "SELECT state, refund_receipt::text FROM payments WHERE reference = @reference", new { desk.Reference });
        Assert.Equal(PaymentStates.Refunded, after.State);
        Assert.Contains("Nguyễn Thị Hoa", after.RefundReceipt);
        var refundedEvent = Assert.Single(await _h.EventsAsync<PaymentRefunded>(), e => e.Reference == desk.Reference);
        Assert.Equal((20000L, "Công dân rút hồ sơ / Dossier withdrawn"), (refundedEvent.AmountVnd, refundedEvent.Reason));
        await _h.DrainAsync();
        Assert.Empty(_h.Spans(desk.Reference)); // still nothing sent to the platform
    }
}

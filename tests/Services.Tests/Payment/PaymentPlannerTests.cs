using System.Text.Json.Nodes;
using Procedures.Contracts;
using Procedures.Payment;
using Procedures.Payment.Ledger;
using Procedures.Payment.Platform;
using Procedures.Payment.Work;

namespace Procedures.Services.Tests.Payment;

/// <summary>The platform worker's rules, pure: which message a payment needs and how the platform's answer lands.</summary>
[Trait("Kind", "Pure")]
public sealed class PaymentPlannerTests
{
    private static readonly DateTimeOffset Requested = new(2026, 11, 29, 2, 0, 0, TimeSpan.Zero);
    private static readonly PaymentOptions Options = new();

    private static DuePayment Due(string state = PaymentStates.Pending, int attempts = 0)
        => new("26740.H29-261129-0001-20261129090000", "26740.H29-261129-0001", 150_000, state, Requested, attempts, "1.000948.H29",
            "26740.H29", "Lê Văn Cường", [new DossierFee("LP", "Lệ phí", 150_000)]);

    /// <summary>An accepted answer whose message carries <paramref name="fields"/> (the platform's JSON-in-a-string).</summary>
    private static PlatformAnswer Answer(params (string Name, string Value)[] fields)
        => new("0", new JsonObject(fields.Select(f => KeyValuePair.Create(f.Name, (JsonNode?)f.Value))).ToJsonString());

    private static readonly PlatformAnswer Down = new("http-503", "Service Unavailable");

    [Theory]
    [InlineData(PaymentStates.New, PlatformCall.Init)]
    [InlineData(PaymentStates.Pending, PlatformCall.Query)]
    [InlineData(PaymentStates.Succeeded, PlatformCall.GetBill)]
    [InlineData(PaymentStates.Refunding, PlatformCall.Refund)]
    public void Each_due_state_needs_its_platform_message(string state, PlatformCall call)
        => Assert.Equal(call, PaymentPlanner.Call(state));

    [Fact]
    public void INIT_answered_with_a_pay_URL_makes_the_payment_pending_and_due_for_a_QUERY_after_ReconcileAfter()
        => Assert.Equal(new ApplyOutcome(Outcome.Initiated, new OutcomeFacts("GD1", PaymentUrl: "https://pay/1", NextAttemptAt: Requested.AddMinutes(5))),
            PaymentPlanner.Read(Due(PaymentStates.New), PlatformCall.Init, Answer(("MaGiaoDich", "GD1"), ("UrlThanhToan", "https://pay/1")),
                Requested, Options));

    [Theory]
    [InlineData(PlatformCall.Init)]
    [InlineData(PlatformCall.Query)]
    [InlineData(PlatformCall.GetBill)]
    [InlineData(PlatformCall.Refund)]
    public void A_refused_or_failed_call_is_retried_keeping_the_platforms_answer(PlatformCall call)
        => Assert.Equal(new Retry("http-503: Service Unavailable"), PaymentPlanner.Read(Due(), call, Down, Requested, Options));

    [Fact]
    public void INIT_accepted_without_a_pay_URL_is_retried()
        => Assert.IsType<Retry>(PaymentPlanner.Read(Due(PaymentStates.New), PlatformCall.Init, Answer(("MaGiaoDich", "GD1")), Requested, Options));

    [Fact]
    public void QUERY_paid_applies_the_success_with_the_platforms_transaction_amount_and_time()
        => Assert.Equal(new ApplyOutcome(Outcome.Succeeded, new OutcomeFacts("GD1", 150_000, new DateTimeOffset(2026, 11, 29, 9, 5, 0, TimeSpan.FromHours(7)))),
            PaymentPlanner.Read(Due(), PlatformCall.Query, Answer(("TrangThai", PlatformProtocol.Succeeded), ("MaGiaoDich", "GD1"),
                ("SoTien", "150000"), ("ThoiGianThanhToan", "20261129090500")), Requested.AddMinutes(10), Options));

    [Fact]
    public void QUERY_paid_with_another_amount_is_not_applied_but_retried_naming_both_amounts()
        => Assert.Equal(new Retry("platform reports amount 15000, requested 150000"),
            PaymentPlanner.Read(Due(), PlatformCall.Query, Answer(("TrangThai", PlatformProtocol.Succeeded), ("MaGiaoDich", "GD1"),
                ("SoTien", "15000")), Requested.AddMinutes(10), Options));

    [Fact]
    public void QUERY_failed_applies_the_failure_with_its_reason()
        => Assert.Equal(new ApplyOutcome(Outcome.Failed, new OutcomeFacts("GD1", Reason: "abandoned")),
            PaymentPlanner.Read(Due(), PlatformCall.Query, Answer(("TrangThai", PlatformProtocol.Failed), ("MaGiaoDich", "GD1"),
                ("MaLoi", PlatformProtocol.Abandoned)), Requested.AddMinutes(10), Options));

    [Theory]
    [InlineData(10, 15)]             // asked again after ReconcileEvery
    [InlineData(60 * 24 - 2, 60 * 24)] // but not past the expiry: the last look is at it
    public void QUERY_still_unpaid_asks_again_later(int minutesAfterRequest, int nextMinutesAfterRequest)
        => Assert.Equal(new CheckAgain(Requested.AddMinutes(nextMinutesAfterRequest)),
            PaymentPlanner.Read(Due(), PlatformCall.Query, Answer(("TrangThai", PlatformProtocol.Created)),
                Requested.AddMinutes(minutesAfterRequest), Options));

    [Fact]
    public void QUERY_still_unpaid_at_ExpireAfter_expires_the_payment()
        => Assert.Equal(new ApplyOutcome(Outcome.Expired, new OutcomeFacts(Reason: "expired")),
            PaymentPlanner.Read(Due(), PlatformCall.Query, Answer(("TrangThai", PlatformProtocol.Created)), Requested.AddHours(24), Options));

    [Fact]
    public void GET_BILL_stores_the_receipt_as_it_came()
    {
        var step = Assert.IsType<StoreReceipt>(PaymentPlanner.Read(Due(PaymentStates.Succeeded), PlatformCall.GetBill,
            Answer(("SoBienLai", "BL261129123456")), Requested, Options));
        Assert.Equal("BL261129123456", step.Receipt["SoBienLai"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(PlatformProtocol.Refunded, true)]
    [InlineData("refunding", false)]   // accepted but not yet confirmed: asked again
    public void REFUND_confirmed_applies_the_refund(string platformState, bool refunded)
    {
        var step = PaymentPlanner.Read(Due(PaymentStates.Refunding), PlatformCall.Refund, Answer(("TrangThai", platformState)), Requested, Options);
        if (refunded) Assert.Equal(new ApplyOutcome(Outcome.Refunded, new OutcomeFacts()), step);
        else Assert.IsType<Retry>(step);
    }

    [Fact]
    public void A_failed_call_is_tried_again_after_the_shared_full_jitter_backoff_from_the_end_of_the_call()
        => Assert.Equal(Requested.AddSeconds(4), PaymentPlanner.RetryAt(4, Requested, Options.MaxBackoff, 0)); // 500 ms · 2⁴, lowest half
}

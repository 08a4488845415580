using Dapper;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging;
using Procedures.Messaging.Inbox;
using Procedures.Payment;
using Procedures.Payment.Ledger;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests.Payment;

/// <summary>RecordFees and FollowFeeBearingStatus on a real migrated Payment database, driven through MassTransit's test harness.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class PaymentConsumersTests(InfrastructureFixture infra) : IAsyncLifetime
{
    private const string UpFront = "1.014063";
    private static readonly DateTimeOffset SubmittedAt = new(2026, 11, 29, 2, 0, 0, TimeSpan.Zero);
    private ConsumerHarness _host = null!;
    private int _published;

    private NpgsqlDataSource Db => _host.Db;
    private ITestHarness Harness => _host.Harness;

    public async Task InitializeAsync()
    {
        _host = await ConsumerHarness.StartAsync(infra, "payment", typeof(RecordFees).Assembly, x =>
        {
            x.AddConsumer<RecordFees>();
            x.AddConsumer<FollowFeeBearingStatus>();
        }, s => s.Configure<PaymentOptions>(o => o.PayableAtSubmission = [UpFront]));
    }

    public Task DisposeAsync() => _host.DisposeAsync().AsTask();

    private async Task PublishAsync<T>(T message) where T : class
    {
        Interlocked.Increment(ref _published);
        await Harness.Bus.Publish(message, c => c.MessageId = Guid.NewGuid());
        await Eventually.Until(async () => await CountAsync("SELECT count(*) FROM messaging.inbox") >= _published,
            TimeSpan.FromSeconds(20), "the message to be consumed");
    }

    private async Task<long> CountAsync(string sql, object? args = null)
    {
        await using var c = await Db.OpenConnectionAsync();
        return await c.ExecuteScalarAsync<long>(sql, args);
    }

    private static DossierSubmitted Submitted(string code, string procedure = "1.004222", params long[] fees)
        => new(code, procedure, "26740.H29", SubmissionChannel.Online, "Nguyễn Văn A", SubmittedAt, DecidingAgency: "26737.H29",
            Fees: fees.Select((f, i) => new DossierFee("LP0" + i, "Lệ phí " + i, f)).ToList());

    private static FeeBearingStatusChanged Status(string code, long sequence, DossierStatus status)
        => new(code, sequence, status, SubmittedAt.AddHours(sequence));

    private sealed record PaymentRow(string Reference, long AmountVnd, string State, string Trigger);

    /// <summary>The platform confirms the payment (as its callback would).</summary>
    private async Task SucceedAsync(string reference, string transactionId)
    {
        await using var c = await Db.OpenConnectionAsync();
        await using var tx = await c.BeginTransactionAsync();
        await PaymentLedger.ApplyAsync(tx, reference, Outcome.Succeeded, new OutcomeFacts(transactionId, 20000), DateTimeOffset.UtcNow, 1,
            CancellationToken.None);
        await tx.CommitAsync();
    }

    private async Task<List<PaymentRow>> PaymentsAsync(string code)
    {
        await using var c = await Db.OpenConnectionAsync();
        return (await c.QueryAsync<PaymentRow>("SELECT reference, amount_vnd AS AmountVnd, state, trigger FROM payments WHERE dossier_code = @code",
            new { code })).AsList();
    }

    [Fact]
    public async Task Status_6_creates_one_payment_request_for_the_sum_of_the_fees_even_when_announced_again()
    {
        const string code = "26740.H29-261129-0201";
        await PublishAsync(Submitted(code, fees: [20000, 5000]));
        Assert.Empty(await PaymentsAsync(code)); // not payable up front
        Assert.Equal(25000, await CountAsync("SELECT total_vnd FROM payment_dossiers WHERE code = @code", new { code }));

        await PublishAsync(Status(code, 4, DossierStatus.AwaitingPayment));
        await Task.WhenAll(PublishAsync(Status(code, 4, DossierStatus.AwaitingPayment)), PublishAsync(Status(code, 4, DossierStatus.AwaitingPayment)));

        var payment = Assert.Single(await PaymentsAsync(code));
        Assert.Equal((25000L, PaymentStates.New, FollowFeeBearingStatus.AtPaymentRequest), (payment.AmountVnd, payment.State, payment.Trigger));
        Assert.StartsWith("26740H292611290201", payment.Reference);
    }

    [Fact]
    public async Task A_dossier_without_fees_gets_no_payment_request()
    {
        const string code = "26740.H29-261129-0202";
        await PublishAsync(Submitted(code, fees: [0]));
        await PublishAsync(Status(code, 4, DossierStatus.AwaitingPayment));
        Assert.Empty(await PaymentsAsync(code));
    }

    [Fact]
    public async Task A_procedure_payable_at_submission_is_requested_then_and_announced_paid_when_processing_asks_later()
    {
        const string code = "26740.H29-261129-0203";
        await PublishAsync(Submitted(code, UpFront, 50000));
        var payment = Assert.Single(await PaymentsAsync(code));
        Assert.Equal((50000L, RecordFees.AtSubmission), (payment.AmountVnd, payment.Trigger));

        await using (var c = await Db.OpenConnectionAsync())
        await using (var tx = await c.BeginTransactionAsync())
        {
            await PaymentLedger.ApplyAsync(tx, payment.Reference, Outcome.Succeeded, new OutcomeFacts("GD1", 50000, SubmittedAt.AddMinutes(5)),
                DateTimeOffset.UtcNow, PaidOnlineChannel.NationalPortal, CancellationToken.None);
            await tx.CommitAsync();
        }
        await PublishAsync(Status(code, 4, DossierStatus.AwaitingPayment));

        Assert.Single(await PaymentsAsync(code)); // no second request: the fee is paid
        Assert.Equal(2, await CountAsync("SELECT count(*) FROM messaging.outbox WHERE message_type = @t",
            new { t = MessageJson.TypeName(typeof(PaymentSucceeded)) })); // once when paid, again so Processing moves 6 → 4
    }

    [Theory]
    [InlineData(DossierStatus.Stopped)]
    [InlineData(DossierStatus.Refused)]
    [InlineData(DossierStatus.Withdrawn)]
    public async Task Refused_stopped_or_withdrawn_after_payment_starts_a_refund_and_an_older_status_changes_nothing(DossierStatus status)
    {
        var code = "26740.H29-261129-02" + (int)status;
        await PublishAsync(Submitted(code, fees: [20000]));
        await PublishAsync(Status(code, 4, DossierStatus.AwaitingPayment));
        var reference = Assert.Single(await PaymentsAsync(code)).Reference;
        await SucceedAsync(reference, "GD2" + (int)status);

        await PublishAsync(Status(code, 6, status));
        await PublishAsync(Status(code, 5, DossierStatus.InProcessing)); // late, older

        Assert.Equal(PaymentStates.Refunding, Assert.Single(await PaymentsAsync(code)).State);
        Assert.Equal((short)status, await CountAsync("SELECT last_status FROM payment_dossiers WHERE code = @code", new { code }));
    }

    [Theory]
    [InlineData(DossierStatus.Stopped)]
    [InlineData(DossierStatus.Withdrawn)]
    public async Task A_fee_paid_online_after_the_waiting_dossier_was_stopped_or_withdrawn_goes_straight_back(DossierStatus status)
    {
        var code = "26740.H29-261129-03" + (int)status;
        await PublishAsync(Submitted(code, fees: [20000]));
        await PublishAsync(Status(code, 4, DossierStatus.AwaitingPayment));
        await PublishAsync(Status(code, 5, status)); // issue 21: 6 → 8 or 7 while the request is still open
        var reference = Assert.Single(await PaymentsAsync(code)).Reference;
        await SucceedAsync(reference, "GD3" + (int)status);

        Assert.Equal(PaymentStates.Refunding, Assert.Single(await PaymentsAsync(code)).State);
        await using var read = await Db.OpenConnectionAsync();
        Assert.Equal(PaymentLedger.RefundReason((short)status), await read.ExecuteScalarAsync<string>(
            "SELECT refund_reason FROM payments WHERE reference = @reference", new { reference }));
    }

    [Fact]
    public async Task A_new_request_in_the_same_second_as_a_failed_one_gets_the_next_reference_and_a_live_one_blocks_another()
    {
        const string code = "26740.H29-261129-0210";
        await PublishAsync(Submitted(code, fees: [20000]));
        var at = DateTimeOffset.UtcNow;
        await using var c = await Db.OpenConnectionAsync();
        await using var tx = await c.BeginTransactionAsync();
        var first = await PaymentLedger.CreateAsync(tx, code, 20000, FollowFeeBearingStatus.AtPaymentRequest, at, CancellationToken.None);
        await PaymentLedger.ApplyAsync(tx, first!, Outcome.Failed, new OutcomeFacts(Reason: "failed:01"), at, 1, CancellationToken.None);

        var second = await PaymentLedger.CreateAsync(tx, code, 20000, "retry", at, CancellationToken.None);
        var third = await PaymentLedger.CreateAsync(tx, code, 20000, "retry", at, CancellationToken.None);

        Assert.NotNull(second);
        Assert.NotEqual(first, second);
        Assert.Null(third);
        await tx.CommitAsync();
    }
}

using Microsoft.Extensions.Options;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging.Inbox;
using Procedures.Processing.Calendar;

namespace Procedures.Processing.Dossiers;

/// <summary>
/// Payment's confirmation of an online payment: the fee is paid, and a dossier waiting for it (6) moves back to processing
/// (4); in any status the paid-online flag is kept, so the next status event carries it to the portal and the index. A fee
/// paid up front (before Processing has recorded the dossier) is retried until the dossier is here.
/// </summary>
public sealed class PaymentConfirmation(ConsumerServices services, FeePayments payments) : IdempotentConsumer<PaymentSucceeded>(services)
{
    protected override Task HandleAsync(PaymentSucceeded message, ConsumeScope<PaymentSucceeded> scope, CancellationToken ct)
        => payments.PaidAsync(scope.Transaction, message.DossierCode, message.PaidOnline,
            $"Đã thanh toán trực tuyến {message.AmountVnd} VND, mã giao dịch {message.TransactionId} / Paid online", ct);
}

/// <summary>
/// The desk recorded a fee paid in cash or by bank transfer: paid like an online payment, but the paid-online flag is not
/// set (the portal's DuocThanhToanTrucTuyen stays empty; only payments on the platform count as online).
/// </summary>
public sealed class DeskPaymentConfirmation(ConsumerServices services, FeePayments payments) : IdempotentConsumer<PaymentRecordedAtDesk>(services)
{
    protected override Task HandleAsync(PaymentRecordedAtDesk message, ConsumeScope<PaymentRecordedAtDesk> scope, CancellationToken ct)
        => payments.PaidAsync(scope.Transaction, message.DossierCode, null,
            $"Đã nộp {message.AmountVnd} VND tại bộ phận một cửa ({message.Method}), biên lai {message.ReceiptNumber} / Paid at the desk", ct);
}

/// <summary>What a payment does to a dossier, whichever way it was paid: the fee is paid; 6 → 4.</summary>
public sealed class FeePayments(CalendarProvider calendars, IOptions<ClockSettings> settings, TimeProvider time)
{
    /// <param name="paidOnline">DuocThanhToanTrucTuyen for an online payment; null for a payment at the desk (an earlier flag stays).</param>
    public async Task PaidAsync(NpgsqlTransaction tx, string code, int? paidOnline, string content, CancellationToken ct)
    {
        var record = await DossierRecords.LoadAsync(tx, code, null, all: true, ct)
            ?? throw new InvalidOperationException($"Dossier {code} is not recorded yet; the payment is retried");
        var calendar = await calendars.GetAsync(ct);
        var now = time.GetUtcNow();
        var change = DossierDecisions.Paid(record, paidOnline, content, now, calendar, settings.Value);
        if (!await DossierRecords.SaveAsync(tx, change, now, ct))
            throw new InvalidOperationException($"Dossier {code} changed meanwhile; the payment is retried");
    }
}

using Microsoft.Extensions.Options;
using Procedures.Contracts;
using Procedures.Messaging.Inbox;
using Procedures.Processing.Calendar;

namespace Procedures.Processing.Dossiers;

/// <summary>
/// Payment's confirmation: a dossier waiting for its fees (6) moves back to processing (4); in any status the
/// paid-online flag is kept, so the next status event carries it to the portal and the index. A fee paid up front
/// (before Processing has recorded the dossier) is retried until the dossier is here.
/// </summary>
public sealed class PaymentConfirmation(ConsumerServices services, CalendarProvider calendars, IOptions<ClockSettings> settings, TimeProvider time)
    : IdempotentConsumer<PaymentSucceeded>(services)
{
    protected override async Task HandleAsync(PaymentSucceeded message, ConsumeScope<PaymentSucceeded> scope, CancellationToken ct)
    {
        var record = await DossierRecords.LoadAsync(scope.Transaction, message.DossierCode, null, all: true, ct)
            ?? throw new InvalidOperationException($"Dossier {message.DossierCode} is not recorded yet; the payment is retried");
        var calendar = await calendars.GetAsync(ct);
        var now = time.GetUtcNow();
        var clock = record.Clock with { PaidOnline = message.PaidOnline };
        if (clock.Status == DossierStatus.AwaitingPayment)
            clock = Lifecycle.Decide(clock, DossierAction.PaymentConfirmed, now, calendar).After!;
        var step = new Step("Hệ thống / System", null, null,
            $"Đã thanh toán trực tuyến {message.AmountVnd} VND, mã giao dịch {message.TransactionId} / Paid online");
        if (!await DossierRecords.SaveAsync(scope.Transaction, record, clock, step, now, calendar, settings.Value, ct))
            throw new InvalidOperationException($"Dossier {message.DossierCode} changed meanwhile; the payment is retried");
    }
}

using Microsoft.Extensions.Options;
using Npgsql;
using Procedures.Payment.Ledger;
using Procedures.Payment.Platform;

namespace Procedures.Payment.Work;

/// <summary>
/// Everything Payment says to the platform, outside any request: INIT for new payment requests, QUERY for pending ones
/// older than Payment:ReconcileAfter (a lost callback is recovered; unpaid past Payment:ExpireAfter → expired),
/// GET_BILL for paid ones without a receipt, REFUND for refunds. One payment per pass: claim
/// (<see cref="PaymentLedger.ClaimDueAsync"/>, FOR UPDATE SKIP LOCKED) → plan (<see cref="PaymentPlanner.Call"/>) → call the
/// platform → store (<see cref="PaymentPlanner.Read"/> decides; <see cref="PaymentLedger"/> writes it, with its event, in the
/// claim's transaction); a failed call backs off with jitter.
/// </summary>
public sealed partial class PaymentWorker(
    NpgsqlDataSource db, PlatformClient platform, TimeProvider time, IOptions<PaymentOptions> options, ILogger<PaymentWorker> logger)
    : BackgroundService
{
    /// <summary>
    /// The channel the payments triggers <c>payments_new</c> and <c>payments_due</c> (Sql/0003_work_due_notify.sql) notify when
    /// a payment needs the platform now.
    /// </summary>
    public const string DueChannel = "payment_work_due";

    private readonly PaymentOptions _options = options.Value;

    // Woken when work commits, one worker per notification; the poll finds work that comes due by time.
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
        => Procedures.Messaging.ChannelListener.RunWorkersAsync(db, DueChannel, _options.Workers, _options.PollInterval, NextAsync,
            LogPassFailed, stoppingToken);

    /// <summary>Handles one due payment (whatever it is due for); false when none is due.</summary>
    public async Task<bool> NextAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (await PaymentLedger.ClaimDueAsync(tx, now, ct) is not { } due) return false;
        var call = PaymentPlanner.Call(due.State);
        PaymentStep step;
        try
        {
            step = PaymentPlanner.Read(due, call, await CallAsync(call, due, ct), now, _options);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ex is HttpRequestException or TimeoutException
                                       or Polly.CircuitBreaker.BrokenCircuitException or Polly.Timeout.TimeoutRejectedException
                                       or TaskCanceledException)
        {
            step = new Retry(ex.GetType().Name + ": " + ex.Message);
        }
        await StoreAsync(tx, due, call, step, now, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    private Task<PlatformAnswer> CallAsync(PlatformCall call, DuePayment due, CancellationToken ct) => call switch
    {
        PlatformCall.Init => platform.InitAsync(new InitRequest(due.Reference, due.AmountVnd, due.RequestedAt, due.DossierCode, due.ProcedureCode,
            due.ReceivingUnit, due.ApplicantName, due.Fees), ct),
        PlatformCall.Query => platform.QueryAsync(due.Reference, ct),
        PlatformCall.GetBill => platform.GetBillAsync(due.Reference, ct),
        _ => platform.RefundAsync(due.Reference, due.AmountVnd, ct),
    };

    private async Task StoreAsync(NpgsqlTransaction tx, DuePayment due, PlatformCall call, PaymentStep step, DateTimeOffset now, CancellationToken ct)
    {
        switch (step)
        {
            case ApplyOutcome apply:
                var applied = await PaymentLedger.ApplyAsync(tx, due.Reference, apply.Outcome, apply.Facts, now, _options.PaidOnlineChannel, ct);
                if (call == PlatformCall.Query && applied is not null) LogReconciled(due.Reference, applied.Transition.From, apply.Outcome);
                break;
            case StoreReceipt receipt:
                await PaymentLedger.StoreReceiptAsync(tx, due.Reference, receipt.Receipt, now, ct);
                break;
            case CheckAgain again:
                await PaymentLedger.ScheduleAsync(tx, due.Reference, again.At, null, ct);
                break;
            case Retry retry:
                LogPostponed(due.Reference, due.State, retry.Error);
                await PaymentLedger.ScheduleAsync(tx, due.Reference,
                    PaymentPlanner.RetryAt(due.Attempts, time.GetUtcNow(), _options.MaxBackoff, Random.Shared.NextDouble()), retry.Error, ct);
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment pass failed")]
    private partial void LogPassFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment {Reference} ({State}) postponed: {Error}")]
    private partial void LogPostponed(string reference, string state, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Payment {Reference} reconciled from {From}: platform says {Outcome}")]
    private partial void LogReconciled(string reference, string from, Outcome outcome);
}

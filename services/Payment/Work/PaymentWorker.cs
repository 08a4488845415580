using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Procedures.Contracts;
using Procedures.Payment.Ledger;
using Procedures.Payment.Platform;

namespace Procedures.Payment.Work;

/// <summary>
/// Everything Payment says to the platform, outside any request: INIT for new payment requests, QUERY for pending ones
/// older than Payment:ReconcileAfter (a lost callback is recovered; unpaid past Payment:ExpireAfter → expired),
/// GET_BILL for paid ones without a receipt, REFUND for refunds. Each pass claims one due payment with FOR UPDATE SKIP
/// LOCKED, so workers and instances never send the same one at once; a failed call backs off with jitter.
/// </summary>
public sealed partial class PaymentWorker(
    NpgsqlDataSource db, PlatformClient platform, TimeProvider time, IOptions<PaymentOptions> options, ILogger<PaymentWorker> logger)
    : BackgroundService
{
    private readonly PaymentOptions _options = options.Value;

    private sealed record Due(string Reference, string DossierCode, long AmountVnd, string State, DateTimeOffset RequestedAt, int Attempts,
        string ProcedureCode, string ReceivingUnit, string ApplicantName, string Fees, bool HasReceipt);

    // Woken when work commits (see the table's notify trigger), one worker per notification; the poll finds work that
    // comes due by time.
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
        => Procedures.Messaging.ChannelListener.RunWorkersAsync(db, "payment_work_due", _options.Workers, _options.PollInterval, NextAsync,
            LogPassFailed, stoppingToken);

    /// <summary>Handles one due payment (whatever it is due for); false when none is due.</summary>
    public async Task<bool> NextAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var due = await connection.QuerySingleOrDefaultAsync<Due>(new CommandDefinition("""
            SELECT p.reference, p.dossier_code AS DossierCode, p.amount_vnd AS AmountVnd, p.state, p.requested_at AS RequestedAt, p.attempts,
                   d.procedure_code AS ProcedureCode, d.receiving_unit AS ReceivingUnit, d.applicant_name AS ApplicantName, d.fees::text AS Fees,
                   p.receipt IS NOT NULL AS HasReceipt
            FROM payments p JOIN payment_dossiers d ON d.code = p.dossier_code
            WHERE p.next_attempt_at <= @now
              AND (p.state IN ('new', 'pending', 'refunding') OR (p.state = 'succeeded' AND p.receipt IS NULL))
              -- A fee paid at the desk never went through the platform: its refund is paid back at the desk too.
              AND p.trigger <> @desk
            ORDER BY p.next_attempt_at
            LIMIT 1
            FOR UPDATE OF p SKIP LOCKED
            """, new { now = now.ToUniversalTime(), desk = PaymentLedger.DeskTrigger }, tx, cancellationToken: ct));
        if (due is null) return false;
        try
        {
            var answer = due.State switch
            {
                PaymentStates.New => await InitiateAsync(tx, due, now, ct),
                PaymentStates.Pending => await ReconcileAsync(tx, due, now, ct),
                PaymentStates.Succeeded => await FetchReceiptAsync(tx, due, now, ct),
                _ => await RefundAsync(tx, due, now, ct),
            };
            if (answer is not null) await PostponeAsync(tx, due, answer, ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ex is HttpRequestException or TimeoutException
                                       or Polly.CircuitBreaker.BrokenCircuitException or Polly.Timeout.TimeoutRejectedException
                                       or TaskCanceledException)
        {
            await PostponeAsync(tx, due, ex.GetType().Name + ": " + ex.Message, ct);
        }
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>INIT; the answer's pay URL makes the payment pending (PaymentRequested). Returns the error to back off on, if any.</summary>
    private async Task<string?> InitiateAsync(NpgsqlTransaction tx, Due due, DateTimeOffset now, CancellationToken ct)
    {
        var fees = JsonSerializer.Deserialize<List<DossierFee>>(due.Fees, JsonSerializerOptions.Web) ?? [];
        var answer = await platform.InitAsync(new InitRequest(due.Reference, due.AmountVnd, due.RequestedAt, due.DossierCode, due.ProcedureCode,
            due.ReceivingUnit, due.ApplicantName, fees), ct);
        if (answer.Field("UrlThanhToan") is not { Length: > 0 } url) return answer.ToString();
        await PaymentLedger.ApplyAsync(tx, due.Reference, Outcome.Initiated,
            new OutcomeFacts(answer.Field("MaGiaoDich"), PaymentUrl: url, NextAttemptAt: due.RequestedAt + _options.ReconcileAfter),
            now, _options.PaidOnlineChannel, ct);
        return null;
    }

    /// <summary>QUERY a pending payment: the platform's final state is applied as a callback would be; unpaid too long → expired.</summary>
    private async Task<string?> ReconcileAsync(NpgsqlTransaction tx, Due due, DateTimeOffset now, CancellationToken ct)
    {
        var answer = await platform.QueryAsync(due.Reference, ct);
        if (!answer.Accepted) return answer.ToString();
        var state = answer.Field("TrangThai");
        var paidAt = PlatformProtocol.TryParseTimestamp(answer.Field("ThoiGianThanhToan"), out var at) ? at : (DateTimeOffset?)null;
        PlatformProtocol.TryParseAmount(answer.Field("SoTien"), out var amount);
        Applied? applied = state switch
        {
            PlatformProtocol.Succeeded => await PaymentLedger.ApplyAsync(tx, due.Reference, Outcome.Succeeded,
                new OutcomeFacts(answer.Field("MaGiaoDich"), amount, paidAt), now, _options.PaidOnlineChannel, ct),
            PlatformProtocol.Failed => await PaymentLedger.ApplyAsync(tx, due.Reference, Outcome.Failed,
                new OutcomeFacts(answer.Field("MaGiaoDich"), Reason: Api.Callback.FailureReason(answer.Field("MaLoi") ?? "")), now,
                _options.PaidOnlineChannel, ct),
            PlatformProtocol.Created when now - due.RequestedAt >= _options.ExpireAfter => await PaymentLedger.ApplyAsync(tx, due.Reference,
                Outcome.Expired, new OutcomeFacts(Reason: "expired"), now, _options.PaidOnlineChannel, ct),
            _ => null,
        };
        if (applied is { AmountMismatch: true }) return $"platform reports amount {amount}, requested {due.AmountVnd}";
        if (applied is null)
            await SetNextAsync(tx, due.Reference, Min(now + _options.ReconcileEvery, due.RequestedAt + _options.ExpireAfter), null, ct);
        else
            LogReconciled(due.Reference, applied.Transition.From, state);
        return null;
    }

    /// <summary>GET_BILL: the platform's receipt, stored as it came.</summary>
    private async Task<string?> FetchReceiptAsync(NpgsqlTransaction tx, Due due, DateTimeOffset now, CancellationToken ct)
    {
        var answer = await platform.GetBillAsync(due.Reference, ct);
        if (answer.Payload is not { } receipt) return answer.ToString();
        await tx.Connection!.ExecuteAsync(new CommandDefinition("""
            UPDATE payments SET receipt = @receipt::jsonb, receipt_at = @now, attempts = 0, last_error = NULL, updated_at = @now
            WHERE reference = @reference
            """, new { reference = due.Reference, receipt = receipt.ToJsonString(), now = now.ToUniversalTime() }, tx, cancellationToken: ct));
        return null;
    }

    /// <summary>REFUND at the platform; confirmed → refunded (PaymentRefunded).</summary>
    private async Task<string?> RefundAsync(NpgsqlTransaction tx, Due due, DateTimeOffset now, CancellationToken ct)
    {
        var answer = await platform.RefundAsync(due.Reference, due.AmountVnd, ct);
        if (!answer.Accepted || answer.Field("TrangThai") != PlatformProtocol.Refunded) return answer.ToString();
        await PaymentLedger.ApplyAsync(tx, due.Reference, Outcome.Refunded, new OutcomeFacts(), now, _options.PaidOnlineChannel, ct);
        return null;
    }

    private Task PostponeAsync(NpgsqlTransaction tx, Due due, string error, CancellationToken ct)
    {
        LogPostponed(due.Reference, due.State, error);
        return SetNextAsync(tx, due.Reference, time.GetUtcNow() + Backoff(due.Attempts), error, ct);
    }

    private static Task SetNextAsync(NpgsqlTransaction tx, string reference, DateTimeOffset next, string? error, CancellationToken ct)
        => tx.Connection!.ExecuteAsync(new CommandDefinition("""
            UPDATE payments SET next_attempt_at = @next, attempts = attempts + CASE WHEN @error IS NULL THEN 0 ELSE 1 END,
                last_error = COALESCE(@error, last_error)
            WHERE reference = @reference
            """, new { reference, next = next.ToUniversalTime(), error }, tx, cancellationToken: ct));

    /// <summary>Exponential backoff with full jitter, so a recovering platform is not hit by every payment at once.</summary>
    private TimeSpan Backoff(int attempts)
    {
        var ceiling = Math.Min(_options.MaxBackoff.TotalMilliseconds, 500 * Math.Pow(2, Math.Min(attempts, 16)));
        return TimeSpan.FromMilliseconds(ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment pass failed")]
    private partial void LogPassFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment {Reference} ({State}) postponed: {Error}")]
    private partial void LogPostponed(string reference, string state, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Payment {Reference} reconciled from {From}: platform says {PlatformState}")]
    private partial void LogReconciled(string reference, string from, string? platformState);
}

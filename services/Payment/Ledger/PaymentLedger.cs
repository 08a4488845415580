using Dapper;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging.Outbox;
using Procedures.Payment.Platform;

namespace Procedures.Payment.Ledger;

/// <summary>What came with an outcome: the platform's transaction id and amount, when it happened, why, the pay URL.</summary>
public sealed record OutcomeFacts(string? TransactionId = null, long? AmountVnd = null, DateTimeOffset? At = null, string? Reason = null,
    string? PaymentUrl = null, DateTimeOffset? NextAttemptAt = null);

/// <summary>The result of applying an outcome; <see cref="AmountMismatch"/> when the platform reports another amount than requested.</summary>
public sealed record Applied(Transition Transition, string DossierCode, long AmountVnd, bool AmountMismatch = false);

public sealed record LivePayment(string Reference, string State);

/// <summary>A payment the platform worker claimed, with what INIT needs of its dossier.</summary>
public sealed record DuePayment(string Reference, string DossierCode, long AmountVnd, string State, DateTimeOffset RequestedAt, int Attempts,
    string ProcedureCode, string ReceivingUnit, string ApplicantName, IReadOnlyList<DossierFee> Fees);

/// <summary>
/// The payment ledger's writes, inside the caller's transaction: a payment request is created at most once per dossier
/// (unique index), and every state change is a conditional UPDATE on the state it was decided from, committed with its
/// event (outbox). Two concurrent callbacks, or a callback racing reconciliation, cannot both apply.
/// </summary>
public static class PaymentLedger
{
    private sealed record Row(Guid Id, string DossierCode, long AmountVnd, string State, string Reference, DateTimeOffset RequestedAt,
        string? PaymentUrl, string? TransactionId, DateTimeOffset? PaidAt, short? PaidOnline, string? RefundReason, short? LastStatus);

    /// <summary>Creates a payment request in state new (INIT is sent by the worker); null if the dossier has a live or paid one.</summary>
    public static Task<string?> CreateAsync(NpgsqlTransaction tx, string dossierCode, long amountVnd, string trigger, DateTimeOffset now,
        CancellationToken ct)
        => InsertAsync(tx, dossierCode, amountVnd, trigger, now, desk: null, ct);

    /// <summary>
    /// Records a fee paid at the desk (<see cref="DeskTrigger"/>): paid at once, with the desk's receipt, never sent to the
    /// platform (no INIT, no GET_BILL, no reconciliation; a refund is the desk's too). Its transaction id is
    /// <see cref="DeskTransactionPrefix"/> + the reference, which is the receipt's number. Null if the dossier has a live or paid payment.
    /// </summary>
    public static Task<string?> RecordAtDeskAsync(NpgsqlTransaction tx, string dossierCode, long amountVnd, Func<string, object> receipt,
        DateTimeOffset now, CancellationToken ct)
        => InsertAsync(tx, dossierCode, amountVnd, DeskTrigger, now, receipt, ct);

    /// <summary>The trigger of payments recorded at the desk (cash, bank transfer): the platform never hears of them.</summary>
    public const string DeskTrigger = "desk";

    public const string DeskTransactionPrefix = "DESK-";

    private static async Task<string?> InsertAsync(NpgsqlTransaction tx, string dossierCode, long amountVnd, string trigger, DateTimeOffset now,
        Func<string, object>? desk, CancellationToken ct)
    {
        // The reference's timestamp has whole seconds: a new request in the same second as a failed one takes the next second.
        for (var second = 0; second < 60; second++)
        {
            var reference = PlatformProtocol.Reference(dossierCode, now.AddSeconds(second));
            var inserted = await tx.Connection!.ExecuteAsync(new CommandDefinition("""
                INSERT INTO payments (id, dossier_code, amount_vnd, state, created_at, reference, trigger, requested_at, next_attempt_at, updated_at,
                                      transaction_id, paid_at, receipt, receipt_at)
                VALUES (@id, @dossierCode, @amountVnd, @state, @now, @reference, @trigger, @now, @now, @now,
                        @transactionId, @paidAt, @receipt::jsonb, @paidAt)
                ON CONFLICT DO NOTHING
                """, new
                {
                    id = Guid.NewGuid(), dossierCode, amountVnd, now = now.ToUniversalTime(), reference, trigger,
                    state = desk is null ? PaymentStates.New : PaymentStates.Succeeded,
                    transactionId = desk is null ? null : DeskTransactionPrefix + reference,
                    paidAt = desk is null ? (DateTimeOffset?)null : now.ToUniversalTime(),
                    receipt = desk is null ? null : System.Text.Json.JsonSerializer.Serialize(desk(reference), System.Text.Json.JsonSerializerOptions.Web),
                }, tx, cancellationToken: ct));
            if (inserted == 1) return reference;
            if (await LiveAsync(tx, dossierCode, ct) is not null) return null;
        }
        throw new InvalidOperationException($"No free payment reference for {dossierCode}.");
    }

    /// <summary>
    /// The desk pays back a fee paid at the desk (the platform never held it): the dossier's desk payment awaiting its refund
    /// becomes refunded (PaymentRefunded), with the desk's refund receipt. Null if the dossier has no desk payment to refund.
    /// </summary>
    public static async Task<Applied?> RefundAtDeskAsync(NpgsqlTransaction tx, string dossierCode, Func<string, long, object> receipt,
        DateTimeOffset now, CancellationToken ct)
    {
        var due = await tx.Connection!.QuerySingleOrDefaultAsync<(string Reference, long AmountVnd)?>(new CommandDefinition("""
            SELECT reference, amount_vnd FROM payments WHERE dossier_code = @dossierCode AND state = 'refunding' AND trigger = @desk
            FOR UPDATE
            """, new { dossierCode, desk = DeskTrigger }, tx, cancellationToken: ct));
        if (due is not { } payment) return null;
        var applied = await ApplyAsync(tx, payment.Reference, Outcome.Refunded, new OutcomeFacts(), now, paidOnlineChannel: 0, ct);
        await tx.Connection!.ExecuteAsync(new CommandDefinition(
            "UPDATE payments SET refund_receipt = @receipt::jsonb WHERE reference = @reference",
            new { payment.Reference, receipt = System.Text.Json.JsonSerializer.Serialize(receipt(payment.Reference, payment.AmountVnd),
                System.Text.Json.JsonSerializerOptions.Web) }, tx, cancellationToken: ct));
        return applied;
    }

    /// <summary>The dossier's live or paid payment, if any: (reference, state).</summary>
    public static Task<LivePayment?> LiveAsync(NpgsqlTransaction tx, string dossierCode, CancellationToken ct)
        => tx.Connection!.QuerySingleOrDefaultAsync<LivePayment?>(new CommandDefinition("""
            SELECT reference, state FROM payments WHERE dossier_code = @dossierCode AND state NOT IN ('failed', 'expired')
            """, new { dossierCode }, tx, cancellationToken: ct));

    /// <summary>Applies <paramref name="outcome"/> to the payment <paramref name="reference"/>; null if no such payment.</summary>
    public static async Task<Applied?> ApplyAsync(NpgsqlTransaction tx, string reference, Outcome outcome, OutcomeFacts facts,
        DateTimeOffset now, int paidOnlineChannel, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var row = await tx.Connection!.QuerySingleOrDefaultAsync<Row>(new CommandDefinition("""
                SELECT p.id, p.dossier_code AS DossierCode, p.amount_vnd AS AmountVnd, p.state, p.reference, p.requested_at AS RequestedAt,
                       p.payment_url AS PaymentUrl, p.transaction_id AS TransactionId, p.paid_at AS PaidAt, p.paid_online AS PaidOnline,
                       p.refund_reason AS RefundReason, d.last_status AS LastStatus
                FROM payments p LEFT JOIN payment_dossiers d ON d.code = p.dossier_code
                WHERE p.reference = @reference
                """, new { reference }, tx, cancellationToken: ct));
            if (row is null) return null;
            if (PaymentStates.AmountDiffers(outcome, facts.AmountVnd, row.AmountVnd))
                return new Applied(new Transition(Effect.Conflict, row.State, null), row.DossierCode, row.AmountVnd, AmountMismatch: true);

            var transition = PaymentStates.Decide(row.State, outcome);
            if (transition.Effect != Effect.Apply) return new Applied(transition, row.DossierCode, row.AmountVnd);

            var updated = await tx.Connection!.ExecuteAsync(new CommandDefinition("""
                UPDATE payments SET state = @to, updated_at = @now, attempts = 0, last_error = NULL,
                    payment_url = COALESCE(@url, payment_url),
                    transaction_id = COALESCE(transaction_id, @transactionId),
                    paid_at = CASE WHEN @to = 'succeeded' THEN @at ELSE paid_at END,
                    paid_online = CASE WHEN @to = 'succeeded' THEN @channel ELSE paid_online END,
                    failed_at = CASE WHEN @to IN ('failed', 'expired') THEN @now ELSE failed_at END,
                    failure_reason = CASE WHEN @to IN ('failed', 'expired') THEN @reason ELSE failure_reason END,
                    refund_reason = CASE WHEN @to = 'refunding' THEN @reason ELSE refund_reason END,
                    refunded_at = CASE WHEN @to = 'refunded' THEN @now ELSE refunded_at END,
                    next_attempt_at = COALESCE(@next, next_attempt_at)
                WHERE reference = @reference AND state = @from
                """, new
                {
                    reference, from = transition.From, to = transition.To, now, url = facts.PaymentUrl, transactionId = facts.TransactionId,
                    at = (facts.At ?? now).ToUniversalTime(), channel = (short)paidOnlineChannel, reason = facts.Reason,
                    next = (facts.NextAttemptAt ?? (transition.To is PaymentStates.Succeeded or PaymentStates.Refunding ? now : null))?.ToUniversalTime(),
                }, tx, cancellationToken: ct));
            if (updated == 0)
            {
                if (attempt < 3) continue; // changed since read (a concurrent outcome committed first): decide again on the new state
                throw new InvalidOperationException($"Payment {reference} kept changing under concurrent updates.");
            }
            await PublishAsync(tx, row, transition.To!, facts, now, paidOnlineChannel, ct);
            // Paid while the dossier was already refused, stopped or withdrawn: the fee goes straight back.
            if (transition.To == PaymentStates.Succeeded && row.LastStatus is { } last && RefundsOnStatus((DossierStatus)last))
                await ApplyAsync(tx, reference, Outcome.RefundRequested, new OutcomeFacts(Reason: RefundReason(row.LastStatus.Value)), now,
                    paidOnlineChannel, ct);
            return new Applied(transition, row.DossierCode, row.AmountVnd);
        }
    }

    /// <summary>The statuses that end a dossier before its result: a fee paid for it is refunded (issue 21 adds withdrawal).</summary>
    public static bool RefundsOnStatus(DossierStatus status) => status is DossierStatus.Refused or DossierStatus.Stopped or DossierStatus.Withdrawn;

    public static string RefundReason(short status) => (DossierStatus)status switch
    {
        DossierStatus.Refused => "Hồ sơ không được tiếp nhận / Dossier refused",
        DossierStatus.Withdrawn => "Công dân rút hồ sơ / Dossier withdrawn",
        _ => "Hồ sơ dừng xử lý / Processing stopped",
    };

    private static async Task PublishAsync(NpgsqlTransaction tx, Row row, string to, OutcomeFacts facts, DateTimeOffset now, int channel,
        CancellationToken ct)
    {
        switch (to)
        {
            case PaymentStates.Pending:
                await Outbox.PublishAsync(tx, new PaymentRequested(row.DossierCode, row.Reference, row.AmountVnd, facts.PaymentUrl!, row.RequestedAt), ct);
                break;
            case PaymentStates.Succeeded:
                await Outbox.PublishAsync(tx, new PaymentSucceeded(row.DossierCode, row.Reference, facts.TransactionId ?? row.TransactionId!,
                    row.AmountVnd, facts.At ?? now, channel), ct);
                break;
            case PaymentStates.Failed or PaymentStates.Expired:
                await Outbox.PublishAsync(tx, new PaymentFailed(row.DossierCode, row.Reference,
                    to == PaymentStates.Expired ? "expired" : facts.Reason ?? "failed", now), ct);
                break;
            case PaymentStates.Refunded:
                await Outbox.PublishAsync(tx, new PaymentRefunded(row.DossierCode, row.Reference, row.AmountVnd,
                    row.RefundReason ?? facts.Reason ?? "refund", now), ct);
                break;
        }
    }

    /// <summary>
    /// Claims the payment due longest that needs the platform (INIT, QUERY, GET_BILL or REFUND), FOR UPDATE SKIP LOCKED so
    /// workers and instances never send the same one at once; null when none is due. A fee paid at the desk never went
    /// through the platform: its refund is paid back at the desk too.
    /// </summary>
    public static async Task<DuePayment?> ClaimDueAsync(NpgsqlTransaction tx, DateTimeOffset now, CancellationToken ct)
    {
        var row = await tx.Connection!.QuerySingleOrDefaultAsync<DueRow>(new CommandDefinition("""
            SELECT p.reference, p.dossier_code AS DossierCode, p.amount_vnd AS AmountVnd, p.state, p.requested_at AS RequestedAt, p.attempts,
                   d.procedure_code AS ProcedureCode, d.receiving_unit AS ReceivingUnit, d.applicant_name AS ApplicantName, d.fees::text AS Fees
            FROM payments p JOIN payment_dossiers d ON d.code = p.dossier_code
            WHERE p.next_attempt_at <= @now
              AND (p.state IN ('new', 'pending', 'refunding') OR (p.state = 'succeeded' AND p.receipt IS NULL))
              AND p.trigger <> @desk
            ORDER BY p.next_attempt_at
            LIMIT 1
            FOR UPDATE OF p SKIP LOCKED
            """, new { now = now.ToUniversalTime(), desk = DeskTrigger }, tx, cancellationToken: ct));
        return row is null ? null : new DuePayment(row.Reference, row.DossierCode, row.AmountVnd, row.State, row.RequestedAt, row.Attempts,
            row.ProcedureCode, row.ReceivingUnit, row.ApplicantName,
            System.Text.Json.JsonSerializer.Deserialize<List<DossierFee>>(row.Fees, System.Text.Json.JsonSerializerOptions.Web) ?? []);
    }

    private sealed record DueRow(string Reference, string DossierCode, long AmountVnd, string State, DateTimeOffset RequestedAt, int Attempts,
        string ProcedureCode, string ReceivingUnit, string ApplicantName, string Fees);

    /// <summary>Stores the platform's receipt of a paid payment, as it came.</summary>
    public static Task StoreReceiptAsync(NpgsqlTransaction tx, string reference, System.Text.Json.Nodes.JsonObject receipt, DateTimeOffset now,
        CancellationToken ct)
        => tx.Connection!.ExecuteAsync(new CommandDefinition("""
            UPDATE payments SET receipt = @receipt::jsonb, receipt_at = @now, attempts = 0, last_error = NULL, updated_at = @now
            WHERE reference = @reference
            """, new { reference, receipt = receipt.ToJsonString(), now = now.ToUniversalTime() }, tx, cancellationToken: ct));

    /// <summary>
    /// When the worker looks at the payment again; with <paramref name="error"/> it is a failed attempt (counted, kept for the
    /// operators), without it a planned look (a pending payment asked about again).
    /// </summary>
    public static Task ScheduleAsync(NpgsqlTransaction tx, string reference, DateTimeOffset next, string? error, CancellationToken ct)
        => tx.Connection!.ExecuteAsync(new CommandDefinition("""
            UPDATE payments SET next_attempt_at = @next, attempts = attempts + @failed, last_error = COALESCE(@error, last_error)
            WHERE reference = @reference
            """, new { reference, next = next.ToUniversalTime(), error, failed = error is null ? 0 : 1 }, tx, cancellationToken: ct));

    /// <summary>Re-announces a payment that is already paid (e.g. paid up front, then Processing asks for payment).</summary>
    public static async Task RepublishSuccessAsync(NpgsqlTransaction tx, string reference, CancellationToken ct)
    {
        var row = await tx.Connection!.QuerySingleAsync<(string DossierCode, string TransactionId, long AmountVnd, DateTimeOffset PaidAt, short PaidOnline)>(
            new CommandDefinition("""
                SELECT dossier_code, transaction_id, amount_vnd, paid_at, paid_online FROM payments WHERE reference = @reference
                """, new { reference }, tx, cancellationToken: ct));
        await Outbox.PublishAsync(tx, new PaymentSucceeded(row.DossierCode, reference, row.TransactionId, row.AmountVnd, row.PaidAt, row.PaidOnline), ct);
    }
}

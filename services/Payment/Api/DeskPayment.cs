using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging.Audit;
using Procedures.Messaging.Idempotency;
using Procedures.Messaging.Outbox;
using Procedures.Payment.Ledger;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.OpenApi;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Payment.Api;

/// <summary>
/// POST /api/v1/dossiers/{code}/payments/desk: the desk records a fee paid in cash or by bank transfer (issue 21). The
/// payment is paid at once, with the desk's receipt; a live online request is superseded (failed, reason
/// <see cref="Superseded"/>), so the dossier is never charged twice. Processing learns of it from PaymentRecordedAtDesk
/// (the fee is paid, 6 → 4); it is not an online payment, so DuocThanhToanTrucTuyen stays empty. Ledger row, event and
/// audit entry commit together.
/// </summary>
public static class DeskPayment
{
    public const string Superseded = "paid-at-desk";

    public sealed record Request(string? Method, long? AmountVnd, string? ReceivedBy, string? TransferReference);

    /// <summary>The desk's receipt (biên lai): its number is the payment's reference.</summary>
    public sealed record Receipt(string ReceiptNumber, string DossierCode, string Method, long AmountVnd, DateTimeOffset PaidAt, string ReceivedBy,
        string? TransferReference);

    public static IEndpointRouteBuilder MapDeskPayment(this IEndpointRouteBuilder app)
    {
        app.MapPost("/desk", HandleAsync).WithName("DeskPayment")
            .WithSummary("Record a fee paid at the desk, in cash or by bank transfer (a receipt; not an online payment)")
            .RequireScope(Scopes.Payments, Scopes.Reception).RequireIdempotencyKey()
            .WithExamples(new Request(DeskPaymentMethod.Cash, 20000, "Nguyễn Thị Hoa", null),
                new Receipt("26740H292611290001" + "20261129093000", "26740.H29-261129-0001", DeskPaymentMethod.Cash, 20000,
                    DateTimeOffset.Parse("2026-11-29T09:30:00+07:00"), "Nguyễn Thị Hoa", null))
            .ProducesProblems(StatusCodes.Status409Conflict, "no-fees-due", "dossier-closed", "already-paid");
        return app;
    }

    /// <summary>Statuses in which no fee is taken any more: decided (the fee was settled before), or ended.</summary>
    private static readonly short[] Closed =
        [(short)DossierStatus.Refused, (short)DossierStatus.Withdrawn, (short)DossierStatus.Stopped, (short)DossierStatus.Decided, (short)DossierStatus.Returned];

    private static async Task<Results<Created<Receipt>, NotFound, ProblemHttpResult>> HandleAsync(string code, Request request, Caller caller,
        HttpContext http, NpgsqlDataSource db, TimeProvider time, IOptions<PaymentOptions> options, IdempotencyContext idempotency, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var dossier = await PayableDossiers.LockAsync(tx, http, caller, code, ct);
        if (dossier is null) return TypedResults.NotFound();
        var (errors, receivedBy, transfer) = Validate(request, dossier.TotalVnd);
        if (errors.Count > 0) return Problems.Validation(errors);
        if (dossier.TotalVnd == 0)
            return Conflict("no-fees-due", "Thủ tục của hồ sơ không có phí, lệ phí", "The dossier's procedure has no fees: there is nothing to pay");
        if (dossier.LastStatus is { } status && Closed.Contains(status))
            return Conflict("dossier-closed", "Hồ sơ đã xử lý xong hoặc đã kết thúc", $"The dossier is at status {status}: no fee is taken any more");

        var now = time.GetUtcNow();
        // A live online request (the citizen chose the desk instead) is superseded; a paid one means the fee is paid.
        if (await PaymentLedger.LiveAsync(tx, code, ct) is { State: PaymentStates.New or PaymentStates.Pending } live)
            await PaymentLedger.ApplyAsync(tx, live.Reference, Outcome.Failed, new OutcomeFacts(Reason: Superseded), now,
                options.Value.PaidOnlineChannel, ct);
        var method = request.Method!;
        Receipt? receipt = null;
        var reference = await PaymentLedger.RecordAtDeskAsync(tx, code, dossier.TotalVnd,
            r => receipt = new Receipt(r, code, method, dossier.TotalVnd, now, receivedBy!, transfer), now, ct);
        if (reference is null)
            return Conflict("already-paid", "Phí, lệ phí của hồ sơ đã được thanh toán", "The dossier's fee is already paid");

        await Outbox.PublishAsync(tx, new PaymentRecordedAtDesk(code, reference, reference, method, dossier.TotalVnd, now, receivedBy!), ct);
        await AuditLog.AppendAsync(tx, AuditActor.FromRequest(http, caller.ClientId, caller.Agency),
            new AuditEntry("payments.desk", code, PersonalData: false, Detail: new { reference, method, amountVnd = dossier.TotalVnd }), now, ct);
        var location = $"/api/v1/dossiers/{code}/payments";
        await idempotency.CompleteAsync(tx, StatusCodes.Status201Created, receipt!, location, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Created(location, receipt!);
    }

    /// <summary>Each field and the rule it broke: the method, the whole fee due, who took it, a transfer's bank reference.</summary>
    private static (List<FieldError> Errors, string? ReceivedBy, string? Transfer) Validate(Request request, long feeVnd)
    {
        var errors = new List<FieldError>();
        if (request.Method is null || !DeskPaymentMethod.All.Contains(request.Method))
            errors.Add(new("method", "one-of", "Hình thức nộp phải là tiền mặt (cash) hoặc chuyển khoản (bank-transfer)",
                $"method is one of {string.Join(", ", DeskPaymentMethod.All)}"));
        if (request.AmountVnd is null)
            errors.Add(new("amountVnd", "required", "Số tiền là bắt buộc", "amountVnd is required"));
        else if (feeVnd > 0 && request.AmountVnd != feeVnd)
            errors.Add(new("amountVnd", "equals-fee-due", $"Số tiền phải bằng phí, lệ phí của hồ sơ ({feeVnd} VND)",
                $"amountVnd must be the dossier's whole fee ({feeVnd} VND)"));
        var receivedBy = TextInput.Clean(request.ReceivedBy, "receivedBy", errors);
        if (string.IsNullOrEmpty(receivedBy))
            errors.Add(new("receivedBy", "required", "Tên cán bộ thu tiền là bắt buộc", "receivedBy (the officer who took the payment) is required"));
        var transfer = TextInput.Clean(request.TransferReference, "transferReference", errors);
        if (request.Method == DeskPaymentMethod.BankTransfer && string.IsNullOrEmpty(transfer))
            errors.Add(new("transferReference", "required-for-bank-transfer", "Chuyển khoản cần mã giao dịch ngân hàng",
                "A bank transfer needs the bank's transfer reference"));
        if (receivedBy is { Length: > 200 } || transfer is { Length: > 100 })
            errors.Add(new(receivedBy is { Length: > 200 } ? "receivedBy" : "transferReference", "max-length", "Quá dài",
                "receivedBy is at most 200 characters, transferReference 100"));
        return (errors, receivedBy, transfer);
    }

    private static ProblemHttpResult Conflict(string slug, string vi, string en) => PayableDossiers.Conflict(slug, vi, en);
}

using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging.Audit;
using Procedures.ServiceDefaults.Idempotency;
using Procedures.Payment.Ledger;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.OpenApi;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Payment.Api;

/// <summary>
/// POST /api/v1/dossiers/{code}/payments/desk-refund: the desk records that it paid back, in cash or by bank transfer, a
/// fee it took at the desk, once the dossier was refused, stopped or withdrawn (the ledger put the payment in refunding).
/// The platform never held that money, so only the desk can close the refund (issue 21). The payment becomes refunded
/// (PaymentRefunded, as an online refund), with the desk's refund receipt; ledger row, event and audit entry commit together.
/// An online payment's refund is the platform's: it is answered 409 no-refund-due like a dossier with nothing to refund.
/// </summary>
public static class DeskRefund
{
    public sealed record Request(string? Method, long? AmountVnd, string? PaidBy, string? TransferReference);

    /// <summary>The desk's refund receipt: the payment paid back, how, by whom.</summary>
    public sealed record Receipt(string PaymentReference, string DossierCode, string Method, long AmountVnd, DateTimeOffset RefundedAt, string PaidBy,
        string? TransferReference, string Reason);

    public static IEndpointRouteBuilder MapDeskRefund(this IEndpointRouteBuilder app)
    {
        app.MapPost("/desk-refund", HandleAsync).WithName("DeskRefund")
            .WithSummary("Record a fee paid back at the desk (a fee taken at the desk, for a refused, stopped or withdrawn dossier)")
            .RequireScope(Scopes.Payments, Scopes.Reception).RequireIdempotencyKey()
            .WithExamples(new Request(DeskPaymentMethod.Cash, 20000, "Nguyễn Thị Hoa", null),
                new Receipt("26740H292611290001" + "20261129093000", "26740.H29-261129-0001", DeskPaymentMethod.Cash, 20000,
                    DateTimeOffset.Parse("2026-12-02T10:15:00+07:00"), "Nguyễn Thị Hoa", null, "Công dân rút hồ sơ / Dossier withdrawn"))
            .ProducesProblems(StatusCodes.Status409Conflict, "no-refund-due");
        return app;
    }

    private static async Task<Results<Created<Receipt>, NotFound, ProblemHttpResult>> HandleAsync(string code, Request request, Caller caller,
        HttpContext http, NpgsqlDataSource db, TimeProvider time, IdempotencyContext idempotency, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await idempotency.BeginAsync(connection, ct);
        if (await PayableDossiers.LockAsync(tx, http, caller, code, ct) is not { } dossier) return TypedResults.NotFound();
        var (errors, money) = DeskMoneyRules.Validate(request.Method, request.AmountVnd, request.PaidBy, "paidBy", request.TransferReference,
            dossier.TotalVnd);
        if (money is null) return Problems.Validation(errors);

        var now = time.GetUtcNow();
        Receipt? receipt = null;
        var applied = await PaymentLedger.RefundAtDeskAsync(tx, code,
            (reference, amount) => receipt = new Receipt(reference, code, money.Method, amount, now, money.Officer, money.TransferReference,
                PaymentLedger.RefundReason(dossier.LastStatus ?? (short)DossierStatus.Stopped)), now, ct);
        if (applied is null)
            return PayableDossiers.Conflict("no-refund-due", "Hồ sơ không có khoản phí nộp tại quầy đang chờ hoàn trả",
                "The dossier has no fee paid at the desk awaiting its refund (an online payment is refunded by the platform)");

        await AuditLog.AppendAsync(tx, AuditActor.FromRequest(http, caller.ClientId, caller.Agency),
            new AuditEntry("payments.desk-refund", code, PersonalData: false,
                Detail: new { reference = receipt!.PaymentReference, method = money.Method, amountVnd = receipt.AmountVnd }), now, ct);
        var location = $"/api/v1/dossiers/{code}/payments";
        await idempotency.CompleteAsync(tx, StatusCodes.Status201Created, receipt, location, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Created(location, receipt);
    }
}

using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging.Audit;
using Procedures.ServiceDefaults.Idempotency;
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

    private static async Task<Results<Created<Receipt>, NotFound, ProblemHttpResult>> HandleAsync(string code, Request request, Caller caller,
        HttpContext http, NpgsqlDataSource db, TimeProvider time, IOptions<PaymentOptions> options, IdempotencyContext idempotency, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await idempotency.BeginAsync(connection, ct);
        var dossier = await PayableDossiers.LockAsync(tx, http, caller, code, ct);
        if (dossier is null) return TypedResults.NotFound();
        var (errors, money) = DeskMoneyRules.Validate(request.Method, request.AmountVnd, request.ReceivedBy, "receivedBy",
            request.TransferReference, dossier.TotalVnd);
        if (money is null) return Problems.Validation(errors);
        if (dossier.TotalVnd == 0)
            return Conflict("no-fees-due", "Thủ tục của hồ sơ không có phí, lệ phí", "The dossier's procedure has no fees: there is nothing to pay");
        // No fee is taken once processing ended: a decided dossier settled its fee before the decision.
        if (dossier.LastStatus is { } status && DossierStatusRules.Ends((DossierStatus)status))
            return Conflict("dossier-closed", "Hồ sơ đã xử lý xong hoặc đã kết thúc", $"The dossier is at status {status}: no fee is taken any more");

        var now = time.GetUtcNow();
        // A live online request (the citizen chose the desk instead) is superseded; a paid one means the fee is paid.
        if (await PaymentLedger.LiveAsync(tx, code, ct) is { State: PaymentStates.New or PaymentStates.Pending } live)
            await PaymentLedger.ApplyAsync(tx, live.Reference, Outcome.Failed, new OutcomeFacts(Reason: Superseded), now,
                options.Value.PaidOnlineChannel, ct);
        Receipt? receipt = null;
        var reference = await PaymentLedger.RecordAtDeskAsync(tx, code, dossier.TotalVnd,
            r => receipt = new Receipt(r, code, money.Method, dossier.TotalVnd, now, money.Officer, money.TransferReference), now, ct);
        if (reference is null)
            return Conflict("already-paid", "Phí, lệ phí của hồ sơ đã được thanh toán", "The dossier's fee is already paid");

        await Outbox.PublishAsync(tx, new PaymentRecordedAtDesk(code, reference, reference, money.Method, dossier.TotalVnd, now, money.Officer), ct);
        await AuditLog.AppendAsync(tx, AuditActor.FromRequest(http, caller.ClientId, caller.Agency),
            new AuditEntry("payments.desk", code, PersonalData: false, Detail: new { reference, method = money.Method, amountVnd = dossier.TotalVnd }), now, ct);
        var location = $"/api/v1/dossiers/{code}/payments";
        await idempotency.CompleteAsync(tx, StatusCodes.Status201Created, receipt!, location, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Created(location, receipt!);
    }

    private static ProblemHttpResult Conflict(string slug, string vi, string en) => PayableDossiers.Conflict(slug, vi, en);
}

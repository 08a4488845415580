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
/// POST /api/v1/dossiers/{code}/payments: a new payment request after the last one failed, was abandoned or expired,
/// for a dossier still waiting for payment (status 6). Refused with 409 while a request is live or the fee is paid
/// (the unique index decides under concurrency), so a dossier is never charged twice.
/// </summary>
public static class NewPaymentRequest
{
    public const string Trigger = "retry";

    public sealed record Response(string DossierCode, string Reference, long AmountVnd, string State);

    public static IEndpointRouteBuilder MapNewPaymentRequest(this IEndpointRouteBuilder app)
    {
        app.MapPost("/", HandleAsync).WithName("NewPaymentRequest")
            .WithSummary("A new payment request after a failed, abandoned or expired one (dossier waiting for payment)")
            .RequireScope(Scopes.Payments, Scopes.Processing).RequireIdempotencyKey()
            .WithExamples(null, new Response("26740.H29-261129-0001", "26740H29261129000120261129103000", 20000, "new"))
            .ProducesProblems(StatusCodes.Status409Conflict, "not-awaiting-payment", "payment-live");
        return app;
    }

    private static async Task<Results<Created<Response>, NotFound, ProblemHttpResult>> HandleAsync(string code, Caller caller, HttpContext http, NpgsqlDataSource db, TimeProvider time,
        IdempotencyContext idempotency, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await idempotency.BeginAsync(connection, ct);
        var dossier = await PayableDossiers.LockAsync(tx, http, caller, code, ct);
        if (dossier is null) return TypedResults.NotFound();
        if (dossier.TotalVnd == 0 || dossier.LastStatus != (short)DossierStatus.AwaitingPayment)
            return Conflict("not-awaiting-payment", "Hồ sơ không ở trạng thái chờ thực hiện nghĩa vụ tài chính",
                "The dossier is not waiting for a payment (status 6 with fees)");
        var now = time.GetUtcNow();
        var reference = await PaymentLedger.CreateAsync(tx, code, dossier.TotalVnd, Trigger, now, ct);
        if (reference is null)
            return Conflict("payment-live", "Hồ sơ đang có yêu cầu thanh toán hoặc đã thanh toán",
                "The dossier has a live payment request or is paid");
        await AuditLog.AppendAsync(tx, AuditActor.FromRequest(http, caller.ClientId, caller.Agency),
            new AuditEntry("payments.request", code, PersonalData: false, Detail: new { reference }), now, ct);
        var response = new Response(code, reference, dossier.TotalVnd, PaymentStates.New);
        var location = $"/api/v1/dossiers/{code}/payments";
        await idempotency.CompleteAsync(tx, StatusCodes.Status201Created, response, location, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Created(location, response);
    }

    private static ProblemHttpResult Conflict(string slug, string vi, string en) => PayableDossiers.Conflict(slug, vi, en);
}

using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging.Audit;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.OpenApi;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Payment.Api;

/// <summary>
/// GET /api/v1/dossiers/{code}/payments: the dossier's fees and payment requests with the pay URL, state, transaction,
/// receipt and refund. Only for the agency that received or decides the dossier (in the SQL), or one that sees all;
/// anyone else gets 404, as for a dossier that does not exist.
/// </summary>
public static class DossierPayments
{
    public sealed record Fee(string Code, string Name, long AmountVnd);

    public sealed record PaymentView(string Reference, long AmountVnd, string State, string Trigger, DateTimeOffset RequestedAt, string? PaymentUrl,
        string? TransactionId, DateTimeOffset? PaidAt, int? PaidOnline, string? FailureReason, JsonElement? Receipt, string? RefundReason,
        DateTimeOffset? RefundedAt, JsonElement? RefundReceipt);

    public sealed record Response(string DossierCode, long TotalVnd, IReadOnlyList<Fee> Fees, IReadOnlyList<PaymentView> Payments);

    public static IEndpointRouteBuilder MapDossierPayments(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", HandleAsync).WithName("DossierPayments")
            .WithSummary("A dossier's fees and payments (pay URL, state, receipt, refund)")
            .RequireScope(Scopes.Payments, Scopes.Processing, Scopes.Reception)
            .WithExamples(null, new Response("26740.H29-261129-0001", 20000, [new Fee("LP01", "Lệ phí đăng ký thường trú", 20000)],
                [new PaymentView("26740H292611290001" + "20261129093000", 20000, "pending", "status-6", DateTimeOffset.Parse("2026-11-29T09:30:00+07:00"),
                    "https://thanhtoan.example/pay/3f2a", null, null, null, null, null, null, null, null)]));
        return app;
    }

    private sealed record DossierRow(long TotalVnd, string Fees);

    private sealed record PaymentRow(string Reference, long AmountVnd, string State, string Trigger, DateTimeOffset RequestedAt, string? PaymentUrl,
        string? TransactionId, DateTimeOffset? PaidAt, short? PaidOnline, string? FailureReason, string? Receipt, string? RefundReason,
        DateTimeOffset? RefundedAt, string? RefundReceipt);

    private static async Task<Results<Ok<Response>, NotFound>> HandleAsync(string code, Caller caller, HttpContext http, NpgsqlDataSource db,
        TimeProvider time, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var dossier = await connection.QuerySingleOrDefaultAsync<DossierRow>(new CommandDefinition("""
            SELECT total_vnd AS TotalVnd, fees::text AS Fees FROM payment_dossiers
            WHERE code = @code AND (receiving_unit = @agency OR deciding_agency = @agency OR @all)
            """, new { code, agency = caller.Agency, all = caller.SeesAllAgencies }, tx, cancellationToken: ct));
        if (dossier is null)
        {
            await ForeignDossiers.MarkAsync(tx, http, caller, code, ct);
            return TypedResults.NotFound();
        }
        var payments = await connection.QueryAsync<PaymentRow>(new CommandDefinition("""
            SELECT reference, amount_vnd AS AmountVnd, state, trigger, requested_at AS RequestedAt, payment_url AS PaymentUrl,
                   transaction_id AS TransactionId, paid_at AS PaidAt, paid_online AS PaidOnline, failure_reason AS FailureReason,
                   receipt::text AS Receipt, refund_reason AS RefundReason, refunded_at AS RefundedAt,
                   refund_receipt::text AS RefundReceipt
            FROM payments WHERE dossier_code = @code ORDER BY requested_at, reference
            """, new { code }, tx, cancellationToken: ct));
        // Receipts name the payer: the read is personal data, audited like the other services' reads of it.
        await AuditLog.AppendAsync(tx, AuditActor.FromRequest(http, caller.ClientId, caller.Agency),
            new AuditEntry("payments.read", code, PersonalData: true), time.GetUtcNow(), ct);
        await tx.CommitAsync(ct);
        var fees = JsonSerializer.Deserialize<List<DossierFee>>(dossier.Fees, JsonSerializerOptions.Web) ?? [];
        return TypedResults.Ok(new Response(code, dossier.TotalVnd, fees.Select(f => new Fee(f.Code, f.Name, f.AmountVnd)).ToList(),
            payments.Select(p => new PaymentView(p.Reference, p.AmountVnd, p.State, p.Trigger, p.RequestedAt, p.PaymentUrl, p.TransactionId,
                p.PaidAt, p.PaidOnline, p.FailureReason, Json(p.Receipt),
                p.RefundReason, p.RefundedAt, Json(p.RefundReceipt))).ToList()));
    }

    private static JsonElement? Json(string? text) => text is null ? null : JsonDocument.Parse(text).RootElement.Clone();
}

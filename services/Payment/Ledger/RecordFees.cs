using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using Procedures.Contracts;
using Procedures.Messaging.Inbox;

namespace Procedures.Payment.Ledger;

/// <summary>
/// Keeps each dossier's fees (of the procedure version it was submitted under), its agencies and applicant name. For a
/// procedure configured as payable at submission (Payment:PayableAtSubmission) with fees, the payment request is
/// created right away.
/// </summary>
public sealed class RecordFees(ConsumerServices services, IOptions<PaymentOptions> options) : IdempotentConsumer<DossierSubmitted>(services)
{
    public const string AtSubmission = "submission";

    protected override async Task HandleAsync(DossierSubmitted m, ConsumeScope<DossierSubmitted> scope, CancellationToken ct)
    {
        var fees = m.Fees ?? [];
        if (fees.Any(f => f.AmountVnd < 0)) throw new PermanentFailureException($"Dossier {m.DossierCode} carries a negative fee.");
        var total = fees.Sum(f => f.AmountVnd);
        var inserted = await StoreAsync(scope.Transaction, m, ct);
        if (inserted && total > 0 && options.Value.IsPayableAtSubmission(m.ProcedureCode))
            await PaymentLedger.CreateAsync(scope.Transaction, m.DossierCode, total, AtSubmission, Services.Time.GetUtcNow(), ct);
    }

    /// <summary>Stores the dossier's fees, agencies and applicant once (false when it was stored already).</summary>
    public static async Task<bool> StoreAsync(Npgsql.NpgsqlTransaction tx, DossierSubmitted m, CancellationToken ct)
    {
        var fees = m.Fees ?? [];
        return await tx.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO payment_dossiers (code, procedure_code, procedure_version, receiving_unit, deciding_agency, applicant_name, fees,
                                          total_vnd, submitted_at)
            VALUES (@DossierCode, @ProcedureCode, @ProcedureVersion, @ReceivingUnit, @deciding, @ApplicantName, @fees::jsonb, @total, @submittedAt)
            ON CONFLICT (code) DO NOTHING
            """, new
            {
                m.DossierCode, m.ProcedureCode, m.ProcedureVersion, m.ReceivingUnit, deciding = m.DecidingAgency ?? m.ReceivingUnit,
                m.ApplicantName, fees = JsonSerializer.Serialize(fees, JsonSerializerOptions.Web), total = fees.Sum(f => f.AmountVnd),
                submittedAt = m.SubmittedAt.ToUniversalTime(),
            }, tx, cancellationToken: ct)) == 1;
    }
}

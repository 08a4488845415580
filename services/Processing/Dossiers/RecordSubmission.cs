using Dapper;
using Procedures.Contracts;
using Procedures.Messaging.Inbox;

namespace Procedures.Processing.Dossiers;

/// <summary>
/// Records a submitted dossier as status 1 with sequence 1 and announces it as the dossier's first status event.
/// </summary>
public sealed class RecordSubmission(ConsumerServices services) : IdempotentConsumer<DossierSubmitted>(services)
{
    protected override async Task HandleAsync(DossierSubmitted message, ConsumeScope<DossierSubmitted> scope, CancellationToken ct)
    {
        var inserted = await scope.Connection.ExecuteAsync(new Dapper.CommandDefinition("""
            INSERT INTO dossiers (code, procedure_code, receiving_unit, channel, status, sequence, submitted_at, updated_at,
                                  deciding_agency, processing_amount, processing_unit)
            VALUES (@DossierCode, @ProcedureCode, @ReceivingUnit, @Channel, 1, 1, @SubmittedAt, @SubmittedAt, @deciding, @amount, @unit)
            ON CONFLICT (code) DO NOTHING
            """, new
            {
                message.DossierCode, message.ProcedureCode, message.ReceivingUnit, Channel = (short)message.Channel, message.SubmittedAt,
                deciding = message.DecidingAgency ?? message.ReceivingUnit, amount = message.ProcessingTime?.Amount, unit = message.ProcessingTime?.Unit,
            },
            scope.Transaction, cancellationToken: ct));
        if (inserted == 0) return; // already recorded under another message id: nothing new to announce

        const string content = "Tiếp nhận hồ sơ nộp mới / Dossier submitted";
        await scope.Connection.ExecuteAsync(new Dapper.CommandDefinition("""
            INSERT INTO dossier_history (dossier_code, sequence, status, occurred_at, content)
            VALUES (@DossierCode, 1, 1, @SubmittedAt, @content)
            """, new { message.DossierCode, message.SubmittedAt, content }, scope.Transaction, cancellationToken: ct));
        await scope.PublishAsync(new DossierStatusChanged(message.DossierCode, 1, DossierStatus.Submitted, message.SubmittedAt, content,
            ReceivingUnit: message.ReceivingUnit, DecidingAgency: message.DecidingAgency ?? message.ReceivingUnit), ct);
    }
}

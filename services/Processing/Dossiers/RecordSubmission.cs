using System.Text.Json;
using Dapper;
using Procedures.Contracts;
using Procedures.Messaging;
using Procedures.Messaging.Inbox;
using Procedures.Processing.Calendar;

namespace Procedures.Processing.Dossiers;

/// <summary>
/// Records a submitted dossier as status 1 with sequence 1 and announces it as the dossier's first status event.
/// Keeps what the receipt (form 01) and the public lookup need; of the applicant's ID only a hash with its last 4 digits.
/// </summary>
public sealed class RecordSubmission(ConsumerServices services, CalendarProvider calendars) : IdempotentConsumer<DossierSubmitted>(services)
{
    protected override async Task HandleAsync(DossierSubmitted message, ConsumeScope<DossierSubmitted> scope, CancellationToken ct)
    {
        var calendar = await calendars.GetAsync(ct);
        var clock = new DossierClock(DossierStatus.Submitted, 1, message.Channel, message.SubmittedAt, null, null, null, null, null, 0, 0);
        var documents = (message.Documents ?? []).Select(d => new ReceivedDocument(d.ComponentCode, d.FileName, d.Reused || d.FromCitizenStore,
            d.ComponentName));
        var inserted = await scope.Connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO dossiers (code, procedure_code, receiving_unit, channel, status, sequence, submitted_at, updated_at,
                                  deciding_agency, processing_amount, processing_unit, procedure_name, procedure_version,
                                  applicant_name, documents, lookup_hash, reception_due_at, fees_vnd, receiving_unit_name, fees)
            VALUES (@DossierCode, @ProcedureCode, @ReceivingUnit, @Channel, 1, 1, @SubmittedAt, @SubmittedAt, @deciding, @amount, @unit,
                    @ProcedureName, @ProcedureVersion, @ApplicantName, @documents::jsonb, @lookup, @receptionDue, @feesVnd, @ReceivingUnitName,
                    @fees::jsonb)
            ON CONFLICT (code) DO NOTHING
            """, new
            {
                message.DossierCode, message.ProcedureCode, message.ReceivingUnit, Channel = (short)message.Channel,
                SubmittedAt = message.SubmittedAt.ToUniversalTime(), deciding = message.DecidingAgency ?? message.ReceivingUnit,
                amount = message.ProcessingTime?.Amount, unit = message.ProcessingTime?.Unit, message.ProcedureName, message.ProcedureVersion,
                message.ApplicantName, documents = JsonSerializer.Serialize(documents, MessageJson.Options),
                lookup = PublicLookup.Hash(message.DossierCode, message.Applicant?.IdNumber),
                receptionDue = Lifecycle.ReceptionDue(clock, calendar), message.ReceivingUnitName,
                feesVnd = (message.Fees ?? []).Sum(f => f.AmountVnd),
                fees = message.Fees is null ? null : JsonSerializer.Serialize(message.Fees, MessageJson.Options),
            },
            scope.Transaction, cancellationToken: ct));
        if (inserted == 0) return; // already recorded under another message id: nothing new to announce

        const string content = "Tiếp nhận hồ sơ nộp mới / Dossier submitted";
        await DossierHistory.AppendAsync(scope.Transaction, new DossierStatusChanged(message.DossierCode, 1, DossierStatus.Submitted, message.SubmittedAt, content,
            ReceivingUnit: message.ReceivingUnit, DecidingAgency: message.DecidingAgency ?? message.ReceivingUnit,
            ProcedureCode: message.ProcedureCode), ct);
    }
}

/// <summary>
/// A document listed on the receipt (form 01): its component (code and, when the submission named it, name), file name, and
/// whether it was reused rather than handed in.
/// </summary>
public sealed record ReceivedDocument(string ComponentCode, string? FileName, bool Reused, string? ComponentName = null);

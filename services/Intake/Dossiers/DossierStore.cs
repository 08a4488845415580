using System.Text.Json;
using Dapper;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging;

namespace Procedures.Intake.Dossiers;

/// <summary>A submitted dossier's row as Intake keeps it (the applicant's identity stays here; events carry what others need).</summary>
public sealed record NewDossier(string Code, string ProcedureCode, string ReceivingUnit, SubmissionChannel Channel, string ApplicantName,
    DateTimeOffset SubmittedAt, string DecidingAgency)
{
    public int? ProcedureVersion { get; init; }
    /// <summary>The portal's applicant kind (1 citizen, 2 enterprise).</summary>
    public int ApplicantKind { get; init; } = 1;
    public string? IdNumber { get; init; }
    public string? Phone { get; init; }
    public string? Email { get; init; }
    public string? Address { get; init; }
    public bool VneidLevel2 { get; init; }
    public string? Summary { get; init; }
}

/// <summary>
/// Intake's statements that record a dossier: the submission writes them inside its transaction, and tests seed dossiers
/// through them rather than with a copy of the SQL.
/// </summary>
public static class DossierStore
{
    public static Task InsertAsync(NpgsqlTransaction tx, NewDossier d, CancellationToken ct)
        => tx.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO dossiers (code, procedure_code, receiving_unit, channel, applicant_name, submitted_at, applicant_kind,
                                  applicant_id_number, applicant_phone, applicant_email, applicant_address, vneid_level2,
                                  deciding_agency, summary, procedure_version)
            VALUES (@Code, @ProcedureCode, @ReceivingUnit, @channel, @ApplicantName, @SubmittedAt, @kind, @IdNumber, @Phone, @Email, @Address,
                    @VneidLevel2, @DecidingAgency, @Summary, @ProcedureVersion)
            """,
            new
            {
                d.Code, d.ProcedureCode, d.ReceivingUnit, channel = (short)d.Channel, d.ApplicantName, d.SubmittedAt, kind = (short)d.ApplicantKind,
                d.IdNumber, d.Phone, d.Email, d.Address, d.VneidLevel2, d.DecidingAgency, d.Summary, d.ProcedureVersion,
            }, tx, cancellationToken: ct));

    /// <summary>
    /// Keeps the dossier's attached documents and its DossierSubmitted with the message id it is published under, so a
    /// consumer that lost it can have it again, under that id (<see cref="CatchUp.ResendSubmission"/>).
    /// </summary>
    public static void KeepSubmission(WriteBatch batch, IReadOnlyList<SubmittedDocument> documents, DossierSubmitted submitted, Guid eventId)
        => batch.Add("""
            UPDATE dossiers SET documents = $1::jsonb, submitted_event = $2::jsonb, submitted_event_id = $3
            WHERE code = $4
            """,
            JsonSerializer.Serialize(documents, JsonSerializerOptions.Web), JsonSerializer.Serialize(submitted, MessageJson.Options), eventId,
            submitted.DossierCode);
}

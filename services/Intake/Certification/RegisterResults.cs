using Dapper;
using Procedures.Contracts;
using Procedures.Messaging.Inbox;

namespace Procedures.Intake.Certification;

/// <summary>
/// Electronic results become reusable when the dossier is returned (status 10): Processing announces that step's electronic
/// results (ElectronicResultsReturned, beside the status event, which Intake no longer takes), and Intake, which owns the
/// applicant's identity and the documents, registers each one (a result code) for the applicant. A result code already
/// registered keeps its first owner. (Its queue is new: the one before, intake-register-results, took every status step.)
/// </summary>
public sealed class RegisterReturnedResults(ConsumerServices services, TimeProvider time) : IdempotentConsumer<ElectronicResultsReturned>(services)
{
    protected override async Task HandleAsync(ElectronicResultsReturned m, ConsumeScope<ElectronicResultsReturned> scope, CancellationToken ct)
    {
        foreach (var result in m.Results.Where(r => !string.IsNullOrWhiteSpace(r.ElectronicResultCode)))
            await RegisterResults.RegisterAsync(scope.Transaction, m.DossierCode, result, time.GetUtcNow(), ct);
    }
}

/// <summary>The register of electronic results (<c>electronic_results</c>), written when a dossier is returned.</summary>
public static class RegisterResults
{
    /// <summary>
    /// Registers one electronic result of a returned dossier for the dossier's applicant (none when the dossier names no
    /// identity number); a code already registered keeps its first owner.
    /// </summary>
    public static Task RegisterAsync(Npgsql.NpgsqlTransaction tx, string dossierCode, ResultDocument result, DateTimeOffset now, CancellationToken ct)
        => tx.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO electronic_results (code, dossier_code, owner_id_number, name, file_reference, registered_at)
            SELECT @code, d.code, d.applicant_id_number, @name, @file, @now
            FROM dossiers d WHERE d.code = @dossier AND d.applicant_id_number IS NOT NULL AND d.applicant_id_number <> ''
            ON CONFLICT (code) DO NOTHING
            """, new
            {
                code = result.ElectronicResultCode!.Trim(), dossier = dossierCode, name = result.Name, file = result.FileReference,
                now = now.ToUniversalTime(),
            }, tx, cancellationToken: ct));
}

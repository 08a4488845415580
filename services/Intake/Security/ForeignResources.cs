using Dapper;
using Npgsql;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Intake.Security;

/// <summary>
/// After an agency-scoped read missed (the answer is the 404 of an unknown one): when the dossier or document exists
/// under another agency, the request is marked as a refused cross-agency attempt for the security-event recorder. The
/// look-up runs only on a miss, and never changes the answer.
/// </summary>
public static class ForeignResources
{
    public static Task MarkDossierAsync(NpgsqlConnection connection, HttpContext http, Caller caller, string code, CancellationToken ct)
        => MarkAsync(connection, http, caller, code, "SELECT receiving_unit FROM dossiers WHERE code = @id", code, ct);

    public static Task MarkDocumentAsync(NpgsqlConnection connection, HttpContext http, Caller caller, Guid id, CancellationToken ct)
        => MarkAsync(connection, http, caller, id.ToString(), "SELECT uploader_agency FROM documents WHERE id = @id", id, ct);

    private static async Task MarkAsync(NpgsqlConnection connection, HttpContext http, Caller caller, string resource, string ownerSql, object id,
        CancellationToken ct)
    {
        if (caller.SeesAllAgencies) return;
        var owner = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(ownerSql, new { id }, cancellationToken: ct));
        if (owner is not null && owner != caller.Agency) CrossAgency.Refused(http, resource, owner);
    }
}

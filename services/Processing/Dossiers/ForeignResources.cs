using Dapper;
using Npgsql;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Processing.Dossiers;

/// <summary>
/// After an agency-scoped look-up missed (the answer stays the 404 of an unknown one): when the dossier or feedback
/// exists under another agency, the request is marked as a refused cross-agency attempt for the security-event recorder.
/// The look-up runs only on a miss, and never changes the answer.
/// </summary>
public static class ForeignResources
{
    private sealed record Owner(string ReceivingUnit, string? DecidingAgency);

    public static async Task MarkDossierAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, HttpContext http, Caller? caller, string code,
        CancellationToken ct)
    {
        if (caller is null || caller.SeesAllAgencies) return;
        var owner = await connection.QuerySingleOrDefaultAsync<Owner>(new CommandDefinition(
            "SELECT receiving_unit AS ReceivingUnit, deciding_agency AS DecidingAgency FROM dossiers WHERE code = @code", new { code }, tx,
            cancellationToken: ct));
        // A miss on the caller's own dossier (not returned yet, say) is not an attempt on another agency's.
        if (owner is { } o && o.ReceivingUnit != caller.Agency && o.DecidingAgency != caller.Agency)
            CrossAgency.Refused(http, code, o.ReceivingUnit);
    }

    public static async Task MarkFeedbackAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, HttpContext http, Caller caller, Guid id,
        CancellationToken ct)
    {
        if (caller.SeesAllAgencies) return;
        var owner = await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(
            "SELECT agency FROM feedback WHERE id = @id", new { id }, tx, cancellationToken: ct));
        if (owner is not null && owner != caller.Agency) CrossAgency.Refused(http, id.ToString(), owner);
    }
}

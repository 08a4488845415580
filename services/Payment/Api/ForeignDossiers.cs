using Dapper;
using Npgsql;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Payment.Api;

/// <summary>
/// After an agency-scoped look-up of a dossier missed (the answer stays the 404 of an unknown one): when Payment knows
/// the dossier under another agency, the request is marked as a refused cross-agency attempt for the security-event
/// recorder. Runs only on a miss, and never changes the answer.
/// </summary>
public static class ForeignDossiers
{
    private sealed record Owner(string? ReceivingUnit, string? DecidingAgency);

    public static async Task MarkAsync(NpgsqlTransaction tx, HttpContext http, Caller caller, string code, CancellationToken ct)
    {
        if (caller.SeesAllAgencies) return;
        var owner = await tx.Connection!.QuerySingleOrDefaultAsync<Owner>(new CommandDefinition(
            "SELECT receiving_unit AS ReceivingUnit, deciding_agency AS DecidingAgency FROM payment_dossiers WHERE code = @code", new { code }, tx,
            cancellationToken: ct));
        if (owner is not null && owner.ReceivingUnit != caller.Agency && owner.DecidingAgency != caller.Agency)
            CrossAgency.Refused(http, code, owner.ReceivingUnit);
    }
}

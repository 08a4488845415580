using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Payment.Api;

/// <summary>What a payment write needs of its dossier: the fee total and the last status Payment has seen.</summary>
public sealed record PayableDossier(long TotalVnd, short? LastStatus);

/// <summary>The dossier a payment write acts on, locked for the transaction and visible only to its agencies.</summary>
public static class PayableDossiers
{
    /// <summary>
    /// The dossier, locked (FOR UPDATE: one payment write per dossier at a time), if the caller's agency received or
    /// decides it (or sees all); otherwise null, like an unknown dossier, and a cross-agency attempt is marked.
    /// </summary>
    public static async Task<PayableDossier?> LockAsync(NpgsqlTransaction tx, HttpContext http, Caller caller, string code, CancellationToken ct)
    {
        var dossier = await tx.Connection!.QuerySingleOrDefaultAsync<PayableDossier>(new CommandDefinition("""
            SELECT total_vnd AS TotalVnd, last_status AS LastStatus FROM payment_dossiers
            WHERE code = @code AND (receiving_unit = @agency OR deciding_agency = @agency OR @all)
            FOR UPDATE
            """, new { code, agency = caller.Agency, all = caller.SeesAllAgencies }, tx, cancellationToken: ct));
        if (dossier is null) await ForeignDossiers.MarkAsync(tx, http, caller, code, ct);
        return dossier;
    }

    public static ProblemHttpResult Conflict(string slug, string vi, string en) => Problems.Of(StatusCodes.Status409Conflict, slug, vi, en);
}

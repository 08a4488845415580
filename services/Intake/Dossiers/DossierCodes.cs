using Dapper;
using Npgsql;
using Procedures.Contracts;

namespace Procedures.Intake.Dossiers;

/// <summary>Issues dossier codes: receiving unit, Vietnam date, daily sequence (docs/domain.md#dossier-codes).</summary>
public static class DossierCodes
{
    private const string Next = """
        INSERT INTO dossier_code_counters (receiving_unit, vietnam_date, last_sequence) VALUES (@unit, @day, 1)
        ON CONFLICT (receiving_unit, vietnam_date) DO UPDATE SET last_sequence = dossier_code_counters.last_sequence + 1
        RETURNING last_sequence
        """;

    /// <summary>Takes the next number inside <paramref name="tx"/>; it is kept only if the submission commits.</summary>
    public static async Task<DossierCode> NextAsync(NpgsqlTransaction tx, string receivingUnit, DateTimeOffset now, CancellationToken ct)
    {
        var day = now.VietnamDate();
        var sequence = await tx.Connection!.ExecuteScalarAsync<long>(new CommandDefinition(
            Next, new { unit = receivingUnit, day }, tx, cancellationToken: ct));
        return DossierCode.Create(receivingUnit, day, sequence);
    }
}

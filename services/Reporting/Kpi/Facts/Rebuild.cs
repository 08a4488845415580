using System.Text.Json;
using Dapper;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging;

namespace Procedures.Reporting.Kpi.Facts;

/// <summary>
/// Throws away every derived table and recomputes it from the event log with the same fold the consumers use, so the
/// numbers afterwards are the same (or, after a fix to the fold, corrected). One transaction holding the derived tables
/// exclusively: consumers wait and then apply on top of the rebuilt state.
/// </summary>
public static class Rebuild
{
    public sealed record Outcome(long Dossiers, long ProcedureVersions);

    public static async Task<Outcome> RunAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        FactStore.RegisterTypes();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("""
            LOCK TABLE dossier_facts, daily_facts, procedure_versions IN ACCESS EXCLUSIVE MODE;
            TRUNCATE dossier_facts, daily_facts, procedure_versions;
            """, transaction: tx, cancellationToken: ct));

        var codes = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT DISTINCT subject FROM event_log WHERE kind <> 'procedure'", transaction: tx, cancellationToken: ct))).ToList();
        foreach (var code in codes) await FactStore.RefreshDossierAsync(tx, code, ct);

        var procedures = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT payload::text FROM event_log WHERE kind = 'procedure' ORDER BY id", transaction: tx, cancellationToken: ct))).ToList();
        foreach (var payload in procedures)
        {
            // Both event types carry the same fields; ProcedurePublished reads either.
            var e = JsonSerializer.Deserialize<ProcedurePublished>(payload, MessageJson.Options)!;
            await FactStore.UpsertProcedureAsync(tx, ProcedureVersionFact.From(e), ct);
        }
        await tx.CommitAsync(ct);
        return new Outcome(codes.Count, procedures.Count);
    }
}

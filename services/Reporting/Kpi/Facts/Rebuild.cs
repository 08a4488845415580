using System.Text.Json;
using Dapper;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging;

namespace Procedures.Reporting.Kpi.Facts;

/// <summary>
/// Throws away every derived table and recomputes it from the event log with the same fold the consumers use, so the
/// numbers afterwards are the same (or, after a fix to the fold, corrected). One transaction holding the derived tables
/// against writers (EXCLUSIVE mode): consumers wait and then apply on top of the rebuilt state, while readers go on
/// answering from the facts as they were until it commits. (ACCESS EXCLUSIVE, for TRUNCATE, also queued the readers,
/// and a reader holding one of the tables while waiting for another deadlocked with it.)
/// </summary>
public static class Rebuild
{
    public sealed record Outcome(long Dossiers, long ProcedureVersions);

    private const int BatchSize = 1_000;

    public static async Task<Outcome> RunAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        FactStore.RegisterTypes();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("""
            LOCK TABLE dossier_facts, open_facts, daily_facts, monthly_facts, procedure_versions IN EXCLUSIVE MODE;
            DELETE FROM dossier_facts; DELETE FROM open_facts; DELETE FROM daily_facts; DELETE FROM monthly_facts;
            DELETE FROM procedure_versions;
            """, transaction: tx, cancellationToken: ct));

        var codes = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT DISTINCT subject FROM event_log WHERE kind <> 'procedure'", transaction: tx, cancellationToken: ct))).ToList();
        // The tables start empty, so the daily aggregate (and its monthly roll-up, written with it) is simply the sum of
        // every fact's contribution, written once; UpsertAsync writes open_facts with each fact.
        var daily = new Dictionary<(DateOnly, string, string, string), Indicators.Tally>();
        foreach (var batch in codes.Chunk(BatchSize))
            foreach (var fact in (await FactStore.LoadEventsAsync(tx, batch, ct)).Select(DossierFold.Fold))
            {
                await FactStore.UpsertAsync(tx, fact, ct);
                if (fact.ReceivedDay is null) continue;
                var key = FactStore.Key(fact);
                daily[key] = daily.GetValueOrDefault(key, Indicators.Tally.Empty) + Indicators.Tally.Of(fact);
            }
        foreach (var chunk in daily.OrderBy(kv => kv.Key).Select(kv => (kv.Key, kv.Value)).Chunk(100))
            await FactStore.AddToAggregatesAsync(tx, chunk, ct);

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

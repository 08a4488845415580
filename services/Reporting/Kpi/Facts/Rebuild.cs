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
    /// <param name="SideEvents">Logged rating, feedback, certified-copy and agency events applied again.</param>
    public sealed record Outcome(long Dossiers, long ProcedureVersions, long SideEvents);

    /// <summary>Every table derived from the event log; a test checks that no other table of Reporting's is left out.</summary>
    public static readonly string[] Derived =
        ["dossier_facts", "open_facts", "daily_facts", "monthly_facts", "procedure_versions", .. SideFacts.Tables];

    private const int BatchSize = 1_000;

    public static async Task<Outcome> RunAsync(NpgsqlDataSource db, CancellationToken ct)
    {
        FactStore.RegisterTypes();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // Every derived table (the dossier fold's, the procedures', and the side facts'): emptied, then recomputed below.
        var tables = string.Join(", ", Derived);
        await connection.ExecuteAsync(new CommandDefinition(
            $"LOCK TABLE {tables} IN EXCLUSIVE MODE; " + string.Concat(Derived.Select(t => $"DELETE FROM {t}; ")),
            transaction: tx, cancellationToken: ct));

        var codes = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT DISTINCT subject FROM event_log WHERE kind = ANY(@kinds)", new { kinds = FactStore.Kinds.Dossier }, tx,
            cancellationToken: ct))).ToList();
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

        // Ratings, feedback, certified copies, agencies: applied again in the order they were logged, by their own projections.
        var side = await connection.QueryAsync<(string Kind, string Payload)>(new CommandDefinition(
            "SELECT kind, payload::text FROM event_log WHERE kind = ANY(@kinds) ORDER BY id", new { kinds = SideFacts.Replays.Keys.ToArray() }, tx,
            cancellationToken: ct));
        long sideFacts = 0;
        foreach (var (kind, payload) in side)
        {
            await SideFacts.Replays[kind](tx, payload, ct);
            sideFacts++;
        }
        await tx.CommitAsync(ct);
        return new Outcome(codes.Count, procedures.Count, sideFacts);
    }
}

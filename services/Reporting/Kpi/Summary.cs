using Dapper;
using Npgsql;

namespace Procedures.Reporting.Kpi;

/// <summary>GET /api/v1/kpi/summary: public aggregate counts only (no dossier-level data).</summary>
public static class Summary
{
    public sealed record Response(long Submitted, long Synced, decimal SyncRate);

    public static IEndpointRouteBuilder MapSummary(this IEndpointRouteBuilder app)
    {
        app.MapGet("/summary", async (NpgsqlDataSource db, CancellationToken ct) =>
            {
                await using var connection = await db.OpenConnectionAsync(ct);
                var (submitted, synced) = await connection.QuerySingleAsync<(long, long)>(new CommandDefinition("""
                    SELECT count(*) FILTER (WHERE submitted_at IS NOT NULL),
                           count(*) FILTER (WHERE submitted_at IS NOT NULL AND synced_seq > 0)
                    FROM dossier_facts
                    """, cancellationToken: ct));
                return TypedResults.Ok(new Response(submitted, synced, Rate(synced, submitted)));
            })
            .WithName("KpiSummary")
            .WithSummary("Submitted and synced dossier counts, and the sync rate (aggregates only)")
            .AllowAnonymous();
        return app;
    }

    /// <summary>Share as a fraction rounded half away from zero to 4 places (as published figures are); an empty denominator counts as fully synced (nothing owed).</summary>
    public static decimal Rate(long numerator, long denominator)
        => denominator == 0 ? 1m : Math.Round((decimal)numerator / denominator, 4, MidpointRounding.AwayFromZero);
}

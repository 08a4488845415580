using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using Procedures.Reporting.Kpi.Indicators;
using Procedures.Reporting.Kpi.Rules;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.OpenApi;

namespace Procedures.Reporting.Kpi.Api;

/// <summary>
/// GET /api/v1/kpi/scoreboard: what the public /scoreboard page shows besides the index — the on-time trend by day and,
/// per agency, how many open dossiers are at risk (due within the configured window) or already overdue, in the local
/// view or the portal's (<see cref="IndexView"/>). Counts only.
/// </summary>
public static class ScoreboardData
{
    public sealed record TrendPoint(DateOnly Day, long OnTime, long Judged, decimal? Ratio);

    public sealed record AgencyRisk(string Agency, long AtRisk, long Overdue);

    public sealed record Response(Period Period, DateTimeOffset AsOf, IndexView View, double AtRiskWindowHours, IReadOnlyList<TrendPoint> Trend,
        IReadOnlyList<AgencyRisk> Agencies);

    public static IEndpointRouteBuilder MapScoreboardData(this IEndpointRouteBuilder app)
    {
        app.MapGet("/scoreboard", HandleAsync).AllowAnonymous().WithName("KpiScoreboard")
            .WithSummary("On-time trend by day and at-risk/overdue counts per agency (aggregates only; for the /scoreboard page)")
            .WithExamples(response: new Response(new Period(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30)),
                DateTimeOffset.Parse("2026-11-30T09:00:00+07:00"), IndexView.Local, 48,
                [new TrendPoint(new DateOnly(2026, 11, 2), 398, 400, 0.995m)], [new AgencyRisk("26740.H29", 3, 1)]))
            .DocumentsView()
            .ProducesProblems(StatusCodes.Status400BadRequest);
        return app;
    }

    private static async Task<Results<Ok<Response>, ProblemHttpResult>> HandleAsync(string? from, string? to, string? view, NpgsqlDataSource db,
        KpiRules rules, IOptionsMonitor<KpiOptions> options, TimeProvider time, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var now = time.GetUtcNow().ToUniversalTime();
        var counted = IndexViews.Read(view, errors);
        var filter = PeriodInput.Read(from, to, null, null, null, now, errors) is { } read ? read with { View = counted } : null;
        if (filter is null || errors.Count > 0) return Problems.Validation(errors);
        var trend = await IndexQuery.TrendAsync(db, filter, rules.For(filter.To), now, ct);
        var window = options.CurrentValue.AtRiskWindow;
        await using var connection = await db.OpenConnectionAsync(ct);
        var risks = await connection.QueryAsync<AgencyRisk>(new CommandDefinition("""
            SELECT agency, count(*) FILTER (WHERE legal_due_at >= @now AND legal_due_at < @horizon) AS AtRisk,
                   count(*) FILTER (WHERE legal_due_at < @now) AS Overdue
            FROM dossier_facts
            WHERE received_at IS NOT NULL AND ended_at IS NULL AND pending_supplement_since IS NULL AND legal_due_at < @horizon
              AND (NOT @portal OR synced_seq > 0) -- the portal's view: the dossiers it holds (IndexViews.HeldByPortal)
            GROUP BY agency ORDER BY 3 DESC, 2 DESC, 1
            """, new { now, horizon = now + window, portal = filter.View == IndexView.Portal }, cancellationToken: ct));
        return TypedResults.Ok(new Response(new Period(filter.From, filter.To), now, filter.View, window.TotalHours,
            trend.Select(t => new TrendPoint(t.Day, t.OnTime, t.Judged, t.Judged == 0 ? null : Scoring.Round((decimal)t.OnTime / t.Judged, 4))).ToList(),
            risks.ToList()));
    }
}

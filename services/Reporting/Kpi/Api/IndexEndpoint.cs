using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Procedures.Reporting.Kpi.Agencies;
using Procedures.Reporting.Kpi.Indicators;
using Procedures.Reporting.Kpi.Rules;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.OpenApi;

namespace Procedures.Reporting.Kpi.Api;

/// <summary>
/// GET /api/v1/kpi/index: the Decision 766 index of a period (per agency, commune or procedure if asked) with the city's
/// targets. Public: it is aggregated (counts and ratios only), as the national portal publishes it.
/// </summary>
public static class IndexEndpoint
{
    public static IEndpointRouteBuilder MapKpiIndex(this IEndpointRouteBuilder app)
    {
        app.MapGet("/index", HandleAsync).AllowAnonymous().WithName("KpiIndex")
            .WithSummary("Decision 766 index: every indicator (numerator, denominator, ratio, threshold, points, max), group scores, total, the city's eight targets")
            .WithExamples(response: KpiExamples.Index)
            .DocumentsView()
            .ProducesProblems(StatusCodes.Status400BadRequest, KnownAgencies.ProblemType)
            .ProducesProblems(StatusCodes.Status503ServiceUnavailable, KnownAgencies.NotLoaded);
        return app;
    }

    private static async Task<Results<Ok<IndexResult>, ProblemHttpResult>> HandleAsync(string? from, string? to, string? agency, string? commune,
        string? procedure, string? view, NpgsqlDataSource db, KpiRules rules, TimeProvider time, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var now = time.GetUtcNow();
        var counted = IndexViews.Read(view, errors);
        var filter = PeriodInput.Read(from, to, agency, commune, procedure, now, errors) is { } read ? read with { View = counted } : null;
        if (filter is null || errors.Count > 0) return Problems.Validation(errors);
        if (await KnownAgencies.CheckAsync(db, [("agency", filter.Agency), ("commune", filter.Commune)], ct) is { } unknown) return unknown;
        return TypedResults.Ok(await IndexQuery.ComputeAsync(db, filter, rules.For(filter.To), now, ct));
    }
}

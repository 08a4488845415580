namespace Procedures.Reporting.Kpi.Api;

/// <summary>The KPI feature's routes, relative to its one group.</summary>
public static class KpiRoutes
{
    public static IEndpointRouteBuilder MapKpi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/v1/kpi").WithTags("KPI")
            .MapSummary().MapKpiIndex().MapKpiEvaluate().MapAtRisk().MapScoreboardData().MapRebuild();
        return app;
    }
}

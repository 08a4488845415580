using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Procedures.Reporting.Kpi.Agencies;
using Procedures.Reporting.Kpi.Facts;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.OpenApi;
using Procedures.ServiceDefaults.Security;
using Procedures.Contracts;

namespace Procedures.Reporting.Kpi.Api;

/// <summary>
/// GET /api/v1/kpi/at-risk (scope reporting): open dossiers not yet overdue whose legal due moment (original appointment +
/// completed pauses) comes soonest. An agency sees the dossiers it decides or received; the city's office sees all.
/// </summary>
public static class AtRiskEndpoint
{
    public sealed record Item(string Code, DateTimeOffset DueAt, string Agency, string? ReceivingUnit, string? ProcedureCode, [property: CodeList(typeof(DossierStatus))] int Status,
        double HoursLeft);

    public sealed record Response(DateTimeOffset AsOf, IReadOnlyList<Item> Items);

    public static IEndpointRouteBuilder MapAtRisk(this IEndpointRouteBuilder app)
    {
        app.MapGet("/at-risk", HandleAsync).RequireScope(Scopes.Reporting).WithName("KpiAtRisk")
            .WithSummary("Open dossiers that will turn overdue soonest (due moment, agency); agency-scoped")
            .WithExamples(response: new Response(DateTimeOffset.Parse("2026-11-30T09:00:00+07:00"),
                [new Item("26740.H29-261127-0004", DateTimeOffset.Parse("2026-11-30T17:00:00+07:00"), "26740.H29", "26740.H29", "1.003677", 4, 8)]))
            .ProducesProblems(StatusCodes.Status400BadRequest, KnownAgencies.ProblemType)
            .ProducesProblems(StatusCodes.Status503ServiceUnavailable, KnownAgencies.NotLoaded);
        return app;
    }

    private static async Task<Results<Ok<Response>, ProblemHttpResult>> HandleAsync(string? agency, int? limit, NpgsqlDataSource db,
        Caller caller, TimeProvider time, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var wanted = PeriodInput.Code(agency, "agency", errors);
        if (limit is < 1 or > 500) errors.Add(new("limit", "range", "limit từ 1 đến 500", "limit from 1 to 500"));
        if (errors.Count > 0) return Problems.Validation(errors);
        if (await KnownAgencies.CheckAsync(db, [("agency", wanted)], ct) is { } unknown) return unknown;
        // Agency isolation: an agency's token only ever sees its own dossiers, whatever it asks for.
        var own = caller.SeesAllAgencies ? null : caller.Agency;
        var now = time.GetUtcNow().ToUniversalTime();
        FactStore.RegisterTypes();
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<(string Code, DateTimeOffset DueAt, string Agency, string? ReceivingUnit, string? ProcedureCode, short Status)>(
            new CommandDefinition("""
                SELECT code, legal_due_at, agency, receiving_unit, procedure_code, status FROM dossier_facts
                WHERE received_at IS NOT NULL AND ended_at IS NULL AND pending_supplement_since IS NULL AND legal_due_at >= @now
                  AND (@own::text IS NULL OR agency = @own OR receiving_unit = @own)
                  AND (@wanted::text IS NULL OR agency = @wanted OR receiving_unit = @wanted)
                ORDER BY legal_due_at, code LIMIT @limit
                """, new { now, own, wanted, limit = limit ?? 50 }, cancellationToken: ct));
        return TypedResults.Ok(new Response(now, rows.Select(r => new Item(r.Code, r.DueAt, r.Agency, r.ReceivingUnit, r.ProcedureCode, r.Status,
            Math.Round((r.DueAt - now).TotalHours, 1))).ToList()));
    }
}

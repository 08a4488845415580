using Npgsql;
using Procedures.Messaging.Audit;
using Procedures.Reporting.Kpi.Facts;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.OpenApi;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Reporting.Kpi.Api;

/// <summary>POST /api/v1/kpi/rebuild (scope procedures.admin): recompute every derived table from Reporting's event log; audited.</summary>
public static class RebuildEndpoint
{
    public static IEndpointRouteBuilder MapRebuild(this IEndpointRouteBuilder app)
    {
        app.MapPost("/rebuild", async (NpgsqlDataSource db, Caller caller, HttpContext http, TimeProvider time, CancellationToken ct) =>
            {
                var outcome = await Rebuild.RunAsync(db, ct);
                await using var connection = await db.OpenConnectionAsync(ct);
                await using var tx = await connection.BeginTransactionAsync(ct);
                await AuditLog.AppendAsync(tx, AuditActor.FromRequest(http, caller.ClientId, caller.Agency),
                    new AuditEntry("kpi.rebuild", "facts", PersonalData: false, Detail: outcome), time.GetUtcNow(), ct);
                await tx.CommitAsync(ct);
                return TypedResults.Ok(outcome);
            })
            .RequireScope(Scopes.ProceduresAdmin).WithName("KpiRebuild")
            .WithSummary("Rebuild every derived table (dossier and procedure facts, ratings, feedback, certified copies, agencies) from Reporting's event log")
            .WithExamples(response: new Rebuild.Outcome(2_510_000, 2_300, 41_000));
        return app;
    }
}

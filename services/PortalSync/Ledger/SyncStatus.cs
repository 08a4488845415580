using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Procedures.Messaging.Audit;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.OpenApi;
using Procedures.ServiceDefaults.Security;

namespace Procedures.PortalSync.Ledger;

/// <summary>
/// GET /api/v1/sync/status: the proof of the city's "100% synced" target — totals from the ledger, the sync rate and the
/// dossiers the portal rejected with its reason. POST …/dossiers/{code}/retry sends a rejected dossier again once a person
/// has fixed the cause. Both need <c>sync</c> (seeing and steering the mirror; <c>reporting</c> reads the KPIs, whose sync rate
/// Reporting serves) and show an agency only the dossiers it received or decides; the city's control office sees all.
/// </summary>
public static class SyncStatus
{
    public sealed record Totals(long Dossiers, long FullySynced, long Pending, long Failed, double? OldestPendingAgeSeconds, double SyncRate);

    public sealed record FailedDossier(string Code, string? LastError, DateTimeOffset? FailedAt, long LastSequenceAcknowledged, long LastSequenceKnown);

    public sealed record Response(Totals Totals, IReadOnlyList<FailedDossier> Failures);

    public static IEndpointRouteBuilder MapSyncStatus(this IEndpointRouteBuilder app)
    {
        app.MapGet("/status", StatusAsync).WithName("SyncStatus")
            .WithSummary("Sync totals, rate and the dossiers the portal rejected")
            .RequireScope(Scopes.Sync)
            .WithExamples(null, new Response(new Totals(1200, 1195, 4, 1, 2.5, 0.9958),
                [new("26740.H29-261129-0001", "4: NgayHenTra must be yyyyMMddHHmmss", DateTimeOffset.Parse("2026-11-29T10:00:00+07:00"), 2, 3)]));
        app.MapPost("/dossiers/{code}/retry", RetryAsync).WithName("SyncRetry").ProducesProblems(409, "not-failed")
            .WithSummary("Send a rejected dossier again (after the cause was fixed)")
            .RequireScope(Scopes.Sync);
        return app;
    }

    /// <summary>City-wide totals (the dashboard's figures), or one agency's when <paramref name="agency"/> is set.</summary>
    public static async Task<Totals> TotalsAsync(NpgsqlConnection connection, DateTimeOffset now, CancellationToken ct,
        NpgsqlTransaction? tx = null, string? agency = null)
    {
        var t = await LedgerStore.CountAsync(connection, tx, agency, ct);
        var totals = new Totals(t.Dossiers, t.Synced, t.Pending, t.Failed,
            t.OldestPending is { } p ? Math.Max(0, (now - p).TotalSeconds) : null, t.Dossiers == 0 ? 1 : (double)t.Synced / t.Dossiers);
        // The gauges are the city's figures: one agency's view must not overwrite them.
        if (agency is null) SyncMetrics.Observe(totals);
        return totals;
    }

    private static async Task<Ok<Response>> StatusAsync(Caller caller, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var agency = caller.SeesAllAgencies ? null : caller.Agency;
        await using var connection = await db.OpenConnectionAsync(ct);
        // One snapshot for the totals and the list, so they always agree.
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var totals = await TotalsAsync(connection, time.GetUtcNow(), ct, tx, agency);
        var failures = await LedgerStore.FailuresAsync(tx, agency, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(new Response(totals, failures));
    }

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> RetryAsync(string code, NpgsqlDataSource db, Caller caller,
        HttpContext http, TimeProvider time, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var row = await LedgerStore.LockForRetryAsync(tx, code, caller.SeesAllAgencies, caller.Agency, ct);
        if (row is null) return TypedResults.NotFound();
        if (!row.Visible)
        {
            // Another agency's dossier: the same 404 as an unknown code, marked for the security-event recorder.
            CrossAgency.Refused(http, code, row.Owner);
            return TypedResults.NotFound();
        }
        if (!row.Failed)
            return Problems.Of(StatusCodes.Status409Conflict, "not-failed", "Hồ sơ không ở trạng thái bị từ chối",
                "Only a dossier the portal rejected can be retried");
        await LedgerStore.RetryAsync(tx, code, ct);
        await AuditLog.AppendAsync(tx, AuditActor.FromRequest(http, caller.ClientId, caller.Agency),
            new AuditEntry("sync.retry", code, PersonalData: false), time.GetUtcNow(), ct);
        await tx.CommitAsync(ct);
        return TypedResults.NoContent();
    }
}

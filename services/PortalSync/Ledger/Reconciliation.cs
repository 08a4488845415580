using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using Procedures.Contracts;
using Procedures.PortalSync.Portal;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.Security;
using Procedures.ServiceDefaults.OpenApi;

namespace Procedures.PortalSync.Ledger;

public sealed class ReconciliationOptions
{
    /// <summary>How often the background job compares the last <see cref="Days"/> days with the portal.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(10);
    public int Days { get; set; } = 2;
    /// <summary>How often the backlog figures on the dashboard are refreshed.</summary>
    public TimeSpan MetricsInterval { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Compares, for one day, the dossiers we believe the portal holds with what the portal reports, and sends again
/// whatever is missing or stale there, under a new generation of idempotency keys: all of it when the portal lost the
/// dossier, the steps after the ones it holds when it is behind.
/// </summary>
public sealed class Reconciliation(NpgsqlDataSource db, PortalClient portal, TimeProvider time, IOptions<ReconciliationOptions> options,
    ILogger<Reconciliation> logger) : BackgroundService
{
    public sealed record Difference(string Code, string Kind, [property: CodeList(typeof(DossierStatus))] int? OurStatus, [property: CodeList(typeof(DossierStatus))] int? PortalStatus, long? OurSteps, int? PortalSteps);

    /// <summary>
    /// Kinds: missing (the portal does not hold it), stale (it holds fewer steps than it acknowledged, or an older status
    /// at the same step), ahead (it holds more steps than acknowledged here: acknowledgements lost, the worker completes
    /// them), unknown-here. Only missing and stale are sent again.
    /// </summary>
    public sealed record Report(DateOnly Date, int Checked, int Missing, int Stale, int UnknownHere, IReadOnlyList<Difference> Differences);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastReconciled = DateTimeOffset.MinValue;
        using var timer = new PeriodicTimer(options.Value.MetricsInterval, time);
        do
        {
            try
            {
                await using (var connection = await db.OpenConnectionAsync(stoppingToken))
                    await SyncStatus.TotalsAsync(connection, time.GetUtcNow(), stoppingToken);
                if (time.GetUtcNow() - lastReconciled >= options.Value.Interval)
                {
                    var today = time.GetUtcNow().VietnamDate();
                    for (var d = 0; d < options.Value.Days; d++)
                        await ReconcileAsync(today.AddDays(-d), stoppingToken);
                    lastReconciled = time.GetUtcNow();
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(e, "Portal reconciliation pass failed; the next pass retries");
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<Report> ReconcileAsync(DateOnly day, CancellationToken ct)
    {
        var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), VietnamTime.Offset).ToUniversalTime();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // Ours first, locked, then the portal's list: a dossier a worker is sending is skipped, and one we compare cannot be
        // acknowledged meanwhile. Listing first let a worker acknowledge steps after the portal's answer, which then looked
        // stale and was sent again under a new generation: the portal applied those steps twice.
        var (ours, known) = await LedgerStore.LockDayAsync(tx, start, start.AddDays(1), ct);
        var listed = (await portal.ListAsync(day, ct)).ToDictionary(l => l.MaHoSo, StringComparer.Ordinal);

        var differences = new List<Difference>();
        foreach (var (code, acked, status) in ours.Where(o => o.Acked > 0))
        {
            var there = listed.GetValueOrDefault(code);
            if (SyncPlanner.Compare(acked, status, there) is { } kind)
                differences.Add(new(code, kind, status, there?.TrangThaiHoSo, acked, there?.SoBuocXuLy));
        }
        differences.AddRange(listed.Values.Where(l => !known.Contains(l.MaHoSo))
            .Select(l => new Difference(l.MaHoSo, "unknown-here", null, l.TrangThaiHoSo, null, l.SoBuocXuLy)));

        // Missing and stale are sent again; ahead is left to the worker (see SyncPlanner.Compare).
        foreach (var d in differences.Where(d => d.Kind is "missing" or "stale"))
            await LedgerStore.ResendAsync(tx, d.Code, SyncPlanner.ResendFrom(d.Kind == "missing", d.OurSteps ?? 0, d.PortalSteps ?? 0),
                portalLost: d.Kind == "missing", time.GetUtcNow(), ct);
        await tx.CommitAsync(ct);
        if (differences.Count > 0)
            logger.LogWarning("Reconciliation of {Day}: {Count} difference(s) with the portal; missing and stale dossiers are sent again",
                day, differences.Count);
        return new Report(day, ours.Count, differences.Count(d => d.Kind == "missing"), differences.Count(d => d.Kind == "stale"),
            differences.Count(d => d.Kind == "unknown-here"), differences);
    }
}

/// <summary>POST /api/v1/sync/reconciliation?date=: run the day's comparison now and see every difference.</summary>
public static class ReconciliationApi
{
    public static IEndpointRouteBuilder MapReconciliation(this IEndpointRouteBuilder app)
    {
        app.MapPost("/reconciliation", RunAsync).WithName("SyncReconciliation")
            .WithSummary("Compare a day's dossiers with the portal and send again what is missing or stale there")
            .RequireScope(Scopes.Sync);
        return app;
    }

    private static async Task<Results<Ok<Reconciliation.Report>, ProblemHttpResult>> RunAsync(string? date, Caller caller,
        Reconciliation reconciliation, CancellationToken ct)
    {
        // The comparison covers the whole city's day (every agency's codes and counts), like Payment's reconciliation.
        if (!caller.SeesAllAgencies)
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "Chỉ cơ quan kiểm soát của thành phố được đối soát với cổng",
                "Only the city's control office reconciles with the portal");
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.None, out var day))
            return Problems.Validation([new("date", "format", "Ngày phải có dạng yyyy-MM-dd", "date must be yyyy-MM-dd")]);
        return TypedResults.Ok(await reconciliation.ReconcileAsync(day, ct));
    }
}

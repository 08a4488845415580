using Microsoft.Extensions.Options;
using Npgsql;
using Procedures.Contracts;

namespace Procedures.PortalSync.Ledger;

/// <summary>What one day's citizen-store reconciliation found, over the electronic results of the dossiers returned that day.</summary>
public sealed record CitizenStoreCounts(long Expected, long Stored, long Waiting, long Rejected, long Requeued);

public sealed record CitizenStoreReport(DateOnly Date, long Expected, long Stored, long Waiting, long Rejected, long Requeued);

public sealed class CitizenStoreReconciliationOptions
{
    /// <summary>How often the last <see cref="Days"/> days are compared (daily by default).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromDays(1);
    public int Days { get; set; } = 2;
    /// <summary>How often the backlog gauge is refreshed.</summary>
    public TimeSpan MetricsInterval { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// The daily citizen-store reconciliation: for each of the last days (Vietnam dates of the returns), compares the
/// electronic results that should have been pushed (every one a kept status-10 event carries) with the pushes queued,
/// queues the missing ones (a QueueCitizenStore delivery that never arrived) and logs the counts; the worker pushes them
/// as any other. A result the portal rejected stays rejected: it needs a person, not another try. Also keeps the backlog gauge.
/// </summary>
public sealed partial class CitizenStoreReconciliation(NpgsqlDataSource db, TimeProvider time,
    IOptions<CitizenStoreReconciliationOptions> options, ILogger<CitizenStoreReconciliation> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastReconciled = DateTimeOffset.MinValue;
        using var timer = new PeriodicTimer(options.Value.MetricsInterval, time);
        do
        {
            try
            {
                if (time.GetUtcNow() - lastReconciled >= options.Value.Interval)
                {
                    var today = time.GetUtcNow().VietnamDate();
                    for (var d = 0; d < options.Value.Days; d++)
                        await ReconcileAsync(today.AddDays(-d), stoppingToken);
                    lastReconciled = time.GetUtcNow();
                }
                await ObserveBacklogAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogPassFailed(e);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<CitizenStoreReport> ReconcileAsync(DateOnly day, CancellationToken ct)
    {
        var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), VietnamTime.Offset).ToUniversalTime();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var counts = await LedgerStore.ReconcileCitizenStoreAsync(tx, start, start.AddDays(1), ct);
        await tx.CommitAsync(ct);
        CitizenStoreMetrics.Requeued((int)counts.Requeued);
        var report = new CitizenStoreReport(day, counts.Expected, counts.Stored, counts.Waiting, counts.Rejected, counts.Requeued);
        if (report.Requeued > 0 || report.Rejected > 0) LogDifferences(day, report.Expected, report.Stored, report.Waiting, report.Rejected, report.Requeued);
        else LogReconciled(day, report.Expected, report.Stored, report.Waiting);
        return report;
    }

    public async Task<long> ObserveBacklogAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var backlog = await LedgerStore.CitizenStoreBacklogAsync(connection, ct);
        CitizenStoreMetrics.Observe(backlog);
        return backlog;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Citizen-store reconciliation pass failed; the next pass retries")]
    private partial void LogPassFailed(Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Citizen-store reconciliation of {Day}: {Expected} result(s) expected, {Stored} stored, {Waiting} waiting, {Rejected} rejected (need a person), {Requeued} queued again")]
    private partial void LogDifferences(DateOnly day, long expected, long stored, long waiting, long rejected, long requeued);

    [LoggerMessage(Level = LogLevel.Information, Message = "Citizen-store reconciliation of {Day}: {Expected} result(s) expected, {Stored} stored, {Waiting} waiting")]
    private partial void LogReconciled(DateOnly day, long expected, long stored, long waiting);
}

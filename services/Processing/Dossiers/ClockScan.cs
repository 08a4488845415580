using System.Diagnostics.Metrics;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Procedures.Messaging;
using Procedures.Processing.Calendar;

namespace Procedures.Processing.Dossiers;

/// <summary>
/// The legal clock's background scan. One pass asks four partial indexes for what has come due since the last pass —
/// warnings (DossierAtRisk), deadlines (DossierOverdue), completions not delivered in time (refused, form 02), online
/// dossiers not received within a working day (late reception) — so its cost follows what it finds, not the number of
/// open dossiers. Rows are claimed with SKIP LOCKED: several instances can scan at once without raising anything twice.
/// What a claimed dossier raises is decided by <see cref="DossierDecisions"/> (Warn, RefuseUncompleted); <see cref="DossierRecords"/> stores it.
/// </summary>
public sealed class ClockScan(NpgsqlDataSource db, CalendarProvider calendars, IOptions<ClockSettings> settings, TimeProvider time,
    ILogger<ClockScan> logger) : PeriodicScan(logger)
{
    public static readonly Meter Meter = new("Procedures.Processing");
    private static readonly Counter<long> AtRisk = Meter.CreateCounter<long>("procedures.dossiers.at_risk", description: "Dossiers that reached their at-risk moment");
    private static readonly Counter<long> Overdue = Meter.CreateCounter<long>("procedures.dossiers.overdue", description: "Dossiers that passed their legal due moment");
    private static readonly Counter<long> LateReception = Meter.CreateCounter<long>("procedures.dossiers.late_reception", description: "Online dossiers not received within 1 working day");
    private static readonly Counter<long> CompletionExpired = Meter.CreateCounter<long>("procedures.dossiers.completion_expired", description: "Dossiers refused because completion was not delivered in time");

    public sealed record Pass(int AtRisk, int Overdue, int LateReception, int CompletionExpired)
    {
        public int Total => AtRisk + Overdue + LateReception + CompletionExpired;
    }

    protected override TimeProvider Time => time;
    protected override TimeSpan Interval => settings.Value.ScanInterval;
    protected override string Name => "Clock scan";
    protected override Task PassAsync(CancellationToken ct) => RunOnceAsync(ct);

    /// <summary>Scans until nothing due is left (batch by batch, each its own transaction) and says what it raised.</summary>
    public async Task<Pass> RunOnceAsync(CancellationToken ct)
    {
        var total = new Pass(0, 0, 0, 0);
        while (true)
        {
            var pass = await BatchAsync(ct);
            total = new Pass(total.AtRisk + pass.AtRisk, total.Overdue + pass.Overdue, total.LateReception + pass.LateReception,
                total.CompletionExpired + pass.CompletionExpired);
            if (pass.Total == 0) return total;
        }
    }

    private async Task<Pass> BatchAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var batch = settings.Value.ScanBatch;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);

        var atRisk = await WarnAsync(tx, ClockWarning.AtRisk, now, batch, ct);
        var overdue = await WarnAsync(tx, ClockWarning.Overdue, now, batch, ct);

        var late = await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE dossiers SET late_reception = true WHERE code IN (
                SELECT code FROM dossiers WHERE status = 1 AND NOT late_reception AND reception_due_at <= @now
                ORDER BY reception_due_at LIMIT @batch FOR UPDATE SKIP LOCKED)
            """, new { now, batch }, tx, cancellationToken: ct));

        var expired = await RefuseUncompletedAsync(tx, now, batch, ct);
        await tx.CommitAsync(ct);

        AtRisk.Add(atRisk);
        Overdue.Add(overdue);
        LateReception.Add(late);
        CompletionExpired.Add(expired);
        return new Pass(atRisk, overdue, late, expired);
    }

    /// <summary>Claims the dossiers whose <paramref name="warning"/> came, raises it for each, and says how many.</summary>
    private static async Task<int> WarnAsync(NpgsqlTransaction tx, ClockWarning warning, DateTimeOffset now, int batch, CancellationToken ct)
    {
        var due = await DossierRecords.ClaimDueAsync(tx, warning, now, batch, ct);
        await DossierRecords.RaiseAsync(tx, warning, [.. due.Select(d => DossierDecisions.Warn(d, warning, now))], ct);
        return due.Count;
    }

    /// <summary>Form 02's consequence: a dossier whose applicant did not complete it by the date given is refused (→3).</summary>
    private async Task<int> RefuseUncompletedAsync(NpgsqlTransaction tx, DateTimeOffset now, int batch, CancellationToken ct)
    {
        var codes = (await tx.Connection!.QueryAsync<string>(new CommandDefinition("""
            SELECT code FROM dossiers WHERE status = 1 AND completed_at IS NULL AND completion_due_at < @now
            ORDER BY completion_due_at LIMIT @batch FOR UPDATE SKIP LOCKED
            """, new { now, batch }, tx, cancellationToken: ct))).ToList();
        if (codes.Count == 0) return 0;
        var calendar = await calendars.GetAsync(ct);
        var refused = 0;
        foreach (var code in codes)
        {
            var record = (await DossierRecords.LoadAsync(tx, code, null, all: true, ct))!;
            if (DossierDecisions.RefuseUncompleted(record, now, calendar, settings.Value) is { } change
                && await DossierRecords.SaveAsync(tx, change, now, ct)) refused++;
        }
        return refused;
    }
}

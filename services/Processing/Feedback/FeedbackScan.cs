using System.Diagnostics.Metrics;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging;
using Procedures.Messaging.Outbox;
using Procedures.Processing.Dossiers;

namespace Procedures.Processing.Feedback;

/// <summary>
/// The clock scan's sibling for feedback: flags unanswered feedback past its deadline and publishes FeedbackOverdue,
/// once. It reads a partial index of what is still waiting, and claims rows with SKIP LOCKED, so several instances
/// can scan at once without raising anything twice.
/// </summary>
public sealed class FeedbackScan(NpgsqlDataSource db, IOptions<ClockSettings> settings, TimeProvider time, ILogger<FeedbackScan> logger)
    : PeriodicScan(logger)
{
    private static readonly Counter<long> Overdue = ClockScan.Meter.CreateCounter<long>("procedures.feedback.overdue",
        description: "Feedback unanswered at its deadline");

    protected override TimeProvider Time => time;
    protected override TimeSpan Interval => settings.Value.ScanInterval;
    protected override string Name => "Feedback scan";
    protected override Task PassAsync(CancellationToken ct) => RunOnceAsync(ct);

    /// <summary>Flags batch by batch until nothing due is left; says how many it flagged.</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            var now = time.GetUtcNow();
            await using var connection = await db.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            var due = (await connection.QueryAsync<Due>(new CommandDefinition("""
                WITH due AS (
                    SELECT id FROM feedback WHERE answered_at IS NULL AND overdue_raised_at IS NULL AND due_at < @now
                    ORDER BY due_at LIMIT @batch FOR UPDATE SKIP LOCKED)
                UPDATE feedback f SET overdue_raised_at = @now FROM due WHERE f.id = due.id
                RETURNING f.id, f.agency, f.dossier_code AS DossierCode, f.procedure_code AS ProcedureCode, f.due_at AS DueAt
                """, new { now, batch = settings.Value.ScanBatch }, tx, cancellationToken: ct))).ToList();
            await Outbox.PublishManyAsync(tx, [.. due.Select(d => new FeedbackOverdue(d.Id, d.Agency, d.DossierCode, d.ProcedureCode, d.DueAt, now))], ct);
            await tx.CommitAsync(ct);
            Overdue.Add(due.Count);
            total += due.Count;
            if (due.Count == 0) return total;
        }
    }

    private sealed record Due(Guid Id, string Agency, string? DossierCode, string? ProcedureCode, DateTimeOffset DueAt);
}

using Microsoft.Extensions.Options;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging;
using Procedures.Messaging.Inbox;
using Procedures.Messaging.Outbox;
using Procedures.PortalSync.Ledger;

namespace Procedures.PortalSync.CatchUp;

/// <summary>
/// Compares Intake's digest of submitted codes (DossiersSubmittedDigest) with the ledger: a code unknown here lost its
/// DossierSubmitted on the way and gets a row without data, which counts as not synced (the sync ratio and the backlog
/// show it) until <see cref="SubmissionCatchUp"/> has it again. Comparing is idempotent.
/// </summary>
public sealed partial class CompareSubmissions(ConsumerServices services, TimeProvider time, ILogger<CompareSubmissions> logger)
    : IdempotentConsumer<DossiersSubmittedDigest>(services)
{
    protected override async Task HandleAsync(DossiersSubmittedDigest m, ConsumeScope<DossiersSubmittedDigest> scope, CancellationToken ct)
    {
        var lost = await LedgerStore.AddUnknownAsync(scope.Transaction, m.Codes, time.GetUtcNow(), ct);
        if (lost.Count == 0) return;
        SyncMetrics.SubmissionsLost(lost.Count);
        LogLost(lost.Count, string.Join(", ", lost.Take(20)));
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Intake's digest shows {Count} dossier(s) whose submission never arrived here (first: {Codes}); Intake is asked for them")]
    private partial void LogLost(int count, string codes);
}

/// <summary>
/// Asks Intake (DossierSubmissionRequested) for the submission of every dossier known here without it, once it has waited
/// past <see cref="SyncOptions.GapGrace"/> (longer than a DossierSubmitted in flight or in redelivery takes) and again every
/// <see cref="SyncOptions.GapRetry"/> while it stays missing: the same rule as a gap's (<see cref="GapCatchUp.IsDue"/>).
/// </summary>
public sealed class SubmissionCatchUp(NpgsqlDataSource db, TimeProvider time, IOptions<SyncOptions> options, ILogger<SubmissionCatchUp> logger)
    : PeriodicScan(logger)
{
    public const int Batch = 500;

    protected override TimeSpan Interval => TimeSpan.FromSeconds(30);
    protected override TimeProvider Time => time;
    protected override string Name => "Submission catch-up";
    protected override Task PassAsync(CancellationToken ct) => RequestDueAsync(ct);

    /// <summary>Asks for every due submission, a batch per transaction; returns how many were asked for.</summary>
    public async Task<int> RequestDueAsync(CancellationToken ct)
    {
        var total = 0;
        int count;
        do
        {
            await using var connection = await db.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            var now = time.GetUtcNow();
            var codes = await LedgerStore.MarkSubmissionsAskedAsync(tx, now, options.Value.GapGrace, options.Value.GapRetry, Batch, ct);
            await Outbox.PublishManyAsync(tx, [.. codes.Select(code => new DossierSubmissionRequested(code, ResourceNames.PortalSync, now))], ct);
            await tx.CommitAsync(ct);
            count = codes.Count;
            total += count;
            if (count > 0) SyncMetrics.SubmissionsRequested(count);
        } while (count == Batch && !ct.IsCancellationRequested);
        return total;
    }
}

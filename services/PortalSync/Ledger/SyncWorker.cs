using Microsoft.Extensions.Options;
using Npgsql;
using Procedures.PortalSync.Portal;

namespace Procedures.PortalSync.Ledger;

/// <summary>
/// Sends each dossier's unsynced sequences to the portal, one pass per dossier: claim (<see cref="LedgerStore.ClaimDueAsync"/>,
/// FOR UPDATE SKIP LOCKED, so two workers or instances never send one dossier at once) → plan (<see cref="SyncPlanner.Plan"/>)
/// → call the portal → store (<see cref="SyncPlanner.Read"/> decides, <see cref="LedgerStore.ApplyAsync"/> writes it with
/// DossierSynced or the gap request, in the claim's transaction).
/// </summary>
public sealed partial class SyncWorker(
    NpgsqlDataSource db, PortalClient portal, TimeProvider time, IOptions<SyncOptions> options, ILogger<SyncWorker> logger)
    : BackgroundService
{
    public static readonly System.Diagnostics.ActivitySource Source = new("Procedures.PortalSync");

    /// <summary>The channel the ledger's trigger <c>sync_dossiers_due</c> (Sql/0006_sync_due_notify.sql) notifies when a dossier is due now.</summary>
    public const string DueChannel = "portal_sync_due";

    private readonly SyncOptions _options = options.Value;

    // Woken when work commits, one worker per notification; the poll finds work that comes due by time.
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
        => Procedures.Messaging.ChannelListener.RunWorkersAsync(db, DueChannel, _options.Workers, _options.PollInterval, SyncNextAsync,
            LogPassFailed, stoppingToken);

    /// <summary>Syncs one due dossier; false when none is due.</summary>
    public async Task<bool> SyncNextAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (await LedgerStore.ClaimDueAsync(tx, ct) is not { } claim) return false;

        SyncChange change;
        switch (SyncPlanner.Plan(claim, time.GetUtcNow(), _options))
        {
            case AwaitGap wait:
                if (wait.Change.AskForGap is { } ask)
                {
                    LogGap(ask.DossierCode, ask.FromSequence, ask.ToSequence);
                    SyncMetrics.GapRequested();
                }
                change = wait.Change;
                break;
            case SendRun send:
                var answers = await CallAsync(claim.State.Code, send, ct);
                change = SyncPlanner.Read(claim, send, answers, time.GetUtcNow(), _options.MaxBackoff, Random.Shared.NextDouble());
                Observe(change, send);
                break;
            default:
                throw new InvalidOperationException("Unknown sync plan");
        }
        await LedgerStore.ApplyAsync(tx, change, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>Makes the plan's calls in order, until one is not accepted (taking the planner's alternative once).</summary>
    private async Task<IReadOnlyList<PortalAnswer>> CallAsync(string code, SendRun send, CancellationToken ct)
    {
        // The worker runs outside any request: continue the trace of the newest change being sent.
        System.Diagnostics.ActivityContext.TryParse(send.Latest.TraceParent, null, out var parent);
        using var activity = Source.StartActivity("portal sync", System.Diagnostics.ActivityKind.Internal, parent);
        activity?.SetTag("dossier.code", code);
        activity?.SetTag("dossier.sequence", send.Latest.Sequence);
        var answers = new List<PortalAnswer>();
        foreach (var request in send.Requests)
        {
            var answer = await portal.SendAsync(request.Operation, request.Payload, request.Key, ct);
            if (SyncPlanner.Instead(request, answer) is { } instead)
                answer = await portal.SendAsync(instead.Operation, instead.Payload, instead.Key, ct);
            answers.Add(answer);
            if (!answer.Accepted) break;
        }
        return answers;
    }

    private void Observe(SyncChange change, SendRun send)
    {
        switch (change)
        {
            case Acknowledge a:
                SyncMetrics.Acknowledged(send.Run, a.At);
                break;
            case Reject r:
                LogRejected(r.Code, send.Latest.Sequence, r.Error);
                SyncMetrics.Failed("rejected");
                break;
            default:
                SyncMetrics.Failed("transient");
                break;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Portal sync pass failed")]
    private partial void LogPassFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{DossierCode} is held back by missing status event(s) from {From} (known up to {To}); Processing is asked to send them again")]
    private partial void LogGap(string dossierCode, long from, long to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Portal rejected {DossierCode} at sequence {Sequence}: {Error}")]
    private partial void LogRejected(string dossierCode, long sequence, string error);
}

using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging.Inbox;
using Procedures.PortalSync.Portal;

namespace Procedures.PortalSync.Ledger;

/// <summary>
/// Pushes queued results (<see cref="RecordStatusEvent"/> queues them) to the citizen's data store at the portal: claim (<see cref="LedgerStore.ClaimDuePushAsync"/>: due
/// only once the dossier sync has the portal's acknowledgement of the returning sequence, one sender) → call
/// (<see cref="CitizenStorePlanner.Request"/>) → store (<see cref="CitizenStorePlanner.Read"/>: the acknowledgement commits
/// with ResultStoredForCitizen; errors back off like the dossier sync; a rejection marks the row failed).
/// </summary>
public sealed partial class CitizenStoreWorker(NpgsqlDataSource db, PortalClient portal, TimeProvider time,
    Microsoft.Extensions.Options.IOptions<SyncOptions> options, ILogger<CitizenStoreWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                while (await PushNextAsync(ct)) { }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { break; }
            catch (Exception ex) { LogPassFailed(ex); }
            await Task.Delay(options.Value.PollInterval, time, ct).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Pushes one due result; false when none is due.</summary>
    public async Task<bool> PushNextAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (await LedgerStore.ClaimDuePushAsync(tx, ct) is not { } push) return false;
        var request = CitizenStorePlanner.Request(push);
        var answer = await portal.StoreForCitizenAsync(request.Payload, request.Key, ct);
        var change = CitizenStorePlanner.Read(push, answer, time.GetUtcNow(), options.Value.MaxBackoff, Random.Shared.NextDouble());
        if (change is PushRejected) LogRejected(push.DossierCode, push.ResultCode, answer.ErrorCode, answer.Message);
        await LedgerStore.ApplyPushAsync(tx, change, ct);
        await tx.CommitAsync(ct);
        CitizenStoreMetrics.Record(change); // counted once written, as the dossier sync counts its acknowledgements
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Citizen store pass failed")]
    private partial void LogPassFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Portal rejected result {ResultCode} of {DossierCode} for the citizen's store: {ErrorCode} {Reason}")]
    private partial void LogRejected(string dossierCode, string resultCode, string errorCode, string? reason);
}

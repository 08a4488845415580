using Dapper;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging.Inbox;
using Procedures.Messaging.Outbox;
using Procedures.PortalSync.Portal;

namespace Procedures.PortalSync.Ledger;

/// <summary>Queues the electronic results of a returned dossier (status 10) for the applicant's data store.</summary>
public sealed class QueueCitizenStore(ConsumerServices services) : IdempotentConsumer<DossierStatusChanged>(services)
{
    protected override async Task HandleAsync(DossierStatusChanged m, ConsumeScope<DossierStatusChanged> scope, CancellationToken ct)
    {
        if (m.Status != DossierStatus.Returned) return;
        foreach (var r in (m.Results ?? []).Where(r => !string.IsNullOrWhiteSpace(r.ElectronicResultCode)))
            await scope.Connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO citizen_store_pushes (dossier_code, result_code, sequence, name, file_reference, returned_at)
                VALUES (@DossierCode, @code, @Sequence, @Name, @FileReference, @at) ON CONFLICT DO NOTHING
                """, new { m.DossierCode, code = r.ElectronicResultCode!.Trim(), m.Sequence, r.Name, r.FileReference, at = m.OccurredAt.ToUniversalTime() },
                scope.Transaction, cancellationToken: ct));
    }
}

/// <summary>
/// Pushes queued results to the citizen's data store at the portal. A push is due only once the dossier sync has the
/// portal's acknowledgement of the returning sequence (ordering), is claimed with FOR UPDATE SKIP LOCKED (one sender),
/// carries one idempotency key per (dossier, result) so a retry after a lost acknowledgement is a no-op at the store,
/// and its acknowledgement commits with ResultStoredForCitizen. Errors back off like the dossier sync; a rejection
/// marks the row failed.
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
        var row = await connection.QuerySingleOrDefaultAsync<Push>(new CommandDefinition("""
            SELECT p.dossier_code AS DossierCode, p.result_code AS ResultCode, p.name, p.file_reference AS FileReference,
                   p.returned_at AS ReturnedAt, p.attempts, d.applicant_id_number AS Owner, d.applicant_kind AS OwnerKind
            FROM citizen_store_pushes p JOIN sync_dossiers d ON d.code = p.dossier_code
            WHERE p.stored_at IS NULL AND NOT p.failed AND p.next_attempt_at <= now()
              AND d.has_data AND d.last_seq_acked >= p.sequence AND coalesce(d.applicant_id_number, '') <> ''
            ORDER BY p.next_attempt_at
            LIMIT 1
            FOR UPDATE OF p SKIP LOCKED
            """, transaction: tx, cancellationToken: ct));
        if (row is null) return false;

        var answer = await portal.StoreForCitizenAsync(new Dictionary<string, object?>
        {
            ["MaHoSo"] = row.DossierCode, ["LoaiDoiTuong"] = row.OwnerKind, ["SoGiayToChuHoSo"] = row.Owner,
            ["MaGiayToKetQua"] = row.ResultCode, ["TenGiayTo"] = row.Name, ["DuongDanTepTinKetQua"] = row.FileReference,
            ["NgayCap"] = row.ReturnedAt.ToPortalTimestamp(),
        }, $"{row.DossierCode}:{row.ResultCode}:citizen-store", ct);
        var now = time.GetUtcNow();
        var key = new { code = row.DossierCode, result = row.ResultCode, now, error = $"{answer.ErrorCode}: {answer.Message}" };
        if (answer.Accepted)
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE citizen_store_pushes SET stored_at = @now, attempts = attempts + 1, last_error = NULL
                WHERE dossier_code = @code AND result_code = @result
                """, key, tx, cancellationToken: ct));
            await Outbox.PublishAsync(tx, new ResultStoredForCitizen(row.DossierCode, row.ResultCode, now), ct);
        }
        else if (answer.IsRejection)
        {
            LogRejected(row.DossierCode, row.ResultCode, answer.ErrorCode, answer.Message);
            await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE citizen_store_pushes SET failed = true, attempts = attempts + 1, last_error = @error
                WHERE dossier_code = @code AND result_code = @result
                """, key, tx, cancellationToken: ct));
        }
        else
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE citizen_store_pushes SET attempts = attempts + 1, last_error = @error, next_attempt_at = now() + @delay
                WHERE dossier_code = @code AND result_code = @result
                """, new { key.code, key.result, key.error, delay = SyncWorker.Backoff(row.Attempts, options.Value.MaxBackoff) },
                tx, cancellationToken: ct));
        }
        await tx.CommitAsync(ct);
        return true;
    }

    private sealed record Push(string DossierCode, string ResultCode, string Name, string? FileReference, DateTimeOffset ReturnedAt,
        int Attempts, string Owner, short? OwnerKind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Citizen store pass failed")]
    private partial void LogPassFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Portal rejected result {ResultCode} of {DossierCode} for the citizen's store: {ErrorCode} {Reason}")]
    private partial void LogRejected(string dossierCode, string resultCode, string errorCode, string? reason);
}

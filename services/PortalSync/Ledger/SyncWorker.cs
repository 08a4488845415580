using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging.Outbox;
using Procedures.PortalSync.Portal;

namespace Procedures.PortalSync.Ledger;

public sealed class SyncOptions
{
    /// <summary>Fallback look for due work: new work wakes the workers at once (LISTEN/NOTIFY); this finds work due by time.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    public int Workers { get; set; } = 4;
    /// <summary>Backoff ceiling: with full jitter, a returning portal sees the backlog spread over this window, not all at once.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>How long a missing sequence may be in flight (or in redelivery) before Processing is asked for it.</summary>
    public TimeSpan GapGrace { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>How often Processing is asked again while the gap stays open.</summary>
    public TimeSpan GapRetry { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// Sends each dossier's unsynced sequences to the portal. A dossier is claimed with FOR UPDATE SKIP LOCKED,
/// so two workers (or two PortalSync instances) never send the same dossier at once, and the portal always
/// gets the state of the newest known sequence; the acknowledgement and DossierSynced commit together.
/// </summary>
public sealed partial class SyncWorker(
    NpgsqlDataSource db, PortalClient portal, TimeProvider time, IOptions<SyncOptions> options, ILogger<SyncWorker> logger)
    : BackgroundService
{
    public static readonly System.Diagnostics.ActivitySource Source = new("Procedures.PortalSync");
    private readonly SyncOptions _options = options.Value;

    // Woken when work commits (see the table's notify trigger), one worker per notification; the poll finds work that
    // comes due by time.
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
        => Procedures.Messaging.ChannelListener.RunWorkersAsync(db, "portal_sync_due", _options.Workers, _options.PollInterval, SyncNextAsync,
            LogPassFailed, stoppingToken);

    /// <summary>Syncs one due dossier; false when none is due.</summary>
    public async Task<bool> SyncNextAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<LedgerRow>(new CommandDefinition("""
            SELECT code, procedure_code AS ProcedureCode, receiving_unit AS ReceivingUnit, channel, applicant_name AS ApplicantName,
                   submitted_at AS SubmittedAt, last_seq_acked AS LastSeqAcked, attempts, applicant_kind AS ApplicantKind,
                   applicant_id_number AS ApplicantIdNumber, applicant_phone AS Phone, applicant_email AS Email,
                   vneid_level2 AS VneidLevel2, deciding_agency AS DecidingAgency, summary, documents::text AS Documents,
                   procedure_name AS ProcedureName, fees::text AS Fees, portal_has_record AS PortalHasRecord, resends,
                   last_seq_known AS LastSeqKnown, pending_since AS PendingSince, gap_requested_at AS GapRequestedAt
            FROM sync_dossiers
            WHERE last_seq_known > last_seq_acked AND has_data AND NOT failed AND next_attempt_at <= now()
            ORDER BY next_attempt_at
            LIMIT 1
            FOR UPDATE SKIP LOCKED
            """, transaction: tx, cancellationToken: ct));
        if (row is null) return false;

        var all = (await connection.QueryAsync<EventRow>(new CommandDefinition("""
            SELECT sequence, status, occurred_at AS OccurredAt, content, trace_parent AS TraceParent, facts::text AS Facts FROM sync_events
            WHERE dossier_code = @code ORDER BY sequence
            """, new { code = row.Code }, tx, cancellationToken: ct))).Select(e => e.ToEvent()).ToList();
        var events = all.Where(e => e.Sequence > row.LastSeqAcked).ToList();
        // Only a gap-free run of sequences is sent: a missing one (still in flight) would reorder the history.
        var run = events.TakeWhile((e, i) => e.Sequence == row.LastSeqAcked + 1 + i).ToList();
        if (run.Count == 0)
        {
            var now = time.GetUtcNow();
            if (GapCatchUp.IsDue(row.PendingSince, row.GapRequestedAt, now, _options.GapGrace, _options.GapRetry))
            {
                LogGap(row.Code, row.LastSeqAcked + 1, row.LastSeqKnown);
                await GapCatchUp.RequestAsync(tx, row.Code, row.LastSeqAcked + 1, row.LastSeqKnown, now, ct);
            }
            await Postpone(connection, tx, row.Code, null, TimeSpan.FromSeconds(1), ct);
            await tx.CommitAsync(ct);
            return true;
        }

        var latest = run[^1];
        // The worker runs outside any request: continue the trace of the newest change being sent.
        System.Diagnostics.ActivityContext.TryParse(latest.TraceParent, null, out var parent);
        using var activity = Source.StartActivity("portal sync", System.Diagnostics.ActivityKind.Internal, parent);
        activity?.SetTag("dossier.code", row.Code);
        activity?.SetTag("dossier.sequence", latest.Sequence);
        var facts = new PortalPayload.DossierFacts(row.Code, row.ProcedureCode!, row.ReceivingUnit!, row.Channel!.Value, row.ApplicantName!,
            row.SubmittedAt!.Value, row.ApplicantKind, row.ApplicantIdNumber, row.Phone, row.Email, row.VneidLevel2, row.DecidingAgency, row.Summary,
            Json<List<SubmittedDocument>>(row.Documents), row.ProcedureName, Json<List<DossierFee>>(row.Fees));
        // Keys name the (dossier, sequence) applied; a re-send after the reconciliation found the portal lost it is a new generation.
        var generation = row.Resends == 0 ? "" : $":r{row.Resends}";
        var operation = row.PortalHasRecord ? "update" : "create";
        var record = PortalPayload.Record(facts, latest, all);
        var recordKey = $"{row.Code}:{latest.Sequence}:record{generation}";
        var answer = await portal.SendAsync(operation, record, recordKey, ct);
        // A create applied earlier whose acknowledgement was lost, retried with newer steps (so under a new key): the
        // portal holds the record, so it is updated; treating "already exists" as a rejection left the dossier stuck.
        if (operation == "create" && answer.ErrorCode == PortalAnswer.RecordExists)
            answer = await portal.SendAsync("update", record, recordKey, ct);
        // Once the portal holds the record, the next attempt must update it, even if this one fails at the history call.
        var recordHeld = row.PortalHasRecord || answer.Accepted;
        // One history row per call, keyed by its sequence: a retry after a lost acknowledgement, or with a longer run,
        // re-sends rows the portal may already hold, and each must still be applied once.
        foreach (var step in run)
        {
            if (!answer.Accepted) break;
            answer = await portal.SendAsync("history", PortalPayload.History(row.Code, [step]), $"{row.Code}:{step.Sequence}:history{generation}", ct);
        }
        if (recordHeld && !row.PortalHasRecord)
            await connection.ExecuteAsync(new CommandDefinition("UPDATE sync_dossiers SET portal_has_record = true WHERE code = @code",
                new { code = row.Code }, tx, cancellationToken: ct));

        if (answer.Accepted)
        {
            var now = time.GetUtcNow();
            await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE sync_dossiers SET last_seq_acked = @seq, attempts = 0, last_error = NULL, acked_at = @now, next_attempt_at = @now,
                    portal_has_record = true, last_status_acked = @status,
                    pending_since = CASE WHEN last_seq_known > @seq THEN @now ELSE NULL END
                WHERE code = @code
                """, new { code = row.Code, seq = latest.Sequence, status = latest.Status, now }, tx, cancellationToken: ct));
            await Outbox.PublishAsync(tx, new DossierSynced(row.Code, latest.Sequence, now), ct);
            SyncMetrics.Acknowledged(run, now);
        }
        else if (answer.IsRejection)
        {
            LogRejected(row.Code, latest.Sequence, answer.ErrorCode, answer.Message);
            await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE sync_dossiers SET failed = true, failed_at = @now, attempts = attempts + 1, last_error = @error WHERE code = @code
                """, new { code = row.Code, error = $"{answer.ErrorCode}: {answer.Message}", now = time.GetUtcNow() }, tx, cancellationToken: ct));
            SyncMetrics.Failed("rejected");
        }
        else
        {
            await Postpone(connection, tx, row.Code, $"{answer.ErrorCode}: {answer.Message}", Backoff(row.Attempts), ct);
            SyncMetrics.Failed("transient");
        }
        await tx.CommitAsync(ct);
        return true;
    }

    private static T? Json<T>(string? json) => json is null ? default : System.Text.Json.JsonSerializer.Deserialize<T>(json, System.Text.Json.JsonSerializerOptions.Web);

    private sealed record EventRow(long Sequence, short Status, DateTimeOffset OccurredAt, string? Content, string? TraceParent, string? Facts)
    {
        public PortalPayload.StatusEvent ToEvent() => new(Sequence, Status, OccurredAt, Content, TraceParent, Json<DossierStatusChanged>(Facts));
    }

    /// <summary>Exponential backoff with full jitter, so a recovering portal is not hit by every dossier at once.</summary>
    private TimeSpan Backoff(int attempts) => Backoff(attempts, _options.MaxBackoff);

    internal static TimeSpan Backoff(int attempts, TimeSpan max)
    {
        var ceiling = Math.Min(max.TotalMilliseconds, 500 * Math.Pow(2, Math.Min(attempts, 16)));
        return TimeSpan.FromMilliseconds(ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2);
    }

    private static Task Postpone(NpgsqlConnection c, NpgsqlTransaction tx, string code, string? error, TimeSpan delay, CancellationToken ct)
        => c.ExecuteAsync(new CommandDefinition("""
            UPDATE sync_dossiers SET attempts = attempts + 1, last_error = COALESCE(@error, last_error), next_attempt_at = now() + @delay
            WHERE code = @code
            """, new { code, error, delay }, tx, cancellationToken: ct));

    private sealed record LedgerRow(string Code, string? ProcedureCode, string? ReceivingUnit, short? Channel, string? ApplicantName,
        DateTimeOffset? SubmittedAt, long LastSeqAcked, int Attempts, short? ApplicantKind, string? ApplicantIdNumber, string? Phone,
        string? Email, bool? VneidLevel2, string? DecidingAgency, string? Summary, string? Documents, string? ProcedureName, string? Fees,
        bool PortalHasRecord, int Resends, long LastSeqKnown, DateTimeOffset? PendingSince, DateTimeOffset? GapRequestedAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Portal sync pass failed")]
    private partial void LogPassFailed(Exception ex);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "{DossierCode} is held back by missing status event(s) from {From} (known up to {To}); Processing is asked to send them again")]
    private partial void LogGap(string dossierCode, long from, long to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Portal rejected {DossierCode} at sequence {Sequence}: {ErrorCode} {Reason}")]
    private partial void LogRejected(string dossierCode, long sequence, string errorCode, string? reason);
}

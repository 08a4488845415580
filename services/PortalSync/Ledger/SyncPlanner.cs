using Procedures.Contracts;
using Procedures.PortalSync.CatchUp;
using Procedures.PortalSync.Portal;

namespace Procedures.PortalSync.Ledger;

/// <summary>
/// The sync ledger's rules, pure (no database, no HTTP, time and randomness given): what a pass sends for a claimed dossier
/// (<see cref="Plan"/>), how the portal's answers land on the ledger (<see cref="Read"/>), what a status event does to a row
/// (<see cref="OnStatusEvent"/>) and what the reconciliation sends again (<see cref="Resend"/>). <see cref="SyncWorker"/>
/// claims, plans, calls and stores; <see cref="LedgerStore"/> writes what is decided here.
/// </summary>
public static class SyncPlanner
{
    /// <summary>How long a dossier held back by a gap waits before it is looked at again.</summary>
    public static readonly TimeSpan GapWait = TimeSpan.FromSeconds(1);

    /// <summary>The pass for a claimed dossier: the gap-free run to send, or a wait for the missing step.</summary>
    public static SyncPlan Plan(Claim claim, DateTimeOffset now, SyncOptions options)
    {
        var s = claim.State;
        var run = GapFreeRun(s.LastSeqAcked, claim.Events);
        if (run.Count == 0)
        {
            var ask = GapCatchUp.IsDue(s.PendingSince, s.GapRequestedAt, now, options.GapGrace, options.GapRetry)
                ? GapCatchUp.Request(s.Code, s.LastSeqAcked + 1, s.LastSeqKnown, now)
                : null;
            return new AwaitGap(new Postpone(s.Code, s.PortalHasRecord, s.Attempts + 1, null, GapWait, ask));
        }
        var latest = run[^1];
        // The record as of the newest step of the run, with the dates of every earlier step kept here.
        List<PortalRequest> requests = [new(Operation(s.PortalHasRecord), PortalPayload.Record(claim.Facts, latest, claim.Events),
            Key(s.Code, latest.Sequence, "record", s.Resends))];
        // One history row per call, keyed by its sequence: a retry after a lost acknowledgement, or with a longer run,
        // re-sends rows the portal may already hold, and each must still be applied once.
        requests.AddRange(run.Select(step => new PortalRequest("history", PortalPayload.History(s.Code, [step]),
            Key(s.Code, step.Sequence, "history", s.Resends))));
        return new SendRun(run, requests);
    }

    /// <summary>
    /// The unacknowledged steps that follow the acknowledged one without a hole: a missing sequence (still in flight or
    /// lost) would reorder the portal's history, so nothing after it is sent.
    /// </summary>
    public static IReadOnlyList<PortalPayload.StatusEvent> GapFreeRun(long lastAcked, IEnumerable<PortalPayload.StatusEvent> events)
        => [.. events.Where(e => e.Sequence > lastAcked).OrderBy(e => e.Sequence).TakeWhile((e, i) => e.Sequence == lastAcked + 1 + i)];

    /// <summary>Create once; once the portal holds the record, update it.</summary>
    public static string Operation(bool portalHasRecord) => portalHasRecord ? "update" : "create";

    /// <summary>
    /// Keys name the (dossier, sequence) applied, so a retry is applied once; a re-send after the reconciliation found the
    /// portal lost or behind, or after a person retried a rejection, is a new generation (":rN").
    /// </summary>
    public static string Key(string code, long sequence, string part, int resends)
        => $"{code}:{sequence}:{part}" + (resends == 0 ? "" : $":r{resends}");

    /// <summary>
    /// The call to make instead when the portal answered <paramref name="answer"/> to <paramref name="sent"/>: a create
    /// applied earlier whose acknowledgement was lost, retried with newer steps (so under a new key), is answered "already
    /// exists"; the portal holds the record, so it is updated (treating it as a rejection left the dossier stuck).
    /// </summary>
    public static PortalRequest? Instead(PortalRequest sent, PortalAnswer answer)
        => sent.Operation == "create" && answer.ErrorCode == PortalAnswer.RecordExists ? sent with { Operation = "update" } : null;

    /// <summary>
    /// How the portal's answers to <paramref name="plan"/>'s calls (in order; the calls stop at the first not accepted)
    /// land on the ledger: all accepted → acknowledged; the last refused for its content → rejected; otherwise (transport,
    /// 5xx, the breaker open) → back off with full jitter. <paramref name="random"/> is the jitter's draw in [0, 1).
    /// </summary>
    public static SyncChange Read(Claim claim, SendRun plan, IReadOnlyList<PortalAnswer> answers, DateTimeOffset now, TimeSpan maxBackoff,
        double random)
    {
        var s = claim.State;
        // Once the portal holds the record, the next attempt must update it, even if this one fails at the history call.
        var recordHeld = s.PortalHasRecord || answers[0].Accepted;
        var last = answers[^1];
        var latest = plan.Latest;
        if (last.Accepted && answers.Count == plan.Requests.Count)
            return new Acknowledge(s.Code, latest.Sequence, latest.Status, now,
                // A newer step already known (held back by a gap) keeps the backlog's clock running from now.
                s.LastSeqKnown > latest.Sequence ? now : null,
                // The route rides along: the public stream files the acknowledgement by agency without waiting for a status event.
                new DossierSynced(s.Code, latest.Sequence, now, claim.Facts.ReceivingUnit, claim.Facts.DecidingAgency, claim.Facts.ProcedureCode));
        var error = $"{last.ErrorCode}: {last.Message}";
        return last.IsRejection
            ? new Reject(s.Code, recordHeld, s.Attempts + 1, error, now)
            : new Postpone(s.Code, recordHeld, s.Attempts + 1, error, Messaging.Backoff.FullJitter(s.Attempts, maxBackoff, random));
    }

    /// <summary>
    /// A status event with <paramref name="sequence"/> arrives: the known sequence only rises; a step beyond the acknowledged
    /// one starts the backlog's clock unless it already runs; the step right after the acknowledged one (a gap held it back
    /// while the worker postponed the dossier) is due at once, but a dossier backing off after a portal error keeps its backoff.
    /// </summary>
    public static SequencesAfterEvent OnStatusEvent(KnownSequences row, long sequence, DateTimeOffset now)
        => new(Math.Max(row.Known, sequence),
            sequence > row.Acked ? row.PendingSince ?? now : row.PendingSince,
            sequence == row.Acked + 1 && !row.BackingOff);

    /// <summary>
    /// Kinds: missing (the portal does not hold it), stale (it holds fewer steps than acknowledged here, or another status at
    /// the same step), ahead (it holds more steps than acknowledged here: an acknowledgement was lost; the worker completes
    /// them under the same keys, a new generation would have the portal apply them twice). Null: the same.
    /// </summary>
    public static string? Compare(long acked, short? status, PortalListing? there)
        => there switch
        {
            null => "missing",
            _ when there.SoBuocXuLy < acked || (there.SoBuocXuLy == acked && there.TrangThaiHoSo != status) => "stale",
            _ when there.SoBuocXuLy > acked => "ahead",
            _ => null,
        };

    /// <summary>
    /// What the reconciliation sends again, as the acknowledged sequence to restart from: everything (0) when the portal lost
    /// the dossier, else the steps after those it holds (it holds a prefix: runs are sent gap-free, in order).
    /// </summary>
    public static long ResendFrom(bool missing, long ourSteps, long portalSteps) => missing ? 0 : Math.Min(ourSteps, portalSteps);
}

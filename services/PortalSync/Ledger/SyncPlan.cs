using Procedures.Contracts;
using Procedures.PortalSync.Portal;

namespace Procedures.PortalSync.Ledger;

/// <summary>Where a dossier's sync stands (the ledger row's state columns), as the worker claimed it.</summary>
public sealed record SyncState(string Code, long LastSeqAcked, long LastSeqKnown, int Attempts, bool PortalHasRecord, int Resends,
    DateTimeOffset? PendingSince, DateTimeOffset? GapRequestedAt);

/// <summary>A dossier claimed for one pass: its state, the facts of its submission and every status event kept for it.</summary>
public sealed record Claim(SyncState State, PortalPayload.DossierFacts Facts, IReadOnlyList<PortalPayload.StatusEvent> Events);

/// <summary>One call to the portal: the operation (create, update, history), its payload and its idempotency key.</summary>
public sealed record PortalRequest(string Operation, object Payload, string Key);

/// <summary>What a pass does with a claimed dossier (<see cref="SyncPlanner.Plan"/>).</summary>
public abstract record SyncPlan;

/// <summary>The next sequence is missing: nothing is sent, the dossier waits (and Processing may be asked for the hole).</summary>
public sealed record AwaitGap(Postpone Change) : SyncPlan;

/// <summary>Send the gap-free <paramref name="Run"/>: the record as of its newest step, then one history call per step.</summary>
public sealed record SendRun(IReadOnlyList<PortalPayload.StatusEvent> Run, IReadOnlyList<PortalRequest> Requests) : SyncPlan
{
    public PortalPayload.StatusEvent Latest => Run[^1];
}

/// <summary>
/// What the ledger store writes to a claimed dossier after a pass, with what it publishes in the same transaction.
/// <see cref="RecordHeld"/>: the portal holds the record (the next attempt updates it, even if this one failed later).
/// </summary>
public abstract record SyncChange(string Code, bool RecordHeld);

/// <summary>The portal acknowledged the run up to <paramref name="Sequence"/>; <see cref="Synced"/> commits with it.</summary>
public sealed record Acknowledge(string Code, long Sequence, short Status, DateTimeOffset At, DateTimeOffset? PendingSince, DossierSynced Synced)
    : SyncChange(Code, RecordHeld: true);

/// <summary>The portal refused the content: the dossier is parked as failed until a person retries it.</summary>
public sealed record Reject(string Code, bool RecordHeld, int Attempts, string Error, DateTimeOffset At) : SyncChange(Code, RecordHeld);

/// <summary>
/// Try again after <paramref name="Delay"/> (counted from the database's clock, which the claim and the wake-up trigger
/// compare with); <paramref name="Error"/> null keeps the last one. <paramref name="AskForGap"/>: Processing is asked for
/// the missing steps in the same transaction.
/// </summary>
public sealed record Postpone(string Code, bool RecordHeld, int Attempts, string? Error, TimeSpan Delay,
    DossierHistoryRequested? AskForGap = null) : SyncChange(Code, RecordHeld);

/// <summary>A ledger row's sequences as a status event finds them (<see cref="SyncPlanner.OnStatusEvent"/>).</summary>
public sealed record KnownSequences(long Known, long Acked, DateTimeOffset? PendingSince, bool BackingOff);

/// <summary>
/// The row after a status event: the known sequence, since when a newer one waits, and whether it is due at once (the step
/// a gap held back, so the wake-up trigger starts a worker).
/// </summary>
public sealed record SequencesAfterEvent(long Known, DateTimeOffset? PendingSince, bool DueAtOnce);

namespace Procedures.Notifications.Events;

/// <summary>A held event as the release rule sees it: its log id, its kind, the value that orders it, and whether it waited too long.</summary>
public sealed record HeldEvent(long Id, EventOrderKind Kind, long? Sequence, bool Stale);

/// <summary>What an event carries that orders it within its dossier.</summary>
public enum EventOrderKind
{
    /// <summary>A status event: Processing's sequence, one after the other (1, 2, 3…).</summary>
    Status,
    /// <summary>dossier.synced: "acknowledged up to sequence N", which may skip values but never goes back.</summary>
    UpTo,
    /// <summary>Deadlines and payments: no value of their own; they go after the status events already released.</summary>
    Unordered,
}

/// <summary>How far a dossier's stream has gone: the highest status sequence and the highest "up to" value released.</summary>
public sealed record DossierProgress(long LastStatus, long LastUpTo);

/// <summary>The rule's answer: events to release now (in this order), events superseded for ever, and the new progress.</summary>
public sealed record ReleaseDecision(IReadOnlyList<long> Release, IReadOnlyList<long> Superseded, DossierProgress Progress);

/// <summary>
/// The release rule of the public stream, as a pure function (issue 25, "ordered facts"). For each dossier:
/// a status event goes when the one before it in Processing's sequence has gone (or after the hold timeout, when its
/// predecessor is given up); dossier.synced N goes after status N; and no event ever carries a lower value than one of
/// its kind already released: a status event arriving after a later one was given up, or an acknowledgement "up to 3"
/// arriving after "up to 5", is superseded (kept in the log, never published: "up to 5" already says "up to 3").
/// Release order is stream order, which the broker and every webhook subscription see.
/// </summary>
public static class ReleaseOrder
{
    public static ReleaseDecision Decide(IReadOnlyList<HeldEvent> held, DossierProgress progress)
    {
        var release = new List<long>();
        var superseded = new List<long>();
        var (lastStatus, lastUpTo) = (progress.LastStatus, progress.LastUpTo);
        var pending = held.OrderBy(h => h.Sequence ?? 0).ThenBy(h => h.Kind).ThenBy(h => h.Id).ToList();
        bool progressed;
        do
        {
            progressed = false;
            foreach (var e in pending.ToList())
            {
                var verdict = e.Kind switch
                {
                    EventOrderKind.Status when e.Sequence <= lastStatus => Verdict.Supersede,
                    EventOrderKind.Status => e.Sequence == lastStatus + 1 || e.Stale ? Verdict.Release : Verdict.Wait,
                    EventOrderKind.UpTo when e.Sequence <= lastUpTo => Verdict.Supersede,
                    EventOrderKind.UpTo => e.Sequence <= lastStatus || e.Stale ? Verdict.Release : Verdict.Wait,
                    _ => e.Sequence is null || e.Sequence <= lastStatus || e.Stale ? Verdict.Release : Verdict.Wait,
                };
                if (verdict == Verdict.Wait) continue;
                pending.Remove(e);
                progressed = true;
                if (verdict == Verdict.Supersede)
                {
                    superseded.Add(e.Id);
                    continue;
                }
                release.Add(e.Id);
                if (e.Kind == EventOrderKind.Status) lastStatus = Math.Max(lastStatus, e.Sequence ?? 0);
                if (e.Kind == EventOrderKind.UpTo) lastUpTo = Math.Max(lastUpTo, e.Sequence ?? 0);
                break; // start again from the lowest: what was waiting for this one may go now, still in order
            }
        } while (progressed && pending.Count > 0);
        return new ReleaseDecision(release, superseded, new DossierProgress(lastStatus, lastUpTo));
    }

    private enum Verdict { Wait, Release, Supersede }
}

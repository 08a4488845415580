using Procedures.Notifications.Events;

namespace Procedures.Services.Tests.Notifications;

/// <summary>The public stream's release rule (issue 25): a dossier's facts never go backwards.</summary>
[Trait("Kind", "Pure")]
public sealed class ReleaseOrderTests
{
    private static HeldEvent Status(long id, long sequence, bool stale = false) => new(id, EventOrderKind.Status, sequence, stale);

    private static HeldEvent Synced(long id, long upTo, bool stale = false) => new(id, EventOrderKind.UpTo, upTo, stale);

    [Fact]
    public void Acknowledgements_arriving_1_2_4_5_3_7_go_out_as_1_2_4_5_7_and_3_is_superseded()
    {
        var progress = new DossierProgress(LastStatus: 7, LastUpTo: 0);
        var released = new List<long>();
        var superseded = new List<long>();
        // One at a time, as the consumers log them; the statuses 1–7 are already out.
        foreach (var upTo in new long[] { 1, 2, 4, 5, 3, 7 })
        {
            var decision = ReleaseOrder.Decide([Synced(100 + upTo, upTo)], progress);
            released.AddRange(decision.Release.Select(id => id - 100));
            superseded.AddRange(decision.Superseded.Select(id => id - 100));
            progress = decision.Progress;
        }
        Assert.Equal([1L, 2, 4, 5, 7], released);
        Assert.Equal([3L], superseded);
        Assert.Equal(7, progress.LastUpTo);
    }

    [Fact]
    public void Status_events_go_in_sequence_and_an_acknowledgement_waits_for_the_status_it_acknowledges()
    {
        // Held: status 3, synced up to 3, status 2; status 1 already out. All go, as 2, 3, then synced 3.
        var decision = ReleaseOrder.Decide([Status(3, 3), Synced(4, 3), Status(2, 2)], new DossierProgress(1, 0));
        Assert.Equal([2L, 3, 4], decision.Release);
        Assert.Empty(decision.Superseded);
        Assert.Equal(new DossierProgress(3, 3), decision.Progress);

        // Status 5 without 4: it waits, and so does synced 5; the unordered payment event goes.
        var waiting = ReleaseOrder.Decide([Status(5, 5), Synced(6, 5), new HeldEvent(7, EventOrderKind.Unordered, null, false)], new DossierProgress(3, 3));
        Assert.Equal([7L], waiting.Release);
        Assert.Equal(new DossierProgress(3, 3), waiting.Progress);
    }

    [Fact]
    public void A_predecessor_given_up_after_the_hold_timeout_is_superseded_when_it_finally_comes()
    {
        var stale = ReleaseOrder.Decide([Status(5, 5, stale: true)], new DossierProgress(3, 0));
        Assert.Equal([5L], stale.Release);
        var late = ReleaseOrder.Decide([Status(4, 4)], stale.Progress);
        Assert.Empty(late.Release);
        Assert.Equal([4L], late.Superseded);
        Assert.Equal(5, late.Progress.LastStatus);
    }
}

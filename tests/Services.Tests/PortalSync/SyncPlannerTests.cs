using System.Text.Json;
using Procedures.Contracts;
using Procedures.Messaging;
using Procedures.PortalSync.Ledger;
using Procedures.PortalSync.Portal;
using static Procedures.PortalSync.Portal.PortalPayload;

namespace Procedures.Services.Tests.PortalSync;

/// <summary>The sync ledger's rules, pure: what a pass sends, how the portal's answers land, what a status event does.</summary>
[Trait("Kind", "Pure")]
public sealed class SyncPlannerTests
{
    private const string Code = "38.98.H29-251129-0001";
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 3, 0, 0, TimeSpan.Zero);
    private static readonly SyncOptions Options = new();
    private static readonly PortalAnswer Ok = new("0", "Thành công");

    private static StatusEvent Step(long sequence, DossierStatus status = DossierStatus.Received)
        => new(sequence, (short)status, Now.AddHours(-10 + sequence), null);

    private static Claim Claimed(long acked, IEnumerable<long> sequences, long? known = null, bool held = false, int resends = 0,
        int attempts = 0, DateTimeOffset? pendingSince = null, DateTimeOffset? gapAsked = null)
    {
        var events = sequences.Select(s => Step(s)).ToList();
        return new Claim(new SyncState(Code, acked, known ?? events.Max(e => e.Sequence), attempts, held, resends, pendingSince, gapAsked),
            new DossierFacts(Code, "1.000948.H29", "38.98.H29", 2, "Lê Văn Cường", Now.AddDays(-1)), events);
    }

    [Theory]
    [InlineData(0, new long[] { 1, 2, 3 }, new long[] { 1, 2, 3 })]
    [InlineData(2, new long[] { 1, 2, 3, 4, 6, 7 }, new long[] { 3, 4 })]   // stops before the hole at 5
    [InlineData(2, new long[] { 1, 2, 4, 5 }, new long[] { })]               // 3 missing: nothing is sent
    [InlineData(3, new long[] { 1, 2, 3 }, new long[] { })]                  // all acknowledged
    public void Only_the_gap_free_run_after_the_acknowledged_sequence_is_sent(long acked, long[] kept, long[] run)
        => Assert.Equal(run, SyncPlanner.GapFreeRun(acked, kept.Select(s => Step(s))).Select(e => e.Sequence));

    [Fact]
    public void A_run_is_sent_as_the_record_as_of_its_newest_step_then_one_history_call_per_step_under_keys_naming_each_sequence()
    {
        var claim = Claimed(1, [1, 2, 3], held: true) with
        {
            Events = [Step(1, DossierStatus.Submitted), Step(2, DossierStatus.Received), Step(3, DossierStatus.InProcessing)],
        };
        var plan = Assert.IsType<SendRun>(SyncPlanner.Plan(claim, Now, Options));

        Assert.Equal([2L, 3L], plan.Run.Select(e => e.Sequence));
        Assert.Equal([("update", $"{Code}:3:record"), ("history", $"{Code}:2:history"), ("history", $"{Code}:3:history")],
            plan.Requests.Select(r => (r.Operation, r.Key)).ToList());
        Assert.Equal(3L, plan.Latest.Sequence);
        // The record carries the newest step's status.
        Assert.Equal((int)DossierStatus.InProcessing, JsonSerializer.SerializeToElement(plan.Requests[0].Payload).GetProperty("TrangThaiHoSo").GetInt32());
    }

    [Theory]
    [InlineData(false, "create")]
    [InlineData(true, "update")]
    public void The_record_is_created_once_and_updated_once_the_portal_holds_it(bool held, string operation)
    {
        Assert.Equal(operation, SyncPlanner.Operation(held));
        var plan = Assert.IsType<SendRun>(SyncPlanner.Plan(Claimed(0, [1], held: held), Now, Options));
        Assert.Equal(operation, plan.Requests[0].Operation);
    }

    [Theory]
    [InlineData(0, "record", "X:4:record")]
    [InlineData(2, "history", "X:4:history:r2")]   // sent again after a reconciliation or a person's retry: a new generation
    public void Keys_name_the_dossier_sequence_and_part_and_the_generation_once_sent_again(int resends, string part, string key)
        => Assert.Equal(key, SyncPlanner.Key("X", 4, part, resends));

    [Fact]
    public void A_resent_dossier_uses_the_new_generation_for_every_call()
        => Assert.All(Assert.IsType<SendRun>(SyncPlanner.Plan(Claimed(0, [1, 2], resends: 1), Now, Options)).Requests,
            r => Assert.EndsWith(":r1", r.Key, StringComparison.Ordinal));

    [Theory]
    [InlineData(null, null, false)]   // the backlog clock is not running: nothing to ask
    [InlineData(30, null, false)]     // the missing step may still be in flight
    [InlineData(90, null, true)]      // past the grace period, never asked
    [InlineData(90, 60, false)]       // asked a minute ago
    [InlineData(900, 360, true)]      // asked six minutes ago and still open
    public void A_dossier_held_back_by_a_gap_waits_and_asks_Processing_for_the_missing_steps_once_due(int? waitingSeconds,
        int? askedSecondsAgo, bool asks)
    {
        var claim = Claimed(2, [1, 2, 5], known: 5, held: true, attempts: 3, pendingSince: waitingSeconds is { } w ? Now.AddSeconds(-w) : null,
            gapAsked: askedSecondsAgo is { } a ? Now.AddSeconds(-a) : null);

        var wait = Assert.IsType<AwaitGap>(SyncPlanner.Plan(claim, Now, Options)).Change;

        Assert.Equal((Code, true, 4, (string?)null, SyncPlanner.GapWait), (wait.Code, wait.RecordHeld, wait.Attempts, wait.Error, wait.Delay));
        if (asks) Assert.Equal(new DossierHistoryRequested(Code, 3, 5, ResourceNames.PortalSync, Now), wait.AskForGap);
        else Assert.Null(wait.AskForGap);
    }

    [Fact]
    public void A_create_answered_already_exists_is_sent_again_as_an_update_under_the_same_key()
    {
        var create = new PortalRequest("create", new { MaHoSo = Code }, $"{Code}:2:record");
        Assert.Equal(create with { Operation = "update" }, SyncPlanner.Instead(create, new PortalAnswer(PortalAnswer.RecordExists, "exists")));
        Assert.Null(SyncPlanner.Instead(create, new PortalAnswer("4", "NgayHenTra must be yyyyMMddHHmmss")));
        Assert.Null(SyncPlanner.Instead(create with { Operation = "update" }, new PortalAnswer(PortalAnswer.RecordExists, "exists")));
        Assert.Null(SyncPlanner.Instead(create, Ok));
    }

    [Theory]
    [InlineData(3, null)]   // nothing newer known: the backlog clock stops
    [InlineData(5, true)]   // a newer step waits (a gap): the clock restarts now
    public void Every_call_accepted_acknowledges_the_newest_step_with_DossierSynced(long known, bool? stillPending)
    {
        var claim = Claimed(1, [1, 2, 3], known: known, attempts: 2);
        var plan = Assert.IsType<SendRun>(SyncPlanner.Plan(claim, Now, Options));

        var ack = Assert.IsType<Acknowledge>(SyncPlanner.Read(claim, plan, [Ok, Ok, Ok], Now, Options.MaxBackoff, 0.5));

        Assert.Equal((3L, (short)DossierStatus.Received, Now, true), (ack.Sequence, ack.Status, ack.At, ack.RecordHeld));
        Assert.Equal(stillPending is null ? null : Now, ack.PendingSince);
        // The acknowledgement names the route from the ledger's facts (receiving unit, deciding agency, procedure).
        Assert.Equal(new DossierSynced(Code, 3, Now, "38.98.H29", null, "1.000948.H29"), ack.Synced);
    }

    [Fact]
    public void A_transient_failure_after_the_record_was_accepted_backs_off_and_remembers_that_the_portal_holds_the_record()
    {
        var claim = Claimed(0, [1], attempts: 3);
        var plan = Assert.IsType<SendRun>(SyncPlanner.Plan(claim, Now, Options));

        var postpone = Assert.IsType<Postpone>(SyncPlanner.Read(claim, plan, [Ok, new PortalAnswer("http-503", "Service Unavailable")], Now,
            TimeSpan.FromSeconds(30), 0));

        Assert.Equal((true, 4, "http-503: Service Unavailable", TimeSpan.FromSeconds(2)),
            (postpone.RecordHeld, postpone.Attempts, postpone.Error, postpone.Delay)); // 500 ms · 2³, the jitter's lowest half
        Assert.Null(postpone.AskForGap);
    }

    [Theory]
    [InlineData(PortalAnswer.Unreachable, false, false)]
    [InlineData("503", true, true)]                 // the portal's own "try later": the record it held stays held
    public void The_portal_unreachable_or_busy_at_the_record_backs_off(string errorCode, bool heldBefore, bool held)
    {
        var claim = Claimed(0, [1], held: heldBefore);
        var plan = Assert.IsType<SendRun>(SyncPlanner.Plan(claim, Now, Options));
        var postpone = Assert.IsType<Postpone>(SyncPlanner.Read(claim, plan, [new PortalAnswer(errorCode, "down")], Now, Options.MaxBackoff, 0));
        Assert.Equal((held, 1), (postpone.RecordHeld, postpone.Attempts));
    }

    [Theory]
    [InlineData("4", 1)]          // the record refused: the portal does not hold it
    [InlineData("http-400", 2)]   // a history row refused after the record was accepted: it holds the record
    public void A_content_rejection_parks_the_dossier_as_failed_with_the_portals_reason(string errorCode, int failedAt)
    {
        var claim = Claimed(0, [1], attempts: 1);
        var plan = Assert.IsType<SendRun>(SyncPlanner.Plan(claim, Now, Options));
        var refused = new PortalAnswer(errorCode, "bad");
        IReadOnlyList<PortalAnswer> answers = failedAt == 1 ? [refused] : [Ok, refused];

        var reject = Assert.IsType<Reject>(SyncPlanner.Read(claim, plan, answers, Now, Options.MaxBackoff, 0));

        Assert.Equal((failedAt == 2, 2, $"{errorCode}: bad", Now), (reject.RecordHeld, reject.Attempts, reject.Error, reject.At));
    }

    [Theory]
    [InlineData(0, 0.0, 250)]
    [InlineData(0, 0.999999, 500)]
    [InlineData(3, 0.0, 2000)]
    [InlineData(10, 0.0, 15000)]    // capped at the ceiling: between half of it and all of it
    [InlineData(40, 0.999999, 30000)]
    public void Backoff_doubles_per_attempt_up_to_the_ceiling_with_full_jitter(int attempts, double random, int milliseconds)
        => Assert.Equal(milliseconds, Backoff.FullJitter(attempts, TimeSpan.FromSeconds(30), random).TotalMilliseconds, 0);

    [Theory]
    // known, acked, pending?, backing off, arriving → known, pending?, due at once
    [InlineData(2, 2, false, false, 3, 3, true, true)]     // the next step: the clock starts, due at once
    [InlineData(4, 2, true, false, 3, 4, true, true)]      // the step a gap held back: due at once, the clock keeps its start
    [InlineData(4, 2, true, true, 3, 4, true, false)]      // backing off after a portal error: keeps its backoff
    [InlineData(2, 2, false, false, 5, 5, true, false)]    // beyond a hole: waits for the missing steps
    [InlineData(5, 5, false, false, 4, 5, false, false)]   // an old copy (a replay): nothing rises
    public void A_status_event_raises_the_known_sequence_starts_the_backlog_clock_and_wakes_the_step_a_gap_held_back(
        long known, long acked, bool pending, bool backingOff, long arriving, long knownAfter, bool pendingAfter, bool dueAtOnce)
    {
        var since = Now.AddMinutes(-3);
        var after = SyncPlanner.OnStatusEvent(new KnownSequences(known, acked, pending ? since : null, backingOff), arriving, Now);
        Assert.Equal(new SequencesAfterEvent(knownAfter, pendingAfter ? (pending ? since : Now) : null, dueAtOnce), after);
    }

    [Theory]
    [InlineData(3, 4, null, null, "missing")]
    [InlineData(3, 4, 4, 2, "stale")]      // fewer steps than acknowledged
    [InlineData(3, 4, 5, 3, "stale")]      // another status at the same step
    [InlineData(3, 4, 6, 5, "ahead")]      // an acknowledgement was lost: left to the worker's same keys
    [InlineData(3, 4, 4, 3, null)]
    public void The_reconciliation_tells_missing_stale_and_ahead_apart(long acked, short status, int? portalStatus, int? portalSteps,
        string? kind)
        => Assert.Equal(kind, SyncPlanner.Compare(acked, status,
            portalStatus is null ? null : new PortalListing(Code, portalStatus.Value, portalSteps!.Value)));

    [Theory]
    [InlineData(true, 5, 0, 0)]     // the portal lost it: everything again
    [InlineData(false, 5, 2, 2)]    // it is behind: the steps after those it holds
    [InlineData(false, 3, 3, 3)]    // another status at the same step: the newest again
    public void The_reconciliation_resends_from_what_the_portal_still_holds(bool missing, long ours, long portal, long from)
        => Assert.Equal(from, SyncPlanner.ResendFrom(missing, ours, portal));
}

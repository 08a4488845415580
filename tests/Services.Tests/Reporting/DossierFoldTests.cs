using Procedures.Contracts;
using Procedures.Reporting.Kpi.Facts;
using Procedures.Reporting.Kpi.Indicators;
using Procedures.Reporting.Kpi.Rules;
using static Procedures.Services.Tests.Reporting.LifecycleEvents;
using static Procedures.Services.Tests.Reporting.OnTimeTests;

namespace Procedures.Services.Tests.Reporting;

[Trait("Kind", "Pure")]
public sealed class DossierFoldTests
{
    private const string Code = "26740.H29-261105-0007";

    private static DossierFact Fold(IEnumerable<object> events)
    {
        var list = events.ToList();
        return DossierFold.Fold(new DossierEvents(Code, list.OfType<DossierSubmitted>().FirstOrDefault(), list.OfType<DossierStatusChanged>().ToList(),
            list.OfType<DossierSynced>().ToList(), list.OfType<PaymentSucceeded>().ToList(), list.OfType<ApologyIssued>().ToList()));
    }

    [Fact]
    public void A_whole_lifecycle_folds_into_the_facts_the_indicators_need()
    {
        var f = Fold(PausedButOnTime(Code));
        Assert.Equal(Received, f.ReceivedAt);
        Assert.Equal(Due, f.OriginalDueAt);
        Assert.Equal(Due.AddDays(2), f.EndedAt); // status 9 wins over the later 10
        Assert.Equal(9, f.EndStatus);
        Assert.Equal(10, f.Status);
        Assert.Equal(2 * 86_400, f.PausedSeconds); // read off 5 → 4
        Assert.Equal(1, f.SupplementRequests);
        Assert.Null(f.PendingSupplementSince);
        Assert.Equal((50_000L, true, true, true, true, true), (f.FeeTotal, f.PaidOnline, f.Digitised, f.PopulationData, f.Citizen, f.ElectronicResult));
        Assert.Equal((7L, 7L), (f.SyncedSequence, f.LastSequence));
        Assert.Equal(Verdict.OnTime, OnTime.Judge(f, At("2026-12-01T00:00"), RepeatedSupplement.Always));
    }

    [Fact]
    public void Any_order_and_any_duplicates_give_the_same_facts()
    {
        var events = PausedButOnTime(Code);
        var expected = Fold(events);
        var random = new Random(766);
        for (var i = 0; i < 20; i++)
        {
            var shuffled = events.Concat(events.Take(random.Next(events.Count))).OrderBy(_ => random.Next()).ToList();
            Assert.Equal(expected, Fold(shuffled));
        }
    }

    [Fact]
    public void A_missing_event_is_a_gap_not_a_wrong_fact_and_filling_it_converges()
    {
        var events = PausedButOnTime(Code);
        var withoutResume = events.Where(e => e is not DossierStatusChanged { Sequence: 5 }).ToList();
        // Without the 5 → 4 event, the round looks unanswered: the dossier ends, in effect, at its request.
        Assert.Equal(At("2026-11-06T09:00"), Fold(withoutResume).PendingSupplementSince);
        Assert.Equal(Fold(events), Fold(withoutResume.Append(events.Single(e => e is DossierStatusChanged { Sequence: 5 }))));
    }

    [Fact]
    public void Processings_supplement_rounds_are_used_when_an_event_carries_them()
    {
        var rounds = new[] { new SupplementRound(At("2026-11-06T09:00"), At("2026-11-06T21:00"), Due, Due.AddHours(12)) };
        var events = PausedButOnTime(Code).Select(e => e is DossierStatusChanged { Sequence: 7 } s ? s with { Supplements = rounds } : e);
        Assert.Equal(12 * 3_600, Fold(events).PausedSeconds);
    }

    [Fact]
    public void Two_requests_are_counted_from_the_status_sequence()
    {
        List<object> events =
        [
            Status(Code, 2, DossierStatus.Received, Received),
            Status(Code, 3, DossierStatus.InProcessing, Received.AddHours(1)),
            Status(Code, 4, DossierStatus.SupplementRequested, At("2026-11-06T09:00")),
            Status(Code, 5, DossierStatus.InProcessing, At("2026-11-06T10:00")),
            Status(Code, 6, DossierStatus.SupplementRequested, At("2026-11-07T09:00")),
        ];
        var f = Fold(events);
        Assert.Equal((2, 3_600L, At("2026-11-07T09:00")), (f.SupplementRequests, f.PausedSeconds, f.PendingSupplementSince));
        Assert.Equal(Verdict.Late, OnTime.Judge(f, At("2026-11-08T00:00"), RepeatedSupplement.OnlyWhilePending));
    }

    [Fact]
    public void Refused_at_reception_is_never_received_and_contributes_nothing()
    {
        var f = Fold([Submitted(Code), Status(Code, 1, DossierStatus.Submitted, Received), Status(Code, 2, DossierStatus.Refused, Received.AddHours(1))]);
        Assert.Null(f.ReceivedAt);
        Assert.Null(f.EndedAt);
        Assert.Equal(3, f.Status);
        Assert.True(Tally.Of(f).IsZero);
    }

    [Fact]
    public void The_paper_result_fact_comes_from_the_submission_and_stays_unknown_without_it()
    {
        List<object> Events(bool? paper) => [Submitted(Code) with { PaperResult = paper }, Status(Code, 2, DossierStatus.Received, Received)];
        Assert.Equal(true, Fold(Events(true)).PaperResult);
        Assert.Equal(false, Fold(Events(false)).PaperResult);
        Assert.Null(Fold(Events(null)).PaperResult);
        Assert.Null(Fold([Status(Code, 2, DossierStatus.Received, Received)]).PaperResult); // the submission not seen yet
    }

    [Fact]
    public void A_zero_fee_dossier_paid_online_is_not_fee_bearing()
    {
        var f = Fold([Submitted(Code, fee: 0), Status(Code, 2, DossierStatus.Received, Received),
            new PaymentSucceeded(Code, "R", "T", 0, Received, PaidOnlineChannel.LocalGateway)]);
        var tally = Tally.Of(f);
        Assert.Equal((0L, 0L, 1L), (tally.FeeBearing, tally.PaidOnline, tally.Received));
    }
}

using Procedures.Calendar;
using Procedures.Contracts;
using Procedures.Processing.Dossiers;

namespace Procedures.Services.Tests;

/// <summary>
/// What a status step announces beside its DossierStatusChanged: Payment is sent the steps of dossiers with fees only, Intake
/// only the electronic results of a returned dossier; every other step goes to nobody but the status event's consumers.
/// </summary>
public sealed class NarrowAnnouncementsTests
{
    private const string Code = "26740.H29-260310-0001";
    private static readonly DateTimeOffset At = DateTimeOffset.Parse("2026-03-10T09:00:00+07:00");

    private static DossierStatusChanged Step(DossierStatus status, params ResultDocument[] results)
        => new(Code, 7, status, At, "…", Results: results);

    [Fact]
    public void A_step_of_a_dossier_without_fees_and_not_returned_announces_nothing_more()
        => Assert.Empty(NarrowAnnouncements.For(Step(DossierStatus.AwaitingPayment), feesVnd: 0));

    [Fact]
    public void Every_step_of_a_dossier_with_fees_is_announced_to_payment_with_its_sequence_and_status()
    {
        Assert.Equal(new object[] { new FeeBearingStatusChanged(Code, 7, DossierStatus.AwaitingPayment, At) },
            NarrowAnnouncements.For(Step(DossierStatus.AwaitingPayment), feesVnd: 20_000));
        Assert.Equal(new object[] { new FeeBearingStatusChanged(Code, 7, DossierStatus.Received, At) },
            NarrowAnnouncements.For(Step(DossierStatus.Received), feesVnd: 1));
    }

    [Fact]
    public void A_returned_dossier_announces_its_electronic_results_only_and_none_when_it_has_none()
    {
        var electronic = new ResultDocument("Giấy khai sinh (bản điện tử)", "KQ-1", "file://kq-1");
        var paper = new ResultDocument("Giấy khai sinh (bản giấy)", null, null);

        var returned = Assert.IsType<ElectronicResultsReturned>(Assert.Single(NarrowAnnouncements.For(Step(DossierStatus.Returned, paper, electronic), 0)));
        Assert.Equal((Code, 7L, At), (returned.DossierCode, returned.Sequence, returned.ReturnedAt));
        Assert.Equal(new[] { electronic }, returned.Results);

        Assert.Empty(NarrowAnnouncements.For(Step(DossierStatus.Returned, paper), 0));
        Assert.Empty(NarrowAnnouncements.For(Step(DossierStatus.Decided, electronic), 0)); // decided, not yet returned
        Assert.Equal(2, NarrowAnnouncements.For(Step(DossierStatus.Returned, electronic), 20_000).Count());
    }

    [Fact]
    public void The_decisions_put_the_narrow_announcements_after_the_step_they_belong_to()
    {
        var message = new DossierSubmitted(Code, "1.003677", "26740.H29", SubmissionChannel.Online, "Trần Văn An", At,
            Fees: [new DossierFee("LP01", "Lệ phí", 20_000)]);
        var fee = DossierDecisions.Submit(message, WorkingCalendar.Default).Events;
        Assert.Equal(new FeeBearingStatusChanged(Code, 1, DossierStatus.Submitted, At), Assert.IsType<FeeBearingStatusChanged>(fee[1]));
        Assert.Equal(2, fee.Count);

        var free = DossierDecisions.Submit(message with { Fees = [] }, WorkingCalendar.Default).Events;
        Assert.IsType<DossierStatusChanged>(Assert.Single(free));
    }
}

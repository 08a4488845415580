using Procedures.Calendar;
using Procedures.Contracts;
using Procedures.Processing.Dossiers;

namespace Procedures.Services.Tests;

public sealed class LifecycleTests
{
    private static readonly WorkingCalendar Calendar = WorkingCalendar.Default;
    private static readonly DateTimeOffset Friday = DateTimeOffset.Parse("2026-02-13T09:00:00+07:00");

    private static DossierClock At(DossierStatus status, int supplements = 0) => new(status, 5, SubmissionChannel.Online, Friday,
        new ProcessingTerm(3, "working-days"), Friday, Friday.AddDays(12), Friday.AddDays(12),
        status == DossierStatus.SupplementRequested ? Friday.AddDays(1) : null, 0, supplements);

    public static TheoryData<DossierStatus, DossierAction> EveryStatusAndAction()
    {
        var data = new TheoryData<DossierStatus, DossierAction>();
        foreach (var s in Enum.GetValues<DossierStatus>())
        foreach (var a in Enum.GetValues<DossierAction>())
            data.Add(s, a);
        return data;
    }

    /// <summary>The table of DOMAIN.md, written out independently of the code's own table.</summary>
    private static bool LegallyAllowed(DossierStatus from, DossierAction action) => (from, action) switch
    {
        (DossierStatus.Submitted, DossierAction.Accept or DossierAction.Refuse) => true,
        (DossierStatus.Received, DossierAction.StartProcessing or DossierAction.Withdraw) => true,
        (DossierStatus.InProcessing, DossierAction.RequestSupplement or DossierAction.RequestPayment or DossierAction.Stop
            or DossierAction.Decide or DossierAction.Withdraw) => true,
        (DossierStatus.SupplementRequested, DossierAction.SupplementReceived or DossierAction.Stop or DossierAction.Refuse) => true,
        (DossierStatus.AwaitingPayment, DossierAction.PaymentConfirmed) => true,
        (DossierStatus.Decided, DossierAction.ReturnResult) => true,
        _ => false,
    };

    [Theory]
    [MemberData(nameof(EveryStatusAndAction))]
    public void Every_allowed_transition_is_taken_and_every_illegal_one_refused(DossierStatus from, DossierAction action)
    {
        var decision = Lifecycle.Decide(At(from), action, Friday.AddDays(2), Calendar);

        Assert.Equal(LegallyAllowed(from, action), decision.Accepted);
        if (decision.Accepted)
        {
            Assert.Equal(Lifecycle.Target(action), decision.After!.Status);
            Assert.Equal(6, decision.After.Sequence);
        }
        else
        {
            Assert.Equal("illegal-transition", decision.ProblemType);
            Assert.Contains($"Status {(int)from}", decision.Detail);
        }
    }

    [Fact]
    public void Accepting_sets_both_appointment_dates_from_the_working_day_calendar()
    {
        var clock = At(DossierStatus.Submitted) with { ReceivedAt = null, AppointmentAt = null, OriginalAppointmentAt = null };

        var after = Lifecycle.Decide(clock, DossierAction.Accept, Friday, Calendar).After!;

        // Fri 13 Feb 2026 + 3 working days across the Tết break (16–20 Feb off) = close of Wed 25 Feb.
        Assert.Equal(DateTimeOffset.Parse("2026-02-25T17:00:00+07:00"), after.AppointmentAt);
        Assert.Equal(after.AppointmentAt, after.OriginalAppointmentAt);
        Assert.Equal(Friday, after.ReceivedAt);
    }

    [Fact]
    public void A_supplementation_pause_moves_the_citizen_date_by_the_pause_and_keeps_the_original()
    {
        var processing = At(DossierStatus.InProcessing);
        var paused = Lifecycle.Decide(processing, DossierAction.RequestSupplement, Friday.AddHours(2), Calendar).After!;
        var resumed = Lifecycle.Decide(paused, DossierAction.SupplementReceived, Friday.AddHours(2).AddDays(3).AddMinutes(30), Calendar).After!;

        Assert.Equal(processing.AppointmentAt!.Value.AddDays(3).AddMinutes(30), resumed.AppointmentAt);
        Assert.Equal(processing.OriginalAppointmentAt, resumed.OriginalAppointmentAt);
        Assert.Equal((long)TimeSpan.FromDays(3).Add(TimeSpan.FromMinutes(30)).TotalSeconds, resumed.PausedSeconds);
        Assert.Null(resumed.PausedAt);
        Assert.False(Lifecycle.CountsOverdueForSupplements(resumed));
    }

    [Fact]
    public void A_second_supplementation_request_is_allowed_but_flagged()
    {
        var once = At(DossierStatus.InProcessing, supplements: 1);
        var twice = Lifecycle.Decide(once, DossierAction.RequestSupplement, Friday.AddDays(1), Calendar).After!;

        Assert.Equal(2, twice.SupplementRequests);
        Assert.True(Lifecycle.CountsOverdueForSupplements(twice));
    }

    [Fact]
    public void A_procedure_without_a_processing_time_cannot_be_accepted()
    {
        var decision = Lifecycle.Decide(At(DossierStatus.Submitted) with { Term = null }, DossierAction.Accept, Friday, Calendar);
        Assert.Equal("no-processing-time", decision.ProblemType);
    }
}

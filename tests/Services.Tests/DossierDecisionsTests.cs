using Procedures.Calendar;
using Procedures.Contracts;
using Procedures.Processing.Dossiers;

namespace Procedures.Services.Tests;

/// <summary>
/// The decisions on a stored dossier, without a database: the state each one leaves (clock and the moments kept beside it)
/// and every event it raises, field by field — what the store persists and appends as given.
/// </summary>
[Trait("Kind", "Pure")]
public sealed class DossierDecisionsTests
{
    private static readonly WorkingCalendar Calendar = WorkingCalendar.Default;
    private static readonly ClockSettings Settings = new() { AtRiskLeadWorkingDays = 1 };
    private const string Code = "26740.H29-260310-0001";
    // Tuesday 10 March 2026, 09:00 in Vietnam: a working morning far from Tết.
    private static readonly DateTimeOffset Submitted = DateTimeOffset.Parse("2026-03-10T09:00:00+07:00");
    private static readonly DateTimeOffset Appointment = DateTimeOffset.Parse("2026-03-13T17:00:00+07:00");
    private static readonly Step Officer = new("Nguyễn Thị Hoa", "Chuyên viên", "Phòng Tư pháp", "Đã xử lý");

    private static DossierClock At(DossierStatus status) => new(status, 5, SubmissionChannel.Online, Submitted,
        new ProcessingTerm(3, "working-days"), Submitted, Appointment, Appointment,
        status == DossierStatus.SupplementRequested ? Submitted.AddDays(1) : null, 0, 0);

    /// <summary>A dossier as loaded, its moments as the last save left them.</summary>
    private static DossierRecord Stored(DossierClock clock, DateTimeOffset? endedAt = null, int apologies = 0)
    {
        var dueAt = clock.DueAt?.ToUniversalTime();
        return new DossierRecord(Code, 7, clock, "26740.H29", "26737.H29", "1.003677",
            new DossierMoments(dueAt, Deadlines.AtRiskAt(dueAt, Calendar, Settings), Submitted.AddDays(1), endedAt, apologies));
    }

    /// <summary>The step's status event; what follows it is exactly that step's narrow announcements (NarrowAnnouncementsTests).</summary>
    private static DossierStatusChanged StatusEvent(DossierChange change)
    {
        var status = Assert.IsType<DossierStatusChanged>(change.Events[0]);
        // As JSON: a record holding a list compares the list by reference.
        static string Json(IEnumerable<object> events) => System.Text.Json.JsonSerializer.Serialize(events.Select(e => new { Type = e.GetType().Name, Event = e }));
        Assert.Equal(Json(NarrowAnnouncements.For(status, change.After.Clock.FeesVnd)), Json(change.Events.Skip(1)));
        return status;
    }

    [Fact]
    public void Submission_is_status_1_at_sequence_1_and_its_event_says_only_what_is_known_at_submission()
    {
        var message = new DossierSubmitted(Code, "1.003677", "26740.H29", SubmissionChannel.Online, "Trần Văn An", Submitted,
            Fees: [new DossierFee("LP01", "Lệ phí", 20_000), new DossierFee("P02", "Phí", 5_000)], ProcessingTime: new ProcessingTerm(3, "working-days"));

        var change = DossierDecisions.Submit(message, Calendar);

        var after = change.After;
        Assert.Equal((Code, "26740.H29", "26740.H29", "1.003677"), (after.Code, after.ReceivingUnit, after.DecidingAgency, after.ProcedureCode));
        Assert.Equal((DossierStatus.Submitted, 1L, SubmissionChannel.Online, Submitted), (after.Clock.Status, after.Clock.Sequence, after.Clock.Channel, after.Clock.SubmittedAt));
        Assert.Equal(new ProcessingTerm(3, "working-days"), after.Clock.Term);
        Assert.Equal(25_000, after.Clock.FeesVnd);
        // Online: to be received within one working day of submission.
        Assert.Equal(new DossierMoments(null, null, Calendar.DueAfterWorkingDays(Submitted, 1).ToUniversalTime(), null, 0), after.Moments);
        Assert.Equal(new DossierStatusChanged(Code, 1, DossierStatus.Submitted, Submitted, "Tiếp nhận hồ sơ nộp mới / Dossier submitted",
            ReceivingUnit: "26740.H29", DecidingAgency: "26740.H29", ProcedureCode: "1.003677"), StatusEvent(change));

        var atDesk = DossierDecisions.Submit(message with { Channel = SubmissionChannel.InPerson, DecidingAgency = "26737.H29" }, Calendar);
        Assert.Null(atDesk.After.Moments.ReceptionDueAt);
        Assert.Equal("26737.H29", atDesk.After.DecidingAgency);
        Assert.Equal("26737.H29", StatusEvent(atDesk).DecidingAgency);
    }

    [Fact]
    public void An_accepted_action_announces_the_new_clock_and_the_step_and_computes_the_due_and_at_risk_moments()
    {
        var now = Submitted.AddHours(1);
        var record = Stored(At(DossierStatus.Submitted) with { ReceivedAt = null, AppointmentAt = null, OriginalAppointmentAt = null, Sequence = 1 });

        var decision = DossierDecisions.Decide(record, DossierAction.Accept, Officer, now, Calendar, Settings);

        var after = decision.Change!.After;
        Assert.Equal(decision.After, after.Clock);
        Assert.Equal((Code, 7L), (after.Code, after.Version)); // the version loaded, for the store's optimistic check
        var due = after.Clock.OriginalAppointmentAt!.Value.ToUniversalTime();
        Assert.Equal(Calendar.DueAfter(now, 3, DurationUnit.WorkingDays).ToUniversalTime(), due);
        Assert.Equal(due, after.Moments.DueAt);
        Assert.Equal(Calendar.WorkingDaysBefore(due, 1).ToUniversalTime(), after.Moments.AtRiskAt);
        Assert.True(after.Moments.AtRiskAt < due);
        Assert.Equal((Submitted.AddDays(1), (DateTimeOffset?)null, 0), (after.Moments.ReceptionDueAt!.Value, after.Moments.EndedAt, after.Moments.Apologies));
        Assert.Equal(new DossierStatusChanged(Code, 2, DossierStatus.Received, now, "Đã xử lý", due, due, 0, "Nguyễn Thị Hoa", "Chuyên viên",
            "Phòng Tư pháp", "26740.H29", "26737.H29", now, 0, after.Clock.Supplements, after.Clock.Results, null, false, null, "1.003677"),
            StatusEvent(decision.Change));
    }

    [Fact]
    public void A_refused_action_changes_nothing_and_raises_nothing()
    {
        var decision = DossierDecisions.Decide(Stored(At(DossierStatus.Returned)), DossierAction.Stop, Officer, Submitted, Calendar, Settings);

        Assert.False(decision.Accepted);
        Assert.Null(decision.Change);
        Assert.Equal("illegal-transition", decision.ProblemType);
    }

    [Fact]
    public void The_decision_carries_its_results_and_ends_processing_once_the_return_keeps_that_end()
    {
        var now = Submitted.AddDays(2);
        var results = new ActionDetails([new ResultDocument("Giấy chứng nhận", "KQ-01", "files/kq-01.pdf")]);

        var decided = DossierDecisions.Decide(Stored(At(DossierStatus.InProcessing)), DossierAction.Decide, Officer, now, Calendar, Settings, results).Change!;

        Assert.Equal(now, decided.After.Moments.EndedAt);
        var decidedEvent = StatusEvent(decided);
        Assert.Equal((DossierStatus.Decided, 6L), (decidedEvent.Status, decidedEvent.Sequence));
        Assert.Equal(results.Results, decidedEvent.Results);

        var returned = DossierDecisions.Decide(decided.After with { Version = 8 }, DossierAction.ReturnResult, Officer, now.AddDays(1), Calendar,
            Settings, new ActionDetails(ReturnChannel: SubmissionChannel.PublicPostal)).Change!;

        Assert.Equal(now, returned.After.Moments.EndedAt); // processing ended at 9, not at 10
        Assert.Equal((DossierStatus.Returned, SubmissionChannel.PublicPostal), (StatusEvent(returned).Status, StatusEvent(returned).ReturnChannel));
    }

    [Theory]
    [InlineData(DossierAction.Refuse, DossierStatus.Submitted)]
    [InlineData(DossierAction.Withdraw, DossierStatus.Received)]
    [InlineData(DossierAction.Stop, DossierStatus.InProcessing)]
    public void Every_other_ending_status_stamps_the_end_of_processing(DossierAction action, DossierStatus from)
    {
        var now = Submitted.AddDays(1);

        var change = DossierDecisions.Decide(Stored(At(from)), action, Officer, now, Calendar, Settings).Change!;

        Assert.Equal(now, change.After.Moments.EndedAt);
        Assert.Null(DossierDecisions.Decide(Stored(At(DossierStatus.Received)), DossierAction.StartProcessing, Officer, now, Calendar, Settings)
            .Change!.After.Moments.EndedAt);
    }

    [Fact]
    public void A_completion_request_announces_its_due_date_and_the_completion_moves_no_sequence_so_raises_nothing()
    {
        var record = Stored(At(DossierStatus.Submitted) with { ReceivedAt = null, AppointmentAt = null, OriginalAppointmentAt = null });
        var now = Submitted.AddHours(2);

        var asked = DossierDecisions.Take(record, Lifecycle.RequestCompletion(record.Clock, now, Calendar, 5), Officer, now, Calendar, Settings).Change!;

        var due = Calendar.DueAfterWorkingDays(now, 5).ToUniversalTime();
        var askedEvent = StatusEvent(asked);
        Assert.Equal((DossierStatus.Submitted, 6L, new DossierCompletionRequest(due)), (askedEvent.Status, askedEvent.Sequence, askedEvent.CompletionRequest));
        Assert.Null(askedEvent.AppointmentAt);

        var completed = DossierDecisions.Take(asked.After, Lifecycle.CompletionReceived(asked.After.Clock, now.AddDays(1)), Officer, now.AddDays(1),
            Calendar, Settings).Change!;
        Assert.Empty(completed.Events);
        Assert.Equal(now.AddDays(1), completed.After.Clock.CompletedAt);
    }

    [Fact]
    public void A_pause_that_ends_moves_the_due_moment_later_and_re_arms_the_warnings_still_ahead()
    {
        var paused = At(DossierStatus.SupplementRequested);
        var resumedAt = paused.PausedAt!.Value.AddHours(6);

        var change = DossierDecisions.Decide(Stored(paused), DossierAction.SupplementReceived, Officer, resumedAt, Calendar, Settings).Change!;

        var due = (Appointment + TimeSpan.FromHours(6)).ToUniversalTime();
        Assert.Equal(due, change.After.Moments.DueAt);
        Assert.Equal(Calendar.WorkingDaysBefore(due, 1).ToUniversalTime(), change.After.Moments.AtRiskAt);
        Assert.True(change.RearmAtRisk && change.RearmOverdue);
        Assert.Equal(21_600, StatusEvent(change).PausedSeconds);
        Assert.Equal(resumedAt, Assert.Single(StatusEvent(change).Supplements!).ReceivedAt);

        // Paused after the due moment had passed: the moments move, but stay behind now, so nothing is re-armed.
        var pausedLate = paused with { PausedAt = Appointment.AddDays(1) };
        var late = DossierDecisions.Decide(Stored(pausedLate), DossierAction.SupplementReceived, Officer, Appointment.AddDays(2), Calendar, Settings).Change!;
        Assert.Equal((Appointment + TimeSpan.FromDays(1)).ToUniversalTime(), late.After.Moments.DueAt);
        Assert.False(late.RearmAtRisk || late.RearmOverdue);
        // A step that moves no moment re-arms nothing.
        var same = DossierDecisions.Decide(Stored(At(DossierStatus.Received)), DossierAction.StartProcessing, Officer, Submitted, Calendar, Settings).Change!;
        Assert.False(same.RearmAtRisk || same.RearmOverdue);
    }

    [Fact]
    public void An_apology_announces_the_step_with_its_facts_then_ApologyIssued_and_counts_one_more_apology()
    {
        var record = Stored(At(DossierStatus.InProcessing), apologies: 1);
        var now = Appointment.AddHours(-2);
        var newDate = DateTimeOffset.Parse("2026-03-18T10:00:00+07:00").ToUniversalTime();
        var step = Officer with { Content = "Cần xác minh thêm" };

        var decision = DossierDecisions.Apologize(record, step, "Lê Thị Cúc, Chủ tịch", newDate, now, Calendar, Settings);

        var change = decision.Change!;
        Assert.Equal(2, change.After.Moments.Apologies);
        Assert.Equal(Appointment.ToUniversalTime(), change.After.Moments.DueAt); // an apology never moves the legal due moment
        Assert.Equal(2, change.Events.Count);
        var status = Assert.IsType<DossierStatusChanged>(change.Events[0]);
        Assert.Equal((DossierStatus.InProcessing, 6L, newDate, Appointment, "Cần xác minh thêm"),
            (status.Status, status.Sequence, status.AppointmentAt!.Value, status.OriginalAppointmentAt!.Value, status.Content));
        Assert.Equal(new DossierApology("Cần xác minh thêm", "Lê Thị Cúc, Chủ tịch", newDate, true), status.Apology);
        Assert.Equal(new ApologyIssued(Code, 6, now, Appointment.ToUniversalTime(), newDate, "Cần xác minh thêm", "Lê Thị Cúc, Chủ tịch", true,
            "26740.H29", "26737.H29"), change.Events[1]);

        var late = DossierDecisions.Apologize(record, step, "Lê Thị Cúc, Chủ tịch", newDate, Appointment.AddHours(1), Calendar, Settings).Change!;
        Assert.False(Assert.IsType<ApologyIssued>(late.Events[1]).OnTime);
        Assert.False(Assert.IsType<DossierStatusChanged>(late.Events[0]).Apology!.OnTime);
    }

    [Fact]
    public void A_refused_apology_keeps_its_reasons_and_raises_nothing()
    {
        var record = Stored(At(DossierStatus.InProcessing));

        var invalid = DossierDecisions.Apologize(record, Officer, "Lê Thị Cúc", Appointment.AddDays(-1), Submitted, Calendar, Settings);
        var closed = DossierDecisions.Apologize(Stored(At(DossierStatus.Decided)), Officer, "Lê Thị Cúc", Appointment.AddDays(5), Submitted, Calendar, Settings);

        Assert.Equal("not-after-appointment", Assert.Single(invalid.Invalid).Rule);
        Assert.Null(invalid.Change);
        Assert.Equal("illegal-transition", closed.ProblemType);
        Assert.Null(closed.Change);
    }

    [Fact]
    public void A_payment_returns_a_dossier_waiting_for_it_to_processing_and_otherwise_only_keeps_the_flag()
    {
        var now = Submitted.AddDays(1);
        var waiting = Stored(At(DossierStatus.AwaitingPayment) with { FeesVnd = 20_000 });

        var paid = DossierDecisions.Paid(waiting, PaidOnlineChannel.NationalPortal, "Đã thanh toán", now, Calendar, Settings);

        Assert.True(paid.After.Clock.FeePaid);
        Assert.Equal(new DossierStatusChanged(Code, 6, DossierStatus.InProcessing, now, "Đã thanh toán", Appointment, Appointment, 0,
            "Hệ thống / System", null, null, "26740.H29", "26737.H29", Submitted, 0, paid.After.Clock.Supplements, paid.After.Clock.Results,
            PaidOnlineChannel.NationalPortal, false, null, "1.003677"), StatusEvent(paid));

        var processing = Stored(At(DossierStatus.InProcessing) with { FeesVnd = 20_000, PaidOnline = PaidOnlineChannel.NationalPortal });
        var atDesk = DossierDecisions.Paid(processing, null, "Đã nộp tại bộ phận một cửa", now, Calendar, Settings);
        Assert.Empty(atDesk.Events);
        Assert.Equal((DossierStatus.InProcessing, 5L, true, PaidOnlineChannel.NationalPortal),
            (atDesk.After.Clock.Status, atDesk.After.Clock.Sequence, atDesk.After.Clock.FeePaid, atDesk.After.Clock.PaidOnline));
    }

    [Fact]
    public void The_scan_refuses_a_dossier_whose_completion_did_not_come_in_time_as_a_system_step()
    {
        var asked = At(DossierStatus.Submitted) with
        {
            ReceivedAt = null, AppointmentAt = null, OriginalAppointmentAt = null, CompletionRequestedAt = Submitted, CompletionDueAt = Submitted.AddDays(7),
        };
        var now = Submitted.AddDays(8);

        var refused = DossierDecisions.RefuseUncompleted(Stored(asked), now, Calendar, Settings)!;

        Assert.Equal(now, refused.After.Moments.EndedAt);
        var e = StatusEvent(refused);
        Assert.Equal((DossierStatus.Refused, 6L, "Hệ thống / System", (string?)null, (string?)null), (e.Status, e.Sequence, e.Actor, e.Role, e.Department));
        Assert.StartsWith("Từ chối tiếp nhận", e.Content);
        Assert.Null(DossierDecisions.RefuseUncompleted(Stored(asked), Submitted.AddDays(6), Calendar, Settings));
        Assert.Null(DossierDecisions.RefuseUncompleted(Stored(asked with { CompletedAt = Submitted.AddDays(2) }), now, Calendar, Settings));
    }

    [Fact]
    public void The_scan_raises_each_warning_with_the_due_moment_it_warns_of()
    {
        var due = new DueDossier(Code, Appointment, "26740.H29", "26737.H29", "1.003677");
        var now = Appointment.AddMinutes(1);

        var atRisk = DossierDecisions.Warn(due, ClockWarning.AtRisk, now);
        var overdue = DossierDecisions.Warn(due, ClockWarning.Overdue, now);

        Assert.Equal(new WarningRaised(Code, now, new DossierAtRisk(Code, Appointment, "26740.H29", "26737.H29", "1.003677", now)), atRisk);
        Assert.Equal(new WarningRaised(Code, now, new DossierOverdue(Code, Appointment, "26740.H29", "26737.H29", "1.003677", now)), overdue);
    }
}

using Procedures.Calendar;
using Procedures.Contracts;
using Procedures.Processing.Dossiers;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests;

[Trait("Kind", "Pure")]
public sealed class LifecycleTests
{
    private static readonly WorkingCalendar Calendar = WorkingCalendar.Default;
    private static readonly DateTimeOffset Friday = DateTimeOffset.Parse("2026-02-13T09:00:00+07:00");

    private static DossierClock At(DossierStatus status, int supplements = 0) => new(status, 5, SubmissionChannel.Online, Friday,
        new ProcessingTerm(3, "working-days"), Friday, Friday.AddDays(12), Friday.AddDays(12),
        status == DossierStatus.SupplementRequested ? Friday.AddDays(1) : null, 0, supplements);

    /// <summary>The actions as the API names them (…/actions/{name}): DOMAIN's transitions plus the fee waiver.</summary>
    private static readonly string[] ActionNames =
    [
        "accept", "refuse", "start-processing", "request-supplement", "supplement-received", "request-payment", "payment-confirmed",
        "waive-fee", "stop", "decide", "return-result", "withdraw",
    ];

    /// <summary>
    /// docs/lifecycle.md's table of allowed transitions, read from the document itself: (status, action) → the target
    /// status, or null where the document says refused. Written independently of the code's own table.
    /// </summary>
    private static readonly Dictionary<(int Status, string Action), int?> Documented = ReadDocumentedTable();

    private static Dictionary<(int, string), int?> ReadDocumentedTable()
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot.Path, "docs", "lifecycle.md"));
        static string[] Cells(string line) => line.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray();
        var header = Cells(lines.Single(l => l.StartsWith("| from \\ action", StringComparison.Ordinal)));
        Assert.Equal(ActionNames, header[1..]);
        var table = new Dictionary<(int, string), int?>();
        foreach (var line in lines.Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\| \d+ [a-z]")))
        {
            var cells = Cells(line);
            var status = int.Parse(cells[0].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            for (var i = 1; i < cells.Length; i++)
                table[(status, header[i])] = cells[i] == "—" ? null : int.Parse(cells[i], System.Globalization.CultureInfo.InvariantCulture);
        }
        Assert.Equal(10 * ActionNames.Length, table.Count); // every status has its row, every row its cells
        return table;
    }

    public static TheoryData<DossierStatus, string> EveryStatusAndAction()
    {
        var data = new TheoryData<DossierStatus, string>();
        foreach (var s in Enum.GetValues<DossierStatus>())
        foreach (var a in ActionNames)
            data.Add(s, a);
        return data;
    }

    /// <summary>The action by its API name; the waiver is a function of its own beside the transition table.</summary>
    private static Decision Act(DossierClock clock, string action, DateTimeOffset now) => action == "waive-fee"
        ? Lifecycle.WaiveFee(clock)
        : Lifecycle.Decide(clock, Enum.Parse<DossierAction>(action.Replace("-", ""), ignoreCase: true), now, Calendar);

    [Theory]
    [MemberData(nameof(EveryStatusAndAction))]
    public void Every_pair_of_status_and_action_is_allowed_or_refused_as_the_documented_table_says(DossierStatus from, string action)
    {
        // The fee rules are not what this walks: asking for payment or waiving finds a fee due, every other action a fee paid.
        var clock = At(from) with { FeesVnd = 20_000, FeePaid = action is not ("request-payment" or "waive-fee") };

        var decision = Act(clock, action, Friday.AddDays(2));

        var target = Documented[((int)from, action)];
        Assert.Equal(target is not null, decision.Accepted);
        if (decision.Accepted)
        {
            Assert.Equal(target, (int)decision.After!.Status);
            Assert.Equal(6, decision.After.Sequence);
        }
        else
        {
            Assert.Equal("illegal-transition", decision.ProblemType);
            Assert.Contains($"{(int)from}", decision.Detail);
            // The refusal names the statuses the transition table allows next (the waiver's names the statuses it acts from).
            if (action != "waive-fee")
                Assert.Equal(Documented.Where(d => d.Key.Status == (int)from && d.Key.Action != "waive-fee" && d.Value is not null)
                    .Select(d => d.Value!.Value).Distinct().Order(), decision.Allowed.Select(s => (int)s).Order());
        }
    }

    [Fact]
    public void Payment_is_asked_for_only_while_a_fee_is_due()
    {
        var processing = At(DossierStatus.InProcessing);
        foreach (var (clock, why) in new[]
                 {
                     (processing, "no fees"), (processing with { FeesVnd = 20_000, FeePaid = true }, "already paid"),
                     (processing with { FeesVnd = 20_000, FeeWaived = true }, "already paid or waived"),
                 })
        {
            var refused = Lifecycle.Decide(clock, DossierAction.RequestPayment, Friday, Calendar);
            Assert.Equal(("no-fees-due", false), (refused.ProblemType, refused.Accepted));
            Assert.Contains(why == "no fees" ? "has no fees" : "already paid or waived", refused.Detail);
        }
        var due = Lifecycle.Decide(processing with { FeesVnd = 20_000 }, DossierAction.RequestPayment, Friday, Calendar);
        Assert.Equal(DossierStatus.AwaitingPayment, due.After!.Status);
    }

    [Fact]
    public void A_fee_bearing_dossier_is_decided_only_once_its_fee_is_paid_or_waived()
    {
        var owing = At(DossierStatus.InProcessing) with { FeesVnd = 20_000 };

        var refused = Lifecycle.Decide(owing, DossierAction.Decide, Friday, Calendar);
        Assert.Equal("fee-unpaid", refused.ProblemType);
        Assert.Contains("20000 VND", refused.Detail);
        Assert.True(Lifecycle.Decide(owing with { FeePaid = true }, DossierAction.Decide, Friday, Calendar).Accepted);
        Assert.True(Lifecycle.Decide(owing with { FeeWaived = true }, DossierAction.Decide, Friday, Calendar).Accepted);
        Assert.True(Lifecycle.Decide(At(DossierStatus.InProcessing), DossierAction.Decide, Friday, Calendar).Accepted); // no fees at all
    }

    [Fact]
    public void Waiving_the_fee_moves_the_sequence_keeps_processing_and_brings_a_waiting_dossier_back_only_when_a_fee_is_due()
    {
        var owing = At(DossierStatus.InProcessing) with { FeesVnd = 20_000 };

        var kept = Lifecycle.WaiveFee(owing).After!;
        Assert.Equal((DossierStatus.InProcessing, 6L, true, false), (kept.Status, kept.Sequence, kept.FeeWaived, kept.FeeDue));
        Assert.Equal(DossierStatus.InProcessing, Lifecycle.WaiveFee(owing with { Status = DossierStatus.AwaitingPayment }).After!.Status);
        Assert.Equal("no-fees-due", Lifecycle.WaiveFee(At(DossierStatus.InProcessing)).ProblemType);
        Assert.Equal("no-fees-due", Lifecycle.WaiveFee(owing with { FeePaid = true }).ProblemType);
        Assert.Equal("no-fees-due", Lifecycle.WaiveFee(kept).ProblemType); // waived once
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
    public void A_supplementation_pause_over_Tet_moves_the_citizen_date_by_the_working_time_paused_and_keeps_the_original()
    {
        var processing = At(DossierStatus.InProcessing); // appointment Wed 25 Feb 2026 09:00
        var paused = Lifecycle.Decide(processing, DossierAction.RequestSupplement, Friday.AddHours(2), Calendar).After!;
        // Fri 13 Feb 11:00 to Mon 16 Feb 11:30, a Tết day: 30 min + 4 h on Friday, nothing over the weekend and Tết.
        var resumed = Lifecycle.Decide(paused, DossierAction.SupplementReceived, Friday.AddHours(2).AddDays(3).AddMinutes(30), Calendar).After!;

        // 4 h 30 of working time from Wed 25 Feb 09:00: 2 h 30 to 11:30, 2 h from 13:00.
        Assert.Equal(DateTimeOffset.Parse("2026-02-25T15:00:00+07:00"), resumed.AppointmentAt);
        Assert.Equal(TimeSpan.Zero, resumed.AppointmentAt!.Value.Offset); // kept in UTC like every instant
        Assert.Equal(processing.OriginalAppointmentAt, resumed.OriginalAppointmentAt);
        Assert.Equal(resumed.AppointmentAt, resumed.Supplements.Single().NewAppointmentAt);
        // The national index's measure stays the elapsed time, and the legal due moment with it.
        Assert.Equal((long)TimeSpan.FromDays(3).Add(TimeSpan.FromMinutes(30)).TotalSeconds, resumed.PausedSeconds);
        Assert.Equal(processing.OriginalAppointmentAt!.Value.AddDays(3).AddMinutes(30), resumed.DueAt);
        Assert.Null(resumed.PausedAt);
        Assert.False(Lifecycle.CountsOverdueForSupplements(resumed));
    }

    private static DossierClock Resume(string appointment, string requested, string received)
    {
        var processing = At(DossierStatus.InProcessing) with
        {
            AppointmentAt = DateTimeOffset.Parse(appointment), OriginalAppointmentAt = DateTimeOffset.Parse(appointment),
        };
        var paused = Lifecycle.Decide(processing, DossierAction.RequestSupplement, DateTimeOffset.Parse(requested), Calendar).After!;
        return Lifecycle.Decide(paused, DossierAction.SupplementReceived, DateTimeOffset.Parse(received), Calendar).After!;
    }

    [Theory]
    // The issue's round: 27 s at 14:00 moves a 17:00 appointment to 07:30:27 of the next working day, not 17:00:27.
    [InlineData("2026-12-08T17:00:00+07:00", "2026-12-07T14:00:00+07:00", "2026-12-07T14:00:27+07:00", "2026-12-09T07:30:27+07:00")]
    // Fri 16:00 to Mon 08:30: 1 h + 1 h; the weekend is not counted. Wed 17:00 + 2 h = Thu 09:30.
    [InlineData("2026-12-09T17:00:00+07:00", "2026-12-04T16:00:00+07:00", "2026-12-07T08:30:00+07:00", "2026-12-10T09:30:00+07:00")]
    // Over the lunch break: 11:00 to 13:30 is 1 h of working time; 10:45 + 1 h = 13:15.
    [InlineData("2026-12-09T10:45:00+07:00", "2026-12-07T11:00:00+07:00", "2026-12-07T13:30:00+07:00", "2026-12-09T13:15:00+07:00")]
    // A pause wholly outside office hours (Saturday to Sunday, or one night) gives nothing back.
    [InlineData("2026-12-09T17:00:00+07:00", "2026-12-05T09:00:00+07:00", "2026-12-06T15:00:00+07:00", "2026-12-09T17:00:00+07:00")]
    [InlineData("2026-12-09T17:00:00+07:00", "2026-12-07T17:30:00+07:00", "2026-12-08T07:00:00+07:00", "2026-12-09T17:00:00+07:00")]
    public void A_pause_is_given_back_in_working_time_and_the_new_appointment_is_inside_office_hours(
        string appointment, string requested, string received, string expected)
    {
        var resumed = Resume(appointment, requested, received);

        Assert.Equal(DateTimeOffset.Parse(expected), resumed.AppointmentAt);
        Assert.True(Calendar.IsWorkingMoment(resumed.AppointmentAt!.Value));
        Assert.Equal((long)(DateTimeOffset.Parse(received) - DateTimeOffset.Parse(requested)).TotalSeconds, resumed.PausedSeconds);
    }

    [Fact]
    public void Completion_before_reception_pauses_no_clock_the_appointment_counts_from_acceptance()
    {
        // Form 02 is asked at status 1, before any appointment exists: acceptance sets the date from its own moment.
        var submitted = At(DossierStatus.Submitted) with { ReceivedAt = null, AppointmentAt = null, OriginalAppointmentAt = null };
        var asked = Lifecycle.RequestCompletion(submitted, Friday, Calendar, 5).After!;
        var completed = Lifecycle.CompletionReceived(asked, Friday.AddDays(14)).After!;
        var accepted = Lifecycle.Decide(completed, DossierAction.Accept, Friday.AddDays(14), Calendar).After!;

        Assert.Equal(Calendar.DueAfterWorkingDays(Friday.AddDays(14), 3), accepted.AppointmentAt);
        Assert.Equal(0, accepted.PausedSeconds);
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

[Trait("Kind", "Pure")]
public sealed class ApologyAndReceptionRuleTests
{
    private static readonly WorkingCalendar Calendar = WorkingCalendar.Default;
    private static readonly DateTimeOffset Due = DateTimeOffset.Parse("2026-12-10T17:00:00+07:00");
    private static readonly DateTimeOffset Later = DateTimeOffset.Parse("2026-12-15T17:00:00+07:00"); // a Tuesday

    private static DossierClock Open(DossierStatus status = DossierStatus.InProcessing, long pausedSeconds = 0, DateTimeOffset? pausedAt = null)
        => new(status, 4, SubmissionChannel.Online, Due.AddDays(-4), new ProcessingTerm(3, "working-days"), Due.AddDays(-3),
            Due.AddSeconds(pausedSeconds), Due, pausedAt, pausedSeconds, pausedAt is null ? 0 : 1);

    [Fact]
    public void An_apology_issued_exactly_at_the_due_moment_is_on_time_and_one_second_later_is_not()
    {
        Assert.True(Lifecycle.Apologize(Open(), Due, Later, Calendar).OnTime);
        Assert.False(Lifecycle.Apologize(Open(), Due.AddSeconds(1), Later, Calendar).OnTime);
    }

    [Fact]
    public void Completed_pauses_push_the_legal_due_moment_and_a_running_pause_pushes_it_as_it_runs()
    {
        var resumed = Open(pausedSeconds: 3600);
        Assert.Equal(Due.AddHours(1), resumed.DueAt);
        Assert.True(Lifecycle.Apologize(resumed, Due.AddMinutes(59), Later, Calendar).OnTime);

        var paused = Open(DossierStatus.SupplementRequested, pausedAt: Due.AddHours(-2));
        Assert.Equal(Due, paused.DueAt);
        Assert.Equal(Due.AddHours(3), paused.DueAtAsOf(Due.AddHours(1)));
        Assert.True(Lifecycle.Apologize(paused, Due.AddHours(1), Later, Calendar).OnTime);
    }

    [Fact]
    public void The_apology_moves_the_sequence_and_the_citizens_date_but_not_the_status_or_the_original_date()
    {
        var (decision, _) = Lifecycle.Apologize(Open(), Due.AddHours(-5), Later, Calendar);
        Assert.Equal((DossierStatus.InProcessing, 5L, Later, Due),
            (decision.After!.Status, decision.After.Sequence, decision.After.AppointmentAt!.Value, decision.After.OriginalAppointmentAt!.Value));
    }

    [Theory]
    [InlineData("2026-12-13T23:00:00+07:00", "not-a-working-moment")]  // the issue's Sunday 23:00
    [InlineData("2026-12-15T12:00:00+07:00", "not-a-working-moment")]  // lunch break
    [InlineData("2026-12-15T17:00:01+07:00", "not-a-working-moment")]  // a second after closing
    [InlineData("2026-12-10T16:00:00+07:00", "not-after-appointment")] // before the current appointment
    [InlineData("2026-12-10T17:00:00+07:00", "not-after-appointment")] // the current appointment itself
    public void A_new_appointment_must_be_a_working_moment_after_the_current_one(string newAppointmentAt, string rule)
    {
        var (decision, _) = Lifecycle.Apologize(Open(), Due.AddHours(-5), DateTimeOffset.Parse(newAppointmentAt), Calendar);

        Assert.False(decision.Accepted);
        var error = Assert.Single(decision.Invalid);
        Assert.Equal(("newAppointmentAt", rule), (error.Field, error.Rule));
        Assert.False(string.IsNullOrWhiteSpace(error.Vi));
    }

    [Fact]
    public void A_new_appointment_may_be_any_working_moment_after_the_current_one_and_a_weekend_before_it_breaks_both_rules()
    {
        Assert.True(Lifecycle.Apologize(Open(), Due.AddHours(-5), DateTimeOffset.Parse("2026-12-11T07:30:00+07:00"), Calendar).Decision.Accepted);
        Assert.True(Lifecycle.Apologize(Open(), Due.AddHours(-5), DateTimeOffset.Parse("2026-12-11T11:30:00+07:00"), Calendar).Decision.Accepted);
        var (both, _) = Lifecycle.Apologize(Open(), Due.AddHours(-5), DateTimeOffset.Parse("2026-12-06T10:00:00+07:00"), Calendar);
        Assert.Equal(["not-a-working-moment", "not-after-appointment"], both.Invalid.Select(e => e.Rule));
        // Once the appointment has passed, the new date must also be after now.
        var (past, _) = Lifecycle.Apologize(Open(), Due.AddDays(1).AddHours(-1), DateTimeOffset.Parse("2026-12-11T15:00:00+07:00"), Calendar);
        Assert.Equal("not-after-appointment", Assert.Single(past.Invalid).Rule);
    }

    [Fact]
    public void A_closed_dossier_is_a_conflict_whatever_the_date()
    {
        var (decision, _) = Lifecycle.Apologize(Open(DossierStatus.Decided), Due.AddHours(-5), DateTimeOffset.Parse("2026-12-13T23:00:00+07:00"), Calendar);
        Assert.Equal("illegal-transition", decision.ProblemType);
        Assert.Empty(decision.Invalid);
    }

    [Theory]
    [InlineData(DossierStatus.Submitted)]
    [InlineData(DossierStatus.Refused)]
    [InlineData(DossierStatus.Withdrawn)]
    [InlineData(DossierStatus.Stopped)]
    [InlineData(DossierStatus.Decided)]
    [InlineData(DossierStatus.Returned)]
    public void No_apology_once_the_dossier_is_decided_or_closed(DossierStatus status)
        => Assert.False(Lifecycle.Apologize(Open(status), Due.AddHours(-5), Later, Calendar).Decision.Accepted);

    [Fact]
    public void Completion_is_asked_once_before_reception_and_only_a_timely_completion_counts()
    {
        var submitted = Open(DossierStatus.Submitted) with { Sequence = 1 };
        var asked = Lifecycle.RequestCompletion(submitted, Due, Calendar, 5).After!;
        // The status stays 1, but the step is a step of the history: the sequence moves (issue 21: form 02 reaches the portal).
        Assert.Equal((DossierStatus.Submitted, 2L), (asked.Status, asked.Sequence));
        Assert.Equal("completion-already-requested", Lifecycle.RequestCompletion(asked, Due, Calendar, 5).ProblemType);
        Assert.False(Lifecycle.RequestCompletion(Open(), Due, Calendar, 5).Accepted);
        Assert.False(Lifecycle.CompletionExpired(asked, asked.CompletionDueAt!.Value));
        Assert.True(Lifecycle.CompletionExpired(asked, asked.CompletionDueAt!.Value.AddSeconds(1)));
        Assert.Equal("completion-too-late", Lifecycle.CompletionReceived(asked, asked.CompletionDueAt!.Value.AddSeconds(1)).ProblemType);
        Assert.False(Lifecycle.CompletionExpired(Lifecycle.CompletionReceived(asked, Due).After!, Due.AddDays(30)));
    }

    [Fact]
    public void Late_reception_applies_to_online_dossiers_after_the_close_of_the_next_working_day()
    {
        // Submitted Friday 11 Dec 2026 16:00: the next working day is Monday 14 Dec, closing 17:00.
        var friday = Open(DossierStatus.Submitted) with { SubmittedAt = DateTimeOffset.Parse("2026-12-11T16:00:00+07:00") };
        Assert.False(Lifecycle.IsLateReception(friday, DateTimeOffset.Parse("2026-12-14T17:00:00+07:00"), Calendar));
        Assert.True(Lifecycle.IsLateReception(friday, DateTimeOffset.Parse("2026-12-14T17:00:01+07:00"), Calendar));
        Assert.False(Lifecycle.IsLateReception(friday with { Channel = SubmissionChannel.InPerson },
            DateTimeOffset.Parse("2026-12-20T09:00:00+07:00"), Calendar));
    }
}

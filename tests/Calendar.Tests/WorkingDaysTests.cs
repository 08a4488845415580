namespace Procedures.Calendar.Tests;

[Trait("Kind", "Pure")]
public class WorkingDaysTests
{
    private static readonly WorkingCalendar Calendar = WorkingCalendar.Default;

    private static string Due(string received, int days) => Vn.Text(Calendar.DueAfterWorkingDays(Vn.At(received), days));

    [Fact]
    public void Period_starts_the_day_after_receipt_and_ends_at_close_of_office_hours()
        => Assert.Equal("2025-03-11 17:00 +07:00", Due("2025-03-10 09:00", 1)); // Mon -> Tue

    [Fact]
    public void Three_working_days_from_Thursday_skip_the_weekend()
        => Assert.Equal("2025-03-11 17:00 +07:00", Due("2025-03-06 10:00", 3)); // Fri, Mon, Tue

    [Fact]
    public void Two_working_days_from_the_Friday_before_Tet_2025_end_after_the_nine_day_break()
        => Assert.Equal("2025-02-04 17:00 +07:00", Due("2025-01-24 09:00", 2)); // Mon 3 Feb, Tue 4 Feb

    [Fact]
    public void Period_that_would_end_on_a_holiday_continues_to_the_next_working_day()
        => Assert.Equal("2025-05-05 17:00 +07:00", Due("2025-04-29 10:00", 1)); // 30/4–4/5 off

    [Fact]
    public void Swapped_working_Saturday_counts_as_a_working_day()
        => Assert.Equal("2025-04-26 17:00 +07:00", Due("2025-04-25 10:00", 1));

    [Fact]
    public void Receipt_after_office_hours_counts_from_the_next_working_day()
    {
        Assert.Equal("2025-03-11 17:00 +07:00", Due("2025-03-10 16:59", 1));
        Assert.Equal("2025-03-12 17:00 +07:00", Due("2025-03-10 17:00", 1));
        Assert.Equal("2025-03-12 17:00 +07:00", Due("2025-03-10 20:15", 1));
    }

    [Fact]
    public void Receipt_before_opening_counts_on_the_same_day()
        => Assert.Equal("2025-03-11 17:00 +07:00", Due("2025-03-10 06:00", 1));

    [Fact]
    public void Receipt_on_a_Saturday_is_treated_as_received_on_Monday()
        => Assert.Equal("2025-03-11 17:00 +07:00", Due("2025-03-08 09:00", 1));

    [Fact]
    public void Receipt_on_a_working_Saturday_counts_that_Saturday()
        => Assert.Equal("2025-04-28 17:00 +07:00", Due("2025-04-26 09:00", 1));

    [Fact]
    public void Receipt_during_a_holiday_is_treated_as_received_on_the_first_working_day_after()
        => Assert.Equal("2025-02-04 17:00 +07:00", Due("2025-01-29 09:00", 1)); // received Mon 3 Feb

    [Fact]
    public void Zero_working_days_end_at_close_of_the_receipt_day()
        => Assert.Equal("2025-03-10 17:00 +07:00", Due("2025-03-10 09:00", 0));

    [Fact]
    public void Receipt_time_in_UTC_is_read_as_Vietnam_time()
    {
        // 10:30 UTC is 17:30 in Vietnam: after closing.
        var due = Calendar.DueAfterWorkingDays(new DateTimeOffset(2025, 3, 10, 10, 30, 0, TimeSpan.Zero), 1);
        Assert.Equal("2025-03-12 17:00 +07:00", Vn.Text(due));
        Assert.Equal(TimeSpan.FromHours(7), due.Offset);
    }

    [Fact]
    public void Negative_period_is_rejected()
        => Assert.Throws<ArgumentOutOfRangeException>(() => Calendar.DueAfterWorkingDays(Vn.At("2025-03-10 09:00"), -1));
}

[Trait("Kind", "Pure")]
public sealed class WorkingDaysBeforeTests
{
    [Fact]
    public void One_working_day_before_a_monday_deadline_is_the_previous_friday_at_the_same_time()
        => Assert.Equal(DateTimeOffset.Parse("2026-12-11T17:00:00+07:00"),
            Procedures.Calendar.WorkingCalendar.Default.WorkingDaysBefore(DateTimeOffset.Parse("2026-12-14T17:00:00+07:00"), 1));

    [Fact]
    public void Counting_back_skips_the_days_off_of_tet()
        // Tết 2026: 14–22 Feb are off (the official table); the working day before Monday 23 Feb is Friday 13 Feb.
        => Assert.Equal(DateTimeOffset.Parse("2026-02-13T17:00:00+07:00"),
            Procedures.Calendar.WorkingCalendar.Default.WorkingDaysBefore(DateTimeOffset.Parse("2026-02-23T17:00:00+07:00"), 1));
}

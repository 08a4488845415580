namespace Procedures.Calendar.Tests;

[Trait("Kind", "Pure")]
public class WorkingHoursTests
{
    private static readonly WorkingCalendar Calendar = WorkingCalendar.Default;

    private static string Due(string received, int hours) => Vn.Text(Calendar.DueAfterWorkingHours(Vn.At(received), hours));

    [Fact]
    public void Working_hours_within_a_morning()
        => Assert.Equal("2025-03-10 10:00 +07:00", Due("2025-03-10 08:00", 2));

    [Fact]
    public void Working_hours_skip_the_lunch_break()
        => Assert.Equal("2025-03-10 14:00 +07:00", Due("2025-03-10 10:30", 2)); // 1h to 11:30, 1h from 13:00

    [Fact]
    public void Working_hours_received_during_lunch_start_at_13_00()
        => Assert.Equal("2025-03-10 14:00 +07:00", Due("2025-03-10 12:15", 1));

    [Fact]
    public void Working_hours_continue_overnight_from_the_next_opening()
        => Assert.Equal("2025-03-11 09:30 +07:00", Due("2025-03-10 16:00", 3)); // 1h Mon, 2h Tue from 07:30

    [Fact]
    public void A_full_day_of_eight_hours_ends_at_17_00_not_the_next_morning()
        => Assert.Equal("2025-03-10 17:00 +07:00", Due("2025-03-10 07:30", 8));

    [Fact]
    public void Working_hours_received_after_closing_start_at_the_next_opening()
        => Assert.Equal("2025-03-11 08:30 +07:00", Due("2025-03-10 17:30", 1));

    [Fact]
    public void Working_hours_before_opening_start_at_07_30()
        => Assert.Equal("2025-03-10 08:30 +07:00", Due("2025-03-10 06:45", 1));

    [Fact]
    public void Working_hours_skip_a_weekend_and_Tet()
        => Assert.Equal("2025-02-03 08:30 +07:00", Due("2025-01-24 16:00", 2)); // 1h Fri, 1h Mon 3 Feb

    [Fact]
    public void Forty_working_hours_are_five_working_days()
        => Assert.Equal("2025-03-14 17:00 +07:00", Due("2025-03-10 07:30", 40));

    [Fact]
    public void Working_time_can_be_a_fraction_of_an_hour()
    {
        var due = Calendar.DueAfterWorkingTime(Vn.At("2025-03-10 11:00"), TimeSpan.FromMinutes(45));
        Assert.Equal("2025-03-10 13:15 +07:00", Vn.Text(due));
    }
}

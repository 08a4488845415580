namespace Procedures.Calendar.Tests;

[Trait("Kind", "Pure")]
public class CalendarDaysTests
{
    private static readonly WorkingCalendar Calendar = WorkingCalendar.Default;

    private static string Due(string received, int days) => Vn.Text(Calendar.DueAfterCalendarDays(Vn.At(received), days));

    [Fact]
    public void Calendar_days_count_weekends()
        => Assert.Equal("2025-03-10 17:00 +07:00", Due("2025-03-03 10:00", 7)); // Mon -> Mon

    [Fact]
    public void Calendar_days_ending_on_a_Sunday_roll_to_close_of_Monday()
        => Assert.Equal("2025-03-10 17:00 +07:00", Due("2025-03-05 10:00", 4)); // Wed + 4 = Sun 9 Mar

    [Fact]
    public void Calendar_days_ending_in_Tet_roll_to_the_first_working_day_after()
        => Assert.Equal("2025-02-03 17:00 +07:00", Due("2025-01-20 10:00", 8)); // Tue 28 Jan is off

    [Fact]
    public void Calendar_days_ending_on_a_working_Saturday_end_that_Saturday()
        => Assert.Equal("2025-04-26 17:00 +07:00", Due("2025-04-22 10:00", 4));

    [Fact]
    public void Calendar_days_count_from_the_next_working_day_after_a_late_receipt()
        => Assert.Equal("2025-03-13 17:00 +07:00", Due("2025-03-07 18:00", 3)); // Fri evening -> Mon + 3
}

namespace Procedures.Calendar.Tests;

/// <summary>Working time between two instants and an instant plus working time (the measure of a supplementation pause).</summary>
[Trait("Kind", "Pure")]
public class WorkingTimeTests
{
    private static readonly WorkingCalendar Calendar = WorkingCalendar.Default;

    private static TimeSpan Between(string from, string to) => Calendar.WorkingTimeBetween(Vn.At(from), Vn.At(to));

    [Fact]
    public void Working_time_within_a_morning_is_the_elapsed_time()
        => Assert.Equal(TimeSpan.FromHours(2), Between("2025-03-10 08:00", "2025-03-10 10:00"));

    [Fact]
    public void The_lunch_break_is_not_working_time()
        => Assert.Equal(TimeSpan.FromHours(2), Between("2025-03-10 10:30", "2025-03-10 14:00")); // 1h to 11:30, 1h from 13:00

    [Fact]
    public void A_night_is_not_working_time()
        => Assert.Equal(TimeSpan.FromHours(2), Between("2025-03-10 16:00", "2025-03-11 08:30")); // 1h Mon, 1h Tue

    [Fact]
    public void A_weekend_is_not_working_time()
        => Assert.Equal(TimeSpan.FromSeconds(27),
            Calendar.WorkingTimeBetween(Vn.At("2025-03-14 17:00").AddSeconds(-27), Vn.At("2025-03-17 07:30")));

    [Fact]
    public void The_Tet_break_is_not_working_time()
        // Fri 24 Jan 2025 16:00 to Mon 3 Feb 08:00: 27–31 Jan are Tết days off, so 1h on Friday and 30 min on Monday.
        => Assert.Equal(TimeSpan.FromMinutes(90), Between("2025-01-24 16:00", "2025-02-03 08:00"));

    [Theory]
    [InlineData("2025-03-15 10:00", "2025-03-16 15:00")] // Saturday to Sunday
    [InlineData("2025-03-10 17:00", "2025-03-11 07:30")] // closing to the next opening
    [InlineData("2025-03-10 11:45", "2025-03-10 12:45")] // inside the lunch break
    [InlineData("2025-01-28 09:00", "2025-01-30 16:00")] // inside Tết
    [InlineData("2025-03-10 10:00", "2025-03-10 09:00")] // reversed
    public void A_span_outside_office_hours_has_no_working_time(string from, string to)
        => Assert.Equal(TimeSpan.Zero, Between(from, to));

    [Fact]
    public void Working_time_over_weeks_counts_eight_hours_a_working_day()
        => Assert.Equal(TimeSpan.FromHours(40), Between("2025-03-10 07:30", "2025-03-17 07:30")); // Mon to Mon: 5 days

    [Theory]
    [InlineData("2025-03-10 17:00", 27, "2025-03-11 07:30:27")]      // Monday closing + 27 s: Tuesday morning
    [InlineData("2025-03-14 17:00", 27, "2025-03-17 07:30:27")]      // Friday closing: over the weekend
    [InlineData("2025-01-24 17:00", 3600, "2025-02-03 08:30:00")]    // before Tết: after it
    [InlineData("2025-03-10 11:00", 2700, "2025-03-10 13:15:00")]    // over the lunch break
    [InlineData("2025-03-10 16:00", 3600, "2025-03-10 17:00:00")]    // uses the day up: ends at 17:00
    [InlineData("2025-03-15 10:00", 3600, "2025-03-17 08:30:00")]    // from a Saturday: the next opening
    [InlineData("2025-03-10 12:00", 60, "2025-03-10 13:01:00")]      // from the lunch break
    public void Adding_working_time_lands_inside_office_hours(string start, int seconds, string expected)
    {
        var end = Calendar.AddWorkingTime(Vn.At(start), TimeSpan.FromSeconds(seconds));
        Assert.Equal(expected, end.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(TimeSpan.FromHours(7), end.Offset);
        Assert.True(Calendar.IsWorkingMoment(end));
    }

    [Fact]
    public void Adding_no_working_time_keeps_the_instant()
        => Assert.Equal(Vn.At("2025-03-14 17:00"), Calendar.AddWorkingTime(Vn.At("2025-03-14 17:00"), TimeSpan.Zero));

    [Fact]
    public void Adding_is_the_inverse_of_measuring_over_a_grid_of_starts_and_amounts()
    {
        var starts = Enumerable.Range(0, 14 * 24 * 4).Select(i => Vn.At("2025-01-20 00:00").AddMinutes(15 * i + 7)); // across Tết
        var amounts = new[] { 1, 27, 3_599, 4 * 3600, 8 * 3600, 8 * 3600 + 1, 30 * 3600 }.Select(s => TimeSpan.FromSeconds(s)).ToArray();
        var checkedPairs = 0;
        foreach (var start in starts)
        foreach (var amount in amounts)
        {
            var end = Calendar.AddWorkingTime(start, amount);
            Assert.Equal(amount, Calendar.WorkingTimeBetween(start, end));
            Assert.True(Calendar.IsWorkingMoment(end), $"{start:O} + {amount} = {end:O}");
            // Earliest such instant: a tick earlier is short of the amount.
            Assert.True(Calendar.WorkingTimeBetween(start, end.AddTicks(-1)) < amount);
            checkedPairs++;
        }
        Assert.Equal(14 * 24 * 4 * amounts.Length, checkedPairs);
    }

    [Theory]
    [InlineData("2025-03-10 07:30", true)]
    [InlineData("2025-03-10 11:30", true)]
    [InlineData("2025-03-10 17:00", true)]
    [InlineData("2025-03-10 07:29", false)]
    [InlineData("2025-03-10 12:00", false)]
    [InlineData("2025-03-10 23:00", false)]
    [InlineData("2025-03-16 10:00", false)] // Sunday
    [InlineData("2025-01-29 10:00", false)] // Tết
    public void A_working_moment_is_inside_an_office_window_of_a_working_day(string moment, bool working)
        => Assert.Equal(working, Calendar.IsWorkingMoment(Vn.At(moment)));

    [Fact]
    public void One_second_after_closing_is_not_a_working_moment()
        => Assert.False(Calendar.IsWorkingMoment(Vn.At("2025-03-10 17:00").AddSeconds(1)));
}

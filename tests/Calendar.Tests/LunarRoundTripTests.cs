namespace Procedures.Calendar.Tests;

[Trait("Kind", "Pure")]
public class LunarRoundTripTests
{
    private static readonly DateOnly First = new(1900, 1, 1);
    private static readonly DateOnly Last = new(2100, 12, 31);

    [Fact]
    public void Every_day_1900_to_2100_converts_to_lunar_and_back_to_itself()
    {
        var failures = new List<string>();
        for (var date = First; date <= Last; date = date.AddDays(1))
        {
            var lunar = VietnameseLunarCalendar.ToLunar(date);
            var back = VietnameseLunarCalendar.ToSolar(lunar);
            if (back != date)
                failures.Add($"{Vn.Text(date)} -> {lunar} -> {Vn.Text(back)}");
        }
        Assert.Empty(failures);
    }

    [Fact]
    public void Consecutive_days_advance_the_lunar_date_by_one_day_or_start_a_29_or_30_day_month()
    {
        var failures = new List<string>();
        var previous = VietnameseLunarCalendar.ToLunar(First);
        var monthStart = (DateOnly?)null;
        for (var date = First.AddDays(1); date <= Last; date = date.AddDays(1))
        {
            var lunar = VietnameseLunarCalendar.ToLunar(date);
            if (lunar.Day == 1)
            {
                if (monthStart is { } start && date.DayNumber - start.DayNumber is not (29 or 30))
                    failures.Add($"month starting {Vn.Text(start)} has {date.DayNumber - start.DayNumber} days");
                if (!IsNextMonth(previous, lunar))
                    failures.Add($"{Vn.Text(date)}: {previous} followed by {lunar}");
                monthStart = date;
            }
            else if (lunar != new LunarDate(previous.Day + 1, previous.Month, previous.Year, previous.IsLeapMonth))
            {
                failures.Add($"{Vn.Text(date)}: {previous} followed by {lunar}");
            }
            previous = lunar;
        }
        Assert.Empty(failures);
    }

    [Fact]
    public void Each_lunar_year_has_12_months_or_13_with_one_leap_month()
    {
        var monthsByYear = new Dictionary<int, List<LunarDate>>();
        for (var date = new DateOnly(1900, 2, 1); date <= new DateOnly(2100, 1, 1); date = date.AddDays(1))
        {
            var lunar = VietnameseLunarCalendar.ToLunar(date);
            if (lunar.Day == 1)
                (monthsByYear.TryGetValue(lunar.Year, out var list) ? list : monthsByYear[lunar.Year] = []).Add(lunar);
        }

        foreach (var (year, months) in monthsByYear.Where(y => y.Key is > 1900 and < 2099))
        {
            var leaps = months.Count(m => m.IsLeapMonth);
            Assert.True(months.Count == 12 + leaps && leaps <= 1, $"lunar year {year}: {string.Join(", ", months)}");
        }
    }

    private static bool IsNextMonth(LunarDate previous, LunarDate next)
    {
        if (next.IsLeapMonth)
            return next.Month == previous.Month && next.Year == previous.Year && !previous.IsLeapMonth;
        var expectedMonth = previous.Month % 12 + 1;
        var expectedYear = previous.Month == 12 ? previous.Year + 1 : previous.Year;
        return next.Month == expectedMonth && next.Year == expectedYear;
    }
}

using System.Globalization;

namespace Procedures.Calendar.Tests;

/// <summary>
/// .NET's ChineseLunisolarCalendar is an independent implementation (its own tables, for UTC+8,
/// 1901-02-19 to 2101-01-28). It checks the algorithm twice: run at UTC+8 our code should agree with
/// it almost everywhere, and at UTC+7 the differences should be exactly the years where Vietnam is known
/// to celebrate Tết on another day.
/// </summary>
[Trait("Kind", "Pure")]
public class VietnamVersusChinaTests
{
    private static readonly ChineseLunisolarCalendar China = new();

    // What we found: both claims hold, computed here and by .NET for China.
    // 1985: the 1984 winter solstice came at ~16:10 UT on 21 Dec, i.e. 23:10 on 21 Dec in Hanoi but
    // 00:10 on 22 Dec in Beijing, the day a new moon began a month. In China that month holds the
    // solstice and is month 11; in Vietnam it is month 12 (month 11 began 23 Nov), so Vietnam's Tết
    // comes one whole month earlier — 21 Jan vs 20 Feb 1985 — and the leap month moves (China: a leap
    // 10th month late in 1984; Vietnam: a leap 2nd month in 1985, see the test below).
    // 2030: the new moon came at ~16:08 UT on 2 Feb, 23:08 in Hanoi but 00:08 on 3 Feb in Beijing.
    [Theory]
    [InlineData(1985, "1985-01-21", "1985-02-20")]
    [InlineData(2030, "2030-02-02", "2030-02-03")]
    public void Vietnamese_Tet_differs_from_Chinese_New_Year(int year, string vietnam, string china)
    {
        Assert.Equal(Vn.Date(vietnam), VietnameseLunarCalendar.TetNguyenDan(year));
        Assert.Equal(Vn.Date(china), ChineseNewYear(year));
    }

    [Fact]
    public void In_1985_Vietnam_has_a_leap_2nd_month_where_China_had_a_leap_10th_month_in_1984()
    {
        Assert.Equal(new LunarDate(1, 2, 1985, isLeapMonth: true), VietnameseLunarCalendar.ToLunar(new DateOnly(1985, 3, 21)));
        Assert.Equal(11, China.GetLeapMonth(1984)); // .NET counts the leap month as the 11th month of the year
        Assert.Equal(0, China.GetLeapMonth(1985));
    }

    // The full list for 1901–2100. 1968 is the Tết of the Tết Offensive, celebrated on 29 Jan in the
    // North (already on UTC+7) and 30 Jan in the South; 2007 (17 vs 18 Feb) and 2053 are the other
    // commonly cited cases. No year has the Vietnamese Tết later than the Chinese one.
    [Fact]
    public void Tet_differs_from_Chinese_New_Year_only_in_the_known_years()
    {
        var differing = Enumerable.Range(1901, 200)
            .Where(year => VietnameseLunarCalendar.TetNguyenDan(year) != ChineseNewYear(year))
            .ToArray();

        Assert.Equal([1903, 1935, 1965, 1968, 1969, 1985, 2007, 2030, 2053], differing);
        Assert.All(differing, year => Assert.True(VietnameseLunarCalendar.TetNguyenDan(year) < ChineseNewYear(year)));
    }

    // Run for UTC+8, the algorithm reproduces .NET's Chinese calendar on every day of 1901–2100 except
    // in five months where a new moon falls within minutes of midnight Beijing time; there the
    // low-precision series and .NET's tables (and published Chinese almanacs, for 2057) disagree.
    [Fact]
    public void At_UTC_plus_8_the_algorithm_matches_the_Chinese_calendar_except_five_near_midnight_new_moons()
    {
        var reckoning = new LunisolarReckoning(8);
        var firstDaysOfDisagreement = new List<string>();
        var disagreeingYesterday = false;
        for (var date = new DateOnly(1901, 2, 19); date <= new DateOnly(2100, 12, 31); date = date.AddDays(1))
        {
            var disagrees = reckoning.ToLunar(JulianDay.From(date)) != ChineseDate(date);
            if (disagrees && !disagreeingYesterday)
                firstDaysOfDisagreement.Add(Vn.Text(date));
            disagreeingYesterday = disagrees;
        }

        Assert.Equal(["1914-11-17", "1916-02-03", "1920-11-10", "2057-09-28", "2097-08-07"], firstDaysOfDisagreement);
    }

    private static DateOnly ChineseNewYear(int year) => DateOnly.FromDateTime(China.ToDateTime(year, 1, 1, 0, 0, 0, 0));

    /// <summary>.NET numbers a leap month as an extra month (1..13); renumber it our way.</summary>
    private static LunarDate ChineseDate(DateOnly date)
    {
        var time = date.ToDateTime(TimeOnly.MinValue);
        var year = China.GetYear(time);
        var month = China.GetMonth(time);
        var leapMonth = China.GetLeapMonth(year); // 0, or the 1-based index of the leap month
        var isLeap = leapMonth > 0 && month == leapMonth;
        var number = leapMonth > 0 && month >= leapMonth ? month - 1 : month;
        return new LunarDate(China.GetDayOfMonth(time), number, year, isLeap);
    }
}

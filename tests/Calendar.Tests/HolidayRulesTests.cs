namespace Procedures.Calendar.Tests;

[Trait("Kind", "Pure")]
public class HolidayRulesTests
{
    private static readonly HolidayRules Rules = HolidayRules.LabourCode2019;

    [Fact]
    public void Rules_give_the_eleven_statutory_days_of_Article_112_for_2026()
    {
        var dates = Rules.StatutoryHolidays(2026).Select(d => Vn.Text(d.Date));
        Assert.Equal(
            ["2026-01-01", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20",
             "2026-04-26", "2026-04-30", "2026-05-01", "2026-09-01", "2026-09-02"],
            dates);
    }

    [Fact]
    public void Default_Tet_placement_is_the_last_day_of_the_old_year_and_the_first_four_of_the_new()
    {
        var tet = Rules.StatutoryHolidays(2025).Where(d => d.Name == "Tết Nguyên đán").Select(d => Vn.Text(d.Date));
        Assert.Equal(["2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31", "2025-02-01"], tet);
    }

    [Fact]
    public void Tet_day_on_a_Saturday_is_made_up_on_the_next_free_weekday()
    {
        // Default placement for 2025 ends on Saturday 1 Feb, so Monday 3 Feb is the compensatory day.
        var compensatory = Rules.WeekdaysOff(2025).Where(d => d.Kind == SpecialDayKind.CompensatoryDayOff);
        Assert.Equal([Vn.Date("2025-02-03")], compensatory.Select(d => d.Date));
    }

    [Fact]
    public void Gio_To_on_a_Sunday_gives_the_Monday_off()
    {
        var day = Assert.Single(Rules.WeekdaysOff(2026), d => d.Date == Vn.Date("2026-04-27"));
        Assert.Equal(SpecialDayKind.CompensatoryDayOff, day.Kind);
    }

    [Fact]
    public void Without_compensation_a_weekend_holiday_gives_no_weekday_off()
    {
        var rules = Rules with { CompensateHolidaysOnRestDays = false };
        Assert.DoesNotContain(rules.WeekdaysOff(2026), d => d.Date == Vn.Date("2026-04-27"));
    }

    [Fact]
    public void National_Day_adjacent_day_defaults_to_1_September_and_can_be_3_September()
    {
        Assert.Contains(Rules.WeekdaysOff(2025), d => d.Date == Vn.Date("2025-09-01"));
        var after = Rules with { NationalDayAdjacent = NationalDayAdjacentDay.After };
        Assert.Contains(after.WeekdaysOff(2025), d => d.Date == Vn.Date("2025-09-03"));
        Assert.DoesNotContain(after.WeekdaysOff(2025), d => d.Date == Vn.Date("2025-09-01"));
    }

    [Fact]
    public void When_1_September_is_a_Sunday_the_compensatory_day_is_3_September()
    {
        var september = Rules.WeekdaysOff(2024).Where(d => d.Date.Month == 9).Select(d => Vn.Text(d.Date));
        Assert.Equal(["2024-09-02", "2024-09-03"], september);
    }

    // The rules with the year's Tết placement reproduce each official schedule, except the days the
    // government swapped for a Saturday — which is why a per-year override table is needed at all.
    [Theory]
    [InlineData(2024, 2, new[] { "2024-04-29" })]
    [InlineData(2025, 2, new[] { "2025-05-02" })]
    [InlineData(2026, 1, new[] { "2026-01-02", "2026-08-31" })]
    public void Rules_reproduce_the_official_schedule_except_its_swapped_days(int year, int tetDaysBefore, string[] swapped)
    {
        var rules = Rules with { TetDaysBeforeNewYear = tetDaysBefore };
        Assert.True(CalendarOverrides.Default.TryGet(year, out var official));

        var expected = official.DaysOff.Select(d => Vn.Text(d.Date)).Except(swapped);
        Assert.Equal(expected, rules.WeekdaysOff(year).Select(d => Vn.Text(d.Date)));
        Assert.All(official.DaysOff.Where(d => swapped.Contains(Vn.Text(d.Date))),
            d => Assert.Equal(SpecialDayKind.SwappedDayOff, d.Kind));
    }

    [Fact]
    public void Tet_placement_outside_the_five_days_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Rules with { TetDaysBeforeNewYear = 5 });
        Assert.Throws<ArgumentOutOfRangeException>(() => Rules with { TetDaysBeforeNewYear = -1 });
    }
}

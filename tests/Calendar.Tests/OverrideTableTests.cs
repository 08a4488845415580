namespace Procedures.Calendar.Tests;

[Trait("Kind", "Pure")]
public class OverrideTableTests
{
    private static readonly WorkingCalendar Calendar = WorkingCalendar.Default;

    [Fact]
    public void Shipped_table_covers_2024_to_2026()
        => Assert.Equal([2024, 2025, 2026], CalendarOverrides.Default.Years);

    [Fact]
    public void Days_off_2025_are_the_official_twelve_weekdays_and_one_working_Saturday()
    {
        var days = Calendar.DaysOff(2025);
        Assert.Equal(
            ["2025-01-01", "2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31",
             "2025-04-07", "2025-04-30", "2025-05-01", "2025-05-02", "2025-09-01", "2025-09-02"],
            days.Where(d => d.IsDayOff).Select(d => Vn.Text(d.Date)));
        var saturday = Assert.Single(days, d => !d.IsDayOff);
        Assert.Equal(Vn.Date("2025-04-26"), saturday.Date);
        Assert.All(days, d => Assert.NotEmpty(d.Sources));
    }

    [Fact]
    public void Tet_2025_weekdays_off_are_27_to_31_January_with_their_basis()
    {
        var tet = Calendar.DaysOff(2025).Where(d => d.Name.StartsWith("Tết Nguyên đán", StringComparison.Ordinal)).ToList();
        Assert.Equal(["2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31"], tet.Select(d => Vn.Text(d.Date)));
        Assert.All(tet, d => Assert.Equal(SpecialDayKind.Holiday, d.Kind));
        Assert.All(tet, d => Assert.Contains("8726/VPCP-KGVX", d.Basis, StringComparison.Ordinal));
        Assert.True(Calendar.IsWorkingDay(Vn.Date("2025-01-24")));
        Assert.True(Calendar.IsWorkingDay(Vn.Date("2025-02-03")));
    }

    [Fact]
    public void National_Day_2025_is_1_and_2_September()
    {
        Assert.False(Calendar.IsWorkingDay(Vn.Date("2025-09-01")));
        Assert.False(Calendar.IsWorkingDay(Vn.Date("2025-09-02")));
        Assert.True(Calendar.IsWorkingDay(Vn.Date("2025-09-03")));
    }

    [Fact]
    public void Swapped_working_Saturday_is_a_working_day_and_its_weekday_is_off()
    {
        Assert.True(Calendar.IsWorkingDay(Vn.Date("2025-04-26")));
        Assert.False(Calendar.IsWorkingDay(Vn.Date("2025-05-02")));
        Assert.False(Calendar.IsWorkingDay(Vn.Date("2025-04-19"))); // an ordinary Saturday
        var swapped = Assert.Single(Calendar.DaysOff(2025), d => d.Date == Vn.Date("2025-05-02"));
        Assert.Equal(SpecialDayKind.SwappedDayOff, swapped.Kind);
    }

    [Fact]
    public void Days_off_2026_are_thirteen_weekdays_and_two_working_Saturdays()
    {
        var days = Calendar.DaysOff(2026);
        Assert.Equal(
            ["2026-01-01", "2026-01-02", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20",
             "2026-04-27", "2026-04-30", "2026-05-01", "2026-08-31", "2026-09-01", "2026-09-02"],
            days.Where(d => d.IsDayOff).Select(d => Vn.Text(d.Date)));
        Assert.Equal(["2026-01-10", "2026-08-22"], days.Where(d => !d.IsDayOff).Select(d => Vn.Text(d.Date)));
        Assert.True(Calendar.IsWorkingDay(Vn.Date("2026-01-10")));
        Assert.True(Calendar.IsWorkingDay(Vn.Date("2026-08-22")));
    }

    [Fact]
    public void Gio_To_2026_falls_on_Sunday_and_the_Monday_is_the_compensatory_day()
    {
        var monday = Assert.Single(Calendar.DaysOff(2026), d => d.Date == Vn.Date("2026-04-27"));
        Assert.Equal(SpecialDayKind.CompensatoryDayOff, monday.Kind);
    }

    [Fact]
    public void Unconfirmed_Vietnam_Culture_Day_2026_is_recorded_but_remains_a_working_day()
    {
        Assert.True(CalendarOverrides.Default.TryGet(2026, out var table));
        Assert.Equal(Vn.Date("2026-11-24"), Assert.Single(table.Unconfirmed).Date);
        Assert.True(Calendar.IsWorkingDay(Vn.Date("2026-11-24")));
    }

    [Fact]
    public void Days_off_2024_include_the_Tet_compensatory_days_and_4_May_is_worked()
    {
        var days = Calendar.DaysOff(2024);
        Assert.Equal(12, days.Count(d => d.IsDayOff));
        Assert.Equal(
            ["2024-02-13", "2024-02-14"],
            days.Where(d => d.Kind == SpecialDayKind.CompensatoryDayOff).Select(d => Vn.Text(d.Date)));
        Assert.True(Calendar.IsWorkingDay(Vn.Date("2024-05-04")));
    }

    [Fact]
    public void Year_with_an_override_table_ignores_the_rules_for_that_year()
    {
        // The table's days_off list is the whole truth for its year: 2 Sep is not added from the rules.
        var overrides = CalendarOverrides.Parse("""{ "years": { "2025": { "days_off": ["2025-01-01"], "working_saturdays": [] } } }""");
        var calendar = new WorkingCalendar(HolidayRules.LabourCode2019, overrides, OfficeHours.HoChiMinhCity);
        Assert.False(calendar.IsWorkingDay(Vn.Date("2025-01-01")));
        Assert.True(calendar.IsWorkingDay(Vn.Date("2025-09-02")));
        Assert.False(calendar.IsWorkingDay(Vn.Date("2027-09-02"))); // no table for 2027: rules apply
    }

    [Fact]
    public void Year_without_an_override_table_falls_back_to_the_rules()
    {
        // Tết 2027 is Saturday 6 Feb: Fri 5 Feb – Tue 9 Feb, and the weekend Tết days move to 10–11 Feb.
        Assert.Equal(Vn.Date("2027-02-06"), VietnameseLunarCalendar.TetNguyenDan(2027));
        Assert.Equal(
            ["2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11"],
            Calendar.DaysOff(2027).Where(d => d.Date.Month == 2).Select(d => Vn.Text(d.Date)));
        Assert.True(Calendar.IsWorkingDay(Vn.Date("2027-02-12")));
    }

    [Theory]
    [InlineData("""{ "years": { "2025": { "days_off": ["2025-01-05"] } } }""")] // a Sunday
    [InlineData("""{ "years": { "2025": { "working_saturdays": ["2025-04-25"] } } }""")] // a Friday
    [InlineData("""{ "years": { "2025": { "days_off": ["2024-12-31"] } } }""")] // another year
    [InlineData("""{ "years": { "2025": { "days_off": ["2025-01-01", "2025-01-01"] } } }""")] // twice
    [InlineData("""{ "years": { "2025": { "days_off": ["1 Jan 2025"] } } }""")] // not ISO
    [InlineData("""{ "years": { "next": { "days_off": [] } } }""")] // not a year
    [InlineData("""{ "title": "no years" }""")]
    [InlineData("""not json""")]
    public void Malformed_table_is_rejected(string json)
        => Assert.Throws<FormatException>(() => CalendarOverrides.Parse(json));

    [Fact]
    public void A_year_table_can_be_added_in_code()
    {
        var saturday = new SpecialDay(Vn.Date("2027-01-09"), SpecialDayKind.WorkingSaturday, "Làm bù", "test", []);
        var overrides = CalendarOverrides.Default.With(new YearOverride(2027, [], [saturday]));
        var calendar = new WorkingCalendar(HolidayRules.LabourCode2019, overrides, OfficeHours.HoChiMinhCity);

        Assert.Equal([2024, 2025, 2026, 2027], overrides.Years);
        Assert.True(calendar.IsWorkingDay(Vn.Date("2027-01-09")));
        Assert.False(WorkingCalendar.Default.IsWorkingDay(Vn.Date("2027-01-09")));
    }
}

namespace Procedures.Calendar.Tests;

[Trait("Kind", "Pure")]
public class OfficeHoursTests
{
    [Fact]
    public void Ho_Chi_Minh_City_hours_are_07_30_to_11_30_and_13_00_to_17_00()
    {
        var hours = OfficeHours.HoChiMinhCity;
        Assert.Equal("07:30-11:30,13:00-17:00", hours.ToString());
        Assert.Equal(new TimeOnly(17, 0), hours.Closing);
        Assert.Equal(TimeSpan.FromHours(8), hours.WorkingTimePerDay);
    }

    [Fact]
    public void Office_hours_parse_from_configuration_text()
    {
        var hours = OfficeHours.Parse("13:30-17:00, 08:00-12:00");
        Assert.Equal("08:00-12:00,13:30-17:00", hours.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("08:00")]
    [InlineData("12:00-08:00")]
    [InlineData("08:00-12:00,11:00-17:00")]
    [InlineData("8h-12h")]
    public void Invalid_office_hours_are_rejected(string text)
        => Assert.Throws<FormatException>(() => OfficeHours.Parse(text));

    [Fact]
    public void Custom_office_hours_change_close_of_day_and_hour_counting()
    {
        var calendar = new WorkingCalendar(HolidayRules.LabourCode2019, CalendarOverrides.Default, OfficeHours.Parse("08:00-12:00,13:30-17:30"));
        Assert.Equal("2025-03-11 17:30 +07:00", Vn.Text(calendar.DueAfterWorkingDays(Vn.At("2025-03-10 17:15"), 1)));
        Assert.Equal("2025-03-10 14:30 +07:00", Vn.Text(calendar.DueAfterWorkingHours(Vn.At("2025-03-10 11:00"), 2)));
    }
}

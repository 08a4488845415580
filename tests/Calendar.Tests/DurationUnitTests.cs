namespace Procedures.Calendar.Tests;

[Trait("Kind", "Pure")]
public class DurationUnitTests
{
    [Theory]
    [InlineData("working-days", DurationUnit.WorkingDays)]
    [InlineData("calendar-days", DurationUnit.CalendarDays)]
    [InlineData("Working-Hours", DurationUnit.WorkingHours)]
    public void Unit_text_parses_and_formats_back(string text, DurationUnit unit)
    {
        Assert.Equal(unit, DurationUnits.Parse(text));
        Assert.Equal(text.ToLowerInvariant(), unit.ToText());
    }

    [Theory]
    [InlineData("days")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_unit_text_is_rejected(string? text)
    {
        Assert.False(DurationUnits.TryParse(text, out _));
        Assert.Throws<FormatException>(() => DurationUnits.Parse(text!));
    }

    [Theory]
    [InlineData(DurationUnit.WorkingDays, 1, "2025-03-11 17:00 +07:00")]
    [InlineData(DurationUnit.CalendarDays, 5, "2025-03-17 17:00 +07:00")] // Sat 15 -> Mon 17
    [InlineData(DurationUnit.WorkingHours, 4, "2025-03-10 15:00 +07:00")] // 2h to 11:30, 2h from 13:00
    public void Due_after_dispatches_on_the_unit(DurationUnit unit, int amount, string expected)
        => Assert.Equal(expected, Vn.Text(WorkingCalendar.Default.DueAfter(Vn.At("2025-03-10 09:30"), amount, unit)));
}

namespace Procedures.Calendar;

/// <summary>
/// A date in the Vietnamese lunisolar calendar (âm lịch). <see cref="Year"/> is the Gregorian year in
/// which that lunar year's Tết falls, so 30 tháng Chạp of the year before Tết 2025 is (30, 12, 2024).
/// A leap month (tháng nhuận) repeats the number of the month before it, hence the separate flag.
/// </summary>
public readonly record struct LunarDate
{
    public LunarDate(int day, int month, int year, bool isLeapMonth = false)
    {
        // A lunar month is one synodic month, so it never has more than 30 days.
        ArgumentOutOfRangeException.ThrowIfLessThan(day, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(day, 30);
        ArgumentOutOfRangeException.ThrowIfLessThan(month, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(month, 12);
        Day = day;
        Month = month;
        Year = year;
        IsLeapMonth = isLeapMonth;
    }

    public int Day { get; }
    public int Month { get; }
    public int Year { get; }
    public bool IsLeapMonth { get; }

    public override string ToString() => IsLeapMonth ? $"{Day}/{Month} nhuận/{Year}" : $"{Day}/{Month}/{Year}";
}

namespace Procedures.Calendar;

/// <summary>
/// Julian day numbers, the day count the astronomical formulas use. DateOnly already counts days
/// in the proleptic Gregorian calendar, so the conversion is a constant shift (JDN of 1 Jan 0001).
/// </summary>
internal static class JulianDay
{
    private const int DayNumberOfJanuary1Year1 = 1721426;

    public static int From(DateOnly date) => date.DayNumber + DayNumberOfJanuary1Year1;

    public static DateOnly ToDate(int julianDayNumber) => DateOnly.FromDayNumber(julianDayNumber - DayNumberOfJanuary1Year1);
}

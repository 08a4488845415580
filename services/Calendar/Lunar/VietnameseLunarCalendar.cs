namespace Procedures.Calendar;

/// <summary>
/// The Vietnamese lunar calendar (âm lịch) for Gregorian years 1900–2100, computed with Hồ Ngọc Đức's
/// published algorithm for UTC+7. Two public holidays hang on it: Tết Nguyên Đán (1/1 lunar) and
/// Giỗ Tổ Hùng Vương (10/3 lunar).
/// </summary>
/// <remarks>
/// .NET's <see cref="System.Globalization.ChineseLunisolarCalendar"/> is not a substitute: it is
/// reckoned for UTC+8, so whenever a new moon falls between 23:00 and 24:00 Vietnam time the two
/// calendars start a month on different days — Tết 1985 (21 Jan in Vietnam, 20 Feb in China) and
/// Tết 2030 (2 Feb vs 3 Feb) among them. Vietnam adopted UTC+7 for the lunar calendar in 1968 (the
/// North in 1967, the South in 1975); dates before that are computed for UTC+7 too, as the published
/// tables do, and may differ from what was observed at the time.
/// </remarks>
public static class VietnameseLunarCalendar
{
    public const int MinYear = 1900;
    public const int MaxYear = 2100;

    /// <summary>Vietnam's meridian 105°E: UTC+7, no daylight saving.</summary>
    public const double TimeZoneHours = 7;

    private static readonly LunisolarReckoning Reckoning = new(TimeZoneHours);
    private static readonly DateOnly FirstSupported = new(MinYear, 1, 1);
    private static readonly DateOnly LastSupported = new(MaxYear, 12, 31);

    public static LunarDate ToLunar(DateOnly date)
    {
        if (date < FirstSupported || date > LastSupported)
            throw new ArgumentOutOfRangeException(nameof(date), date, $"Supported range is {MinYear}–{MaxYear}.");
        return Reckoning.ToLunar(JulianDay.From(date));
    }

    /// <exception cref="ArgumentException">The lunar year has no such leap month, or the month is shorter.</exception>
    public static DateOnly ToSolar(LunarDate date)
    {
        // Lunar year 1899 ends in January/February 1900, so it is the first one that can be asked for.
        if (date.Year < MinYear - 1 || date.Year > MaxYear)
            throw new ArgumentOutOfRangeException(nameof(date), date, $"Supported range is {MinYear}–{MaxYear}.");
        var solar = JulianDay.ToDate(Reckoning.ToDayNumber(date));
        if (solar < FirstSupported || solar > LastSupported)
            throw new ArgumentOutOfRangeException(nameof(date), date, $"Falls outside {MinYear}–{MaxYear}.");
        return solar;
    }

    public static DateOnly ToSolar(int day, int month, int year, bool isLeapMonth = false)
        => ToSolar(new LunarDate(day, month, year, isLeapMonth));

    /// <summary>Tết Nguyên Đán: 1st day of the 1st lunar month of <paramref name="year"/>.</summary>
    public static DateOnly TetNguyenDan(int year) => ToSolar(RequireYear(year, 1, 1));

    /// <summary>Giỗ Tổ Hùng Vương: 10th day of the 3rd lunar month of <paramref name="year"/>.</summary>
    public static DateOnly GioToHungVuong(int year) => ToSolar(RequireYear(year, 10, 3));

    private static LunarDate RequireYear(int year, int day, int month)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(year, MinYear);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(year, MaxYear);
        return new LunarDate(day, month, year);
    }
}

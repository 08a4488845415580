namespace Procedures.Calendar;

/// <summary>Which day next to 2 September completes the two-day National Day holiday.</summary>
public enum NationalDayAdjacentDay
{
    /// <summary>1 September.</summary>
    Before,

    /// <summary>3 September.</summary>
    After,
}

/// <summary>
/// The statutory days off of Labour Code 2019 Art. 112(1), derived for any year 1900–2100 without a
/// government notice. The Prime Minister fixes the exact Tết days and the National Day adjacent day
/// every year and often swaps days, so these rules are only the fallback for years the override table
/// (<see cref="CalendarOverrides"/>) does not cover.
/// </summary>
public sealed record HolidayRules
{
    /// <summary>The rules as the law states them, with the usual government choices as defaults.</summary>
    public static HolidayRules LabourCode2019 { get; } = new();

    /// <summary>
    /// How many of the five Tết days come before mùng 1 (the rest are mùng 1, mùng 2, …). Default 1:
    /// the last day of the old year plus the first four of the new one, the placement most yearly
    /// notices choose (2026: 29 Chạp – mùng 4); some years take two (2024, 2025).
    /// </summary>
    public int TetDaysBeforeNewYear
    {
        get => _tetDaysBeforeNewYear;
        init
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, TetLength - 1);
            _tetDaysBeforeNewYear = value;
        }
    }

    /// <summary>
    /// The second National Day holiday. Default <see cref="NationalDayAdjacentDay.Before"/> (1 Sep), the
    /// choice of 2025 and 2026; when 1 Sep is a Sunday the compensatory day lands on 3 Sep anyway (2024).
    /// </summary>
    public NationalDayAdjacentDay NationalDayAdjacent { get; init; } = NationalDayAdjacentDay.Before;

    /// <summary>
    /// Art. 111(3): a holiday that falls on a weekly rest day (Saturday or Sunday in state agencies) is
    /// made up on the next working day. On by default; it reproduces e.g. 13–14 Feb 2024 and 27 Apr 2026.
    /// </summary>
    public bool CompensateHolidaysOnRestDays { get; init; } = true;

    private const int TetLength = 5;
    private const string Article = "Labour Code 2019 Art. 112(1)";
    private int _tetDaysBeforeNewYear = 1;

    /// <summary>Every statutory holiday date of the year, weekends included, in date order.</summary>
    public IReadOnlyList<SpecialDay> StatutoryHolidays(int year)
    {
        var tet = VietnameseLunarCalendar.TetNguyenDan(year);
        var nationalDayAdjacent = NationalDayAdjacent == NationalDayAdjacentDay.Before
            ? new DateOnly(year, 9, 1)
            : new DateOnly(year, 9, 3);

        List<SpecialDay> days =
        [
            Holiday(new DateOnly(year, 1, 1), "Tết Dương lịch", $"{Article}(a): 1 January"),
            .. Enumerable.Range(-TetDaysBeforeNewYear, TetLength).Select(offset => Holiday(
                tet.AddDays(offset),
                "Tết Nguyên đán",
                $"{Article}(b): 5 days of lunar New Year, {TetDaysBeforeNewYear} before mùng 1 (placement fixed yearly by the Prime Minister)")),
            Holiday(VietnameseLunarCalendar.GioToHungVuong(year), "Giỗ Tổ Hùng Vương", $"{Article}(e): 10th day of the 3rd lunar month"),
            Holiday(new DateOnly(year, 4, 30), "Ngày Chiến thắng", $"{Article}(c): 30 April"),
            Holiday(new DateOnly(year, 5, 1), "Ngày Quốc tế Lao động", $"{Article}(d): 1 May"),
            Holiday(new DateOnly(year, 9, 2), "Quốc khánh", $"{Article}(đ): 2 September"),
            Holiday(nationalDayAdjacent, "Quốc khánh", $"{Article}(đ): day adjacent to 2 September ({NationalDayAdjacent})"),
        ];
        return [.. days.OrderBy(d => d.Date)];
    }

    /// <summary>The weekdays off the rules give for the year (holidays on weekdays plus compensatory days), in date order.</summary>
    public IReadOnlyList<SpecialDay> WeekdaysOff(int year)
    {
        var holidays = StatutoryHolidays(year);
        var taken = holidays.Where(h => !IsWeekend(h.Date)).Select(h => h.Date).ToHashSet();
        var result = holidays.Where(h => !IsWeekend(h.Date)).ToList();

        if (CompensateHolidaysOnRestDays)
        {
            // In date order, so a run of weekend holidays (Tết) takes consecutive free weekdays.
            foreach (var holiday in holidays.Where(h => IsWeekend(h.Date)))
            {
                var day = holiday.Date.AddDays(1);
                while (IsWeekend(day) || taken.Contains(day))
                    day = day.AddDays(1);
                taken.Add(day);
                result.Add(new SpecialDay(
                    day,
                    SpecialDayKind.CompensatoryDayOff,
                    $"Nghỉ bù {holiday.Name}",
                    $"Labour Code 2019 Art. 111(3): {holiday.Name} on {holiday.Date:yyyy-MM-dd} ({holiday.Date.DayOfWeek}) is made up on the next working day",
                    []));
            }
        }

        return [.. result.OrderBy(d => d.Date)];
    }

    private static SpecialDay Holiday(DateOnly date, string name, string basis)
        => new(date, SpecialDayKind.Holiday, name, basis, []);

    internal static bool IsWeekend(DateOnly date) => date.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
}

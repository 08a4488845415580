namespace Procedures.Calendar;

/// <summary>
/// The rules of the Chinese-style lunisolar calendar, reckoned for one fixed time zone, following
/// Hồ Ngọc Đức's "Thuật toán tính âm lịch":
/// <list type="bullet">
/// <item>a month starts on the local day that contains the new moon;</item>
/// <item>month 11 is the month that contains the winter solstice (sun longitude 270°);</item>
/// <item>a year from one month 11 to the next that holds 13 months has a leap month: the first month
///   after month 11 during which the sun enters no new 30° sector (no major solar term, trung khí);
///   it repeats the number of the month before it.</item>
/// </list>
/// The time zone is a parameter because it is the whole difference between the Vietnamese calendar
/// (UTC+7, meridian 105°E, since 1968) and the Chinese one (UTC+8): a new moon between 23:00 and
/// 24:00 Vietnam time falls on different days in the two countries. Days are Julian day numbers.
/// </summary>
internal sealed class LunisolarReckoning(double timeZoneHours)
{
    public double TimeZoneHours { get; } = timeZoneHours;

    /// <summary>Julian day number of the local day holding the k-th new moon.</summary>
    public int NewMoonDay(int k) => (int)Math.Floor(LunarAstronomy.NewMoon(k) + 0.5 + TimeZoneHours / 24);

    /// <summary>
    /// The 30° sector (0 = spring equinox … 9 = winter solstice … 11) the sun is in at local midnight
    /// starting day <paramref name="dayNumber"/>. Two consecutive month starts in the same sector mean
    /// the month between them has no major solar term.
    /// </summary>
    public int SunSector(int dayNumber)
        => (int)Math.Floor(LunarAstronomy.SunLongitude(dayNumber - 0.5 - TimeZoneHours / 24) / Math.PI * 6);

    /// <summary>First day of the month 11 (tháng Một) that starts in Gregorian year <paramref name="year"/>.</summary>
    public int Month11Start(int year)
    {
        var daysSinceEpoch = JulianDay.From(new DateOnly(year, 12, 31)) - 2415021;
        var k = (int)Math.Floor(daysSinceEpoch / LunarAstronomy.SynodicMonth);
        var start = NewMoonDay(k);
        // The last new moon before 31 December; if the solstice already passed when it began, the
        // solstice belongs to the month before.
        return SunSector(start) >= 9 ? NewMoonDay(k - 1) : start;
    }

    /// <summary>
    /// In a 13-month year starting at <paramref name="month11Start"/>, the offset (1..12, counted in
    /// months from that month 11) of the leap month.
    /// </summary>
    public int LeapMonthOffset(int month11Start)
    {
        var k = LunationAt(month11Start);
        var offset = 1;
        var sector = SunSector(NewMoonDay(k + offset));
        int previous;
        do
        {
            previous = sector;
            offset++;
            sector = SunSector(NewMoonDay(k + offset));
        } while (sector != previous && offset < 14);
        return offset - 1;
    }

    public LunarDate ToLunar(int dayNumber)
    {
        // k is counted from mean new moons; the true new moon can be up to ~14 hours off the mean, so
        // step back until the month starts on or before the day. The published code steps back once
        // only, which yields "day 0" for 7 May 2054 and 9 Apr 2062: on those days the mean new moon k
        // has passed but the true one comes late enough to start the next day, so both are the 30th
        // of the previous month. Stepping back again fixes it.
        var k = (int)Math.Floor((dayNumber - LunarAstronomy.FirstNewMoon) / LunarAstronomy.SynodicMonth) + 1;
        var monthStart = NewMoonDay(k);
        while (monthStart > dayNumber)
            monthStart = NewMoonDay(--k);

        // Find the month-11 starts around the date: a11 at or before the month, b11 the next one.
        var gregorianYear = JulianDay.ToDate(dayNumber).Year;
        var a11 = Month11Start(gregorianYear);
        var b11 = a11;
        int lunarYear;
        if (a11 >= monthStart)
        {
            lunarYear = gregorianYear;
            a11 = Month11Start(gregorianYear - 1);
        }
        else
        {
            lunarYear = gregorianYear + 1;
            b11 = Month11Start(gregorianYear + 1);
        }

        var day = dayNumber - monthStart + 1;
        var monthsAfter11 = (monthStart - a11) / 29; // whole months since month 11 (a month is 29 or 30 days)
        var isLeap = false;
        var month = monthsAfter11 + 11;
        if (b11 - a11 > 365) // 13 new moons between the two solstice months: this year has a leap month
        {
            var leapOffset = LeapMonthOffset(a11);
            if (monthsAfter11 >= leapOffset)
            {
                month = monthsAfter11 + 10;
                isLeap = monthsAfter11 == leapOffset;
            }
        }
        if (month > 12)
            month -= 12;
        // Months 11 and 12 (and a leap 11/12) before Tết belong to the previous lunar year.
        if (month >= 11 && monthsAfter11 < 4)
            lunarYear--;

        return new LunarDate(day, month, lunarYear, isLeap);
    }

    /// <summary>Julian day number of a lunar date; throws if the leap flag or the day does not exist.</summary>
    public int ToDayNumber(LunarDate date)
    {
        int a11, b11;
        if (date.Month < 11)
        {
            a11 = Month11Start(date.Year - 1);
            b11 = Month11Start(date.Year);
        }
        else
        {
            a11 = Month11Start(date.Year);
            b11 = Month11Start(date.Year + 1);
        }

        var k = LunationAt(a11);
        var offset = date.Month - 11;
        if (offset < 0)
            offset += 12;
        if (b11 - a11 > 365)
        {
            var leapOffset = LeapMonthOffset(a11);
            var leapMonth = leapOffset - 2; // the leap month repeats the number of the month before it
            if (leapMonth <= 0)
                leapMonth += 12;
            if (date.IsLeapMonth && date.Month != leapMonth)
                throw new ArgumentException($"Lunar year {date.Year} has no leap month {date.Month}.", nameof(date));
            if (date.IsLeapMonth || offset >= leapOffset)
                offset++;
        }
        else if (date.IsLeapMonth)
        {
            throw new ArgumentException($"Lunar year {date.Year} has no leap month.", nameof(date));
        }

        var monthStart = NewMoonDay(k + offset);
        var nextMonthStart = NewMoonDay(k + offset + 1);
        if (date.Day > nextMonthStart - monthStart)
            throw new ArgumentException($"Lunar month {date.Month}/{date.Year} has only {nextMonthStart - monthStart} days.", nameof(date));
        return monthStart + date.Day - 1;
    }

    /// <summary>The lunation number k whose new moon starts the month beginning on <paramref name="monthStart"/>.</summary>
    private static int LunationAt(int monthStart)
        => (int)Math.Floor((monthStart - LunarAstronomy.FirstNewMoon) / LunarAstronomy.SynodicMonth + 0.5);
}

namespace Procedures.Calendar;

/// <summary>
/// Working time as a quantity on the calendar: how much of it lies between two instants, and the instant an amount of it
/// ends after another. A supplementation pause is measured and given back in these terms (the law counts the pause in
/// working time), so a pause over a night, a weekend or Tết gives back only the office hours it took.
/// </summary>
public sealed partial class WorkingCalendar
{
    /// <summary>
    /// Whether <paramref name="moment"/> lies inside an office window of a working day, both ends included: 17:00 is the
    /// close of a day's period, so an appointment then is a working moment; 17:00:01, 12:00 or a Sunday are not.
    /// </summary>
    public bool IsWorkingMoment(DateTimeOffset moment)
    {
        var local = moment.ToOffset(VietnamOffset);
        var time = TimeOnly.FromDateTime(local.DateTime);
        return IsWorkingDay(DateOnly.FromDateTime(local.DateTime))
            && OfficeHours.Windows.Any(w => time >= w.Start && time <= w.End);
    }

    /// <summary>
    /// The working time between two instants: the part of [<paramref name="from"/>, <paramref name="to"/>] that lies in
    /// office windows of working days. Zero when <paramref name="to"/> is not after <paramref name="from"/>.
    /// </summary>
    public TimeSpan WorkingTimeBetween(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from)
            return TimeSpan.Zero;
        var last = DateOnly.FromDateTime(to.ToOffset(VietnamOffset).DateTime);
        var total = TimeSpan.Zero;
        for (var day = DateOnly.FromDateTime(from.ToOffset(VietnamOffset).DateTime); day <= last; day = day.AddDays(1))
        {
            if (!IsWorkingDay(day))
                continue;
            foreach (var window in OfficeHours.Windows)
            {
                var start = At(day, window.Start) > from ? At(day, window.Start) : from;
                var end = At(day, window.End) < to ? At(day, window.End) : to;
                if (end > start)
                    total += end - start;
            }
        }
        return total;
    }

    /// <summary>
    /// The instant <paramref name="duration"/> of working time after <paramref name="start"/>: the earliest instant t with
    /// <c>WorkingTimeBetween(start, t) == duration</c>. Zero gives <paramref name="start"/> back; any other amount ends
    /// inside an office window, and one that uses a window up ends at its end (17:00, not the next opening), e.g. 17:00
    /// plus 27 seconds is 07:30:27 of the next working day.
    /// </summary>
    public DateTimeOffset AddWorkingTime(DateTimeOffset start, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        if (duration == TimeSpan.Zero)
            return start;
        var local = start.ToOffset(VietnamOffset);
        var date = DateOnly.FromDateTime(local.DateTime);
        return IsWorkingDay(date)
            ? Walk(date, TimeOnly.FromDateTime(local.DateTime), duration)
            : Walk(NextWorkingDay(date), TimeOnly.MinValue, duration);
    }

    /// <summary>
    /// Spends <paramref name="remaining"/> working time from <paramref name="from"/> on the working day
    /// <paramref name="day"/> onwards, window by window; ends at a window's end when the amount uses it up exactly.
    /// </summary>
    private DateTimeOffset Walk(DateOnly day, TimeOnly from, TimeSpan remaining)
    {
        while (true)
        {
            foreach (var window in OfficeHours.Windows)
            {
                if (from >= window.End)
                    continue;
                var begin = from > window.Start ? from : window.Start;
                var available = window.End - begin;
                if (remaining <= available)
                    return At(day, begin.Add(remaining));
                remaining -= available;
            }
            day = NextWorkingDay(day);
            from = TimeOnly.MinValue;
        }
    }
}

using System.Collections.Concurrent;

namespace Procedures.Calendar;

/// <summary>
/// Which days state agencies work and when a processing period ends. Built from the statutory rules,
/// the per-year override table and the office hours; immutable and free of clocks (callers pass the
/// time), so every answer depends on its arguments alone. All results are Vietnam time (UTC+7).
/// </summary>
/// <remarks>
/// The period rules (Civil Code 2015 Art. 147–148, as applied to administrative procedures):
/// <list type="bullet">
/// <item>Receipt (the event) counts on the day it happens if that is a working day and it happens
///   before the close of office hours; otherwise it is treated as happening on the next working day.</item>
/// <item>A period in days starts the day after the event; it ends at the close of office hours of its
///   last day, and if that day is not a working day, at the close of the next working day.</item>
/// <item>Working hours run only inside the office windows of working days.</item>
/// </list>
/// </remarks>
public sealed partial class WorkingCalendar
{
    /// <summary>Vietnam keeps UTC+7 all year (no daylight saving), so a fixed offset is exact.</summary>
    public static readonly TimeSpan VietnamOffset = TimeSpan.FromHours(7);

    // No real schedule has more than a couple of weeks off in a row; this only stops a broken table
    // (every day off) from looping forever.
    private const int MaxConsecutiveDaysOff = 60;

    // Year schedules are derived on first use and never change, so caching keeps the type immutable
    // in behaviour while avoiding a lunar computation on every day stepped over.
    private readonly ConcurrentDictionary<int, YearSchedule> _years = new();

    public WorkingCalendar(HolidayRules rules, CalendarOverrides overrides, OfficeHours officeHours)
    {
        Rules = rules;
        Overrides = overrides;
        OfficeHours = officeHours;
    }

    // Lazy so that touching a static member does not parse the embedded table.
    private static readonly Lazy<WorkingCalendar> DefaultCalendar =
        new(() => new WorkingCalendar(HolidayRules.LabourCode2019, CalendarOverrides.Default, OfficeHours.HoChiMinhCity));

    /// <summary>Labour Code rules, the shipped 2024–2026 table and Ho Chi Minh City office hours.</summary>
    public static WorkingCalendar Default => DefaultCalendar.Value;

    public HolidayRules Rules { get; }
    public CalendarOverrides Overrides { get; }
    public OfficeHours OfficeHours { get; }

    public bool IsWorkingDay(DateOnly date) => ScheduleFor(date.Year).IsWorkingDay(date);

    /// <summary>
    /// Every exception to the Mon–Fri week in <paramref name="year"/>, in date order: each weekday off
    /// and each working Saturday, with its basis and sources. From the override table when it covers
    /// the year, else from the rules.
    /// </summary>
    public IReadOnlyList<SpecialDay> DaysOff(int year) => ScheduleFor(year).Days;

    /// <summary>The first working day strictly after <paramref name="date"/>.</summary>
    public DateOnly NextWorkingDay(DateOnly date)
    {
        for (var i = 0; i < MaxConsecutiveDaysOff; i++)
        {
            date = date.AddDays(1);
            if (IsWorkingDay(date))
                return date;
        }
        throw new InvalidOperationException($"No working day within {MaxConsecutiveDaysOff} days after {date:yyyy-MM-dd}; check the override table.");
    }

    /// <summary>The last working day strictly before <paramref name="date"/>.</summary>
    public DateOnly PreviousWorkingDay(DateOnly date)
    {
        for (var i = 0; i < MaxConsecutiveDaysOff; i++)
        {
            date = date.AddDays(-1);
            if (IsWorkingDay(date))
                return date;
        }
        throw new InvalidOperationException($"No working day within {MaxConsecutiveDaysOff} days before {date:yyyy-MM-dd}; check the override table.");
    }

    /// <summary>
    /// The same time of day, <paramref name="days"/> working days before <paramref name="moment"/> (Vietnam time): the
    /// "at risk" moment of a due date, e.g. 1 working day before a Monday 17:00 deadline is the previous Friday 17:00.
    /// </summary>
    public DateTimeOffset WorkingDaysBefore(DateTimeOffset moment, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        var local = moment.ToOffset(VietnamOffset);
        var day = DateOnly.FromDateTime(local.DateTime);
        for (var i = 0; i < days; i++)
            day = PreviousWorkingDay(day);
        return At(day, TimeOnly.FromDateTime(local.DateTime));
    }

    /// <summary>
    /// The working day on which an event at <paramref name="moment"/> counts: its own day if that is a
    /// working day and the office has not closed yet, else the next working day.
    /// </summary>
    public DateOnly ReceiptDay(DateTimeOffset moment)
    {
        var local = moment.ToOffset(VietnamOffset);
        var date = DateOnly.FromDateTime(local.DateTime);
        var time = TimeOnly.FromDateTime(local.DateTime);
        return IsWorkingDay(date) && time < OfficeHours.Closing ? date : NextWorkingDay(date);
    }

    /// <summary>Close of office hours on <paramref name="date"/>, in Vietnam time.</summary>
    public DateTimeOffset CloseOf(DateOnly date) => At(date, OfficeHours.Closing);

    /// <summary>
    /// Due moment of a period of <paramref name="days"/> working days: the close of the
    /// <paramref name="days"/>-th working day after the receipt day (0: the receipt day itself).
    /// </summary>
    public DateTimeOffset DueAfterWorkingDays(DateTimeOffset start, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        var day = ReceiptDay(start);
        for (var i = 0; i < days; i++)
            day = NextWorkingDay(day);
        return CloseOf(day);
    }

    /// <summary>
    /// Due moment of a period of <paramref name="days"/> calendar days: counted from the day after the
    /// receipt day; a last day that is not a working day moves to the next working day.
    /// </summary>
    public DateTimeOffset DueAfterCalendarDays(DateTimeOffset start, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        var last = ReceiptDay(start).AddDays(days);
        return CloseOf(IsWorkingDay(last) ? last : NextWorkingDay(last));
    }

    /// <summary>
    /// Due moment of <paramref name="hours"/> working hours counted from <paramref name="start"/>
    /// (or from the next opening if the office is closed then). A period that uses up a window
    /// exactly ends at that window's end, e.g. 17:00, not at the next opening.
    /// </summary>
    public DateTimeOffset DueAfterWorkingHours(DateTimeOffset start, int hours)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(hours);
        return DueAfterWorkingTime(start, TimeSpan.FromHours(hours));
    }

    /// <summary>As <see cref="DueAfterWorkingHours"/>, for a duration that is not whole hours.</summary>
    public DateTimeOffset DueAfterWorkingTime(DateTimeOffset start, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        var local = start.ToOffset(VietnamOffset);
        var day = ReceiptDay(start);
        // Counting starts now only if the receipt day is today; otherwise from that day's opening.
        var from = day == DateOnly.FromDateTime(local.DateTime) ? TimeOnly.FromDateTime(local.DateTime) : TimeOnly.MinValue;
        return Walk(day, from, duration);
    }

    /// <summary>Due moment for an amount in any <see cref="DurationUnit"/>.</summary>
    public DateTimeOffset DueAfter(DateTimeOffset start, int amount, DurationUnit unit) => unit switch
    {
        DurationUnit.WorkingDays => DueAfterWorkingDays(start, amount),
        DurationUnit.CalendarDays => DueAfterCalendarDays(start, amount),
        DurationUnit.WorkingHours => DueAfterWorkingHours(start, amount),
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, null),
    };

    private static DateTimeOffset At(DateOnly date, TimeOnly time) => new(date.ToDateTime(time), VietnamOffset);

    private YearSchedule ScheduleFor(int year) => _years.GetOrAdd(year, y => Overrides.TryGet(y, out var table)
        ? new YearSchedule([.. table.DaysOff, .. table.WorkingSaturdays])
        : new YearSchedule(Rules.WeekdaysOff(y)));

    /// <summary>One year's exceptions to the Mon–Fri week, indexed for lookups.</summary>
    private sealed class YearSchedule
    {
        private readonly HashSet<DateOnly> _weekdaysOff;
        private readonly HashSet<DateOnly> _workingSaturdays;

        public YearSchedule(IEnumerable<SpecialDay> days)
        {
            Days = [.. days.OrderBy(d => d.Date)];
            _weekdaysOff = [.. Days.Where(d => d.IsDayOff).Select(d => d.Date)];
            _workingSaturdays = [.. Days.Where(d => d.Kind == SpecialDayKind.WorkingSaturday).Select(d => d.Date)];
        }

        public IReadOnlyList<SpecialDay> Days { get; }

        public bool IsWorkingDay(DateOnly date) => date.DayOfWeek switch
        {
            DayOfWeek.Sunday => false,
            DayOfWeek.Saturday => _workingSaturdays.Contains(date),
            _ => !_weekdaysOff.Contains(date),
        };
    }
}

namespace Procedures.Calendar;

/// <summary>The unit a procedure's processing time is stated in.</summary>
public enum DurationUnit
{
    /// <summary><c>working-days</c>: Mon–Fri not off, plus make-up Saturdays.</summary>
    WorkingDays,

    /// <summary><c>calendar-days</c>: every day, but the period cannot end on a non-working day.</summary>
    CalendarDays,

    /// <summary><c>working-hours</c>: hours inside office windows on working days.</summary>
    WorkingHours,
}

/// <summary>The text form of <see cref="DurationUnit"/> used in procedure data and configuration.</summary>
public static class DurationUnits
{
    public const string WorkingDays = "working-days";
    public const string CalendarDays = "calendar-days";
    public const string WorkingHours = "working-hours";

    public static bool TryParse(string? text, out DurationUnit unit)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case WorkingDays: unit = DurationUnit.WorkingDays; return true;
            case CalendarDays: unit = DurationUnit.CalendarDays; return true;
            case WorkingHours: unit = DurationUnit.WorkingHours; return true;
            default: unit = default; return false;
        }
    }

    /// <exception cref="FormatException">Not one of working-days, calendar-days, working-hours.</exception>
    public static DurationUnit Parse(string text)
        => TryParse(text, out var unit)
            ? unit
            : throw new FormatException($"'{text}' is not a duration unit ({WorkingDays}, {CalendarDays} or {WorkingHours}).");

    public static string ToText(this DurationUnit unit) => unit switch
    {
        DurationUnit.WorkingDays => WorkingDays,
        DurationUnit.CalendarDays => CalendarDays,
        DurationUnit.WorkingHours => WorkingHours,
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, null),
    };
}

using System.Globalization;

namespace Procedures.Calendar;

/// <summary>One stretch of the working day during which the office receives and processes dossiers.</summary>
public readonly record struct OfficeWindow
{
    public OfficeWindow(TimeOnly start, TimeOnly end)
    {
        if (end <= start)
            throw new ArgumentException($"Office window {start:HH\\:mm}–{end:HH\\:mm} ends before it starts.");
        Start = start;
        End = end;
    }

    public TimeOnly Start { get; }
    public TimeOnly End { get; }
    public TimeSpan Length => End - Start;

    public override string ToString() => $"{Start:HH\\:mm}-{End:HH\\:mm}";
}

/// <summary>
/// The office's daily opening windows (Vietnam time), the same on every working day. Working hours
/// are counted only inside them, and the "close of office hours" that ends a period is the end of
/// the last window. Configurable because each province and agency sets its own.
/// </summary>
public sealed class OfficeHours
{
    public OfficeHours(IEnumerable<OfficeWindow> windows)
    {
        Windows = [.. windows.OrderBy(w => w.Start)];
        if (Windows.Count == 0)
            throw new ArgumentException("Office hours need at least one window.", nameof(windows));
        for (var i = 1; i < Windows.Count; i++)
        {
            if (Windows[i].Start < Windows[i - 1].End)
                throw new ArgumentException($"Office windows {Windows[i - 1]} and {Windows[i]} overlap.", nameof(windows));
        }
    }

    /// <summary>One Ho Chi Minh City practice: 07:30–11:30 and 13:00–17:00, a 90-minute lunch break.</summary>
    public static OfficeHours HoChiMinhCity { get; } = new(
    [
        new OfficeWindow(new TimeOnly(7, 30), new TimeOnly(11, 30)),
        new OfficeWindow(new TimeOnly(13, 0), new TimeOnly(17, 0)),
    ]);

    public IReadOnlyList<OfficeWindow> Windows { get; }

    public TimeOnly Opening => Windows[0].Start;

    /// <summary>Close of office hours: the instant a day's period ends and after which receipt counts for the next working day.</summary>
    public TimeOnly Closing => Windows[^1].End;

    public TimeSpan WorkingTimePerDay => TimeSpan.FromTicks(Windows.Sum(w => w.Length.Ticks));

    /// <summary>Parses configuration text such as <c>07:30-11:30,13:00-17:00</c>.</summary>
    /// <exception cref="FormatException">The text is not a list of HH:mm-HH:mm windows.</exception>
    public static OfficeHours Parse(string text)
    {
        try
        {
            return new OfficeHours(text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(ParseWindow));
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"'{text}' is not a list of office windows: {e.Message}", e);
        }
    }

    public override string ToString() => string.Join(",", Windows);

    private static OfficeWindow ParseWindow(string text)
    {
        var parts = text.Split('-', StringSplitOptions.TrimEntries);
        if (parts.Length != 2
            || !TimeOnly.TryParseExact(parts[0], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
            || !TimeOnly.TryParseExact(parts[1], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end))
            throw new FormatException($"'{text}' is not an HH:mm-HH:mm window.");
        return new OfficeWindow(start, end);
    }
}

namespace Procedures.Calendar;

/// <summary>A day off announced or proposed but not confirmed; recorded for review, never applied.</summary>
public sealed record UnconfirmedDayOff(DateOnly Date, string Name, string Note, IReadOnlyList<string> Sources);

/// <summary>
/// The government's actual schedule for one year. When a year has one, <see cref="DaysOff"/> is the
/// whole list of weekdays off for that year (it already holds the statutory holidays as they were
/// really placed), replacing <see cref="HolidayRules"/>; <see cref="WorkingSaturdays"/> are the
/// make-up Saturdays.
/// </summary>
public sealed class YearOverride
{
    public YearOverride(
        int year,
        IEnumerable<SpecialDay> daysOff,
        IEnumerable<SpecialDay> workingSaturdays,
        IEnumerable<UnconfirmedDayOff>? unconfirmed = null)
    {
        Year = year;
        DaysOff = [.. daysOff.OrderBy(d => d.Date)];
        WorkingSaturdays = [.. workingSaturdays.OrderBy(d => d.Date)];
        Unconfirmed = [.. unconfirmed ?? []];

        // Reject data that would silently mean something else: a weekend "day off" changes nothing,
        // a non-Saturday "working Saturday" would never be read, and a date of another year would
        // be ignored because lookups go by year.
        foreach (var day in DaysOff)
        {
            Require(day.Date.Year == year, $"day off {day.Date:yyyy-MM-dd} is not in {year}");
            Require(day.IsDayOff, $"{day.Date:yyyy-MM-dd} is listed as a day off with kind {day.Kind}");
            Require(!HolidayRules.IsWeekend(day.Date), $"day off {day.Date:yyyy-MM-dd} is a {day.Date.DayOfWeek}, not a weekday");
        }
        foreach (var day in WorkingSaturdays)
        {
            Require(day.Date.Year == year, $"working Saturday {day.Date:yyyy-MM-dd} is not in {year}");
            Require(day.Kind == SpecialDayKind.WorkingSaturday, $"{day.Date:yyyy-MM-dd} is listed as a working Saturday with kind {day.Kind}");
            Require(day.Date.DayOfWeek == DayOfWeek.Saturday, $"working Saturday {day.Date:yyyy-MM-dd} is a {day.Date.DayOfWeek}");
        }
        var duplicate = DaysOff.Concat(WorkingSaturdays).GroupBy(d => d.Date).FirstOrDefault(g => g.Count() > 1);
        Require(duplicate is null, $"{duplicate?.Key:yyyy-MM-dd} is listed twice");
    }

    public int Year { get; }
    public IReadOnlyList<SpecialDay> DaysOff { get; }
    public IReadOnlyList<SpecialDay> WorkingSaturdays { get; }
    public IReadOnlyList<UnconfirmedDayOff> Unconfirmed { get; }

    private static void Require(bool condition, string problem)
    {
        if (!condition)
            throw new ArgumentException($"Invalid override table: {problem}.");
    }
}

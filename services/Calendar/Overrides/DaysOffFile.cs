using System.Globalization;
using System.Text.Json;

namespace Procedures.Calendar;

/// <summary>
/// Reader for the vn-days-off.json format:
/// <code>
/// { "years": { "2025": {
///     "days_off": ["2025-01-01", …],            // every Mon–Fri date off: authoritative
///     "working_saturdays": ["2025-04-26"],       // make-up Saturdays: authoritative
///     "unconfirmed": [{ "date", "name", "note", "sources": [] }],
///     "periods": [{ "name", "from", "to", "non_working_weekdays", "statutory_holiday_dates",
///                   "swapped_weekdays_off", "compensatory_weekdays_off", "working_saturdays",
///                   "basis", "status", "sources": [] }],
///     "sources": [] } } }
/// </code>
/// The two date lists decide the calendar; periods only explain each date (name, basis, sources,
/// and whether it is a holiday, a swap or a compensatory day). Other fields (title, notes, totals,
/// weekend_days_inside) are documentation and are ignored.
/// </summary>
internal static class DaysOffFile
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    public static IReadOnlyList<YearOverride> Parse(string json)
    {
        FileDto file;
        try
        {
            file = JsonSerializer.Deserialize<FileDto>(json, Options)
                ?? throw new FormatException("The days-off table is empty.");
        }
        catch (JsonException e)
        {
            throw new FormatException($"The days-off table is not valid: {e.Message}", e);
        }

        if (file.Years is null)
            throw new FormatException("The days-off table has no \"years\" object.");

        var result = new List<YearOverride>();
        foreach (var (key, year) in file.Years)
        {
            if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                throw new FormatException($"\"{key}\" is not a year.");
            try
            {
                result.Add(ToOverride(number, year));
            }
            catch (ArgumentException e)
            {
                throw new FormatException($"Year {number}: {e.Message}", e);
            }
        }
        return result;
    }

    private static YearOverride ToOverride(int year, YearDto dto)
    {
        var periods = dto.Periods ?? [];
        var yearSources = dto.Sources ?? [];

        var daysOff = (dto.DaysOff ?? []).Select(date =>
        {
            var period = periods.FirstOrDefault(p => Contains(p.NonWorkingWeekdays, date)
                || Contains(p.StatutoryHolidayDates, date) || Contains(p.SwappedWeekdaysOff, date)
                || Contains(p.CompensatoryWeekdaysOff, date));
            var kind = period switch
            {
                not null when Contains(period.SwappedWeekdaysOff, date) => SpecialDayKind.SwappedDayOff,
                not null when Contains(period.CompensatoryWeekdaysOff, date) => SpecialDayKind.CompensatoryDayOff,
                _ => SpecialDayKind.Holiday,
            };
            return Describe(date, kind, period, yearSources);
        });

        var saturdays = (dto.WorkingSaturdays ?? []).Select(date => Describe(
            date,
            SpecialDayKind.WorkingSaturday,
            periods.FirstOrDefault(p => Contains(p.WorkingSaturdays, date)),
            yearSources));

        var unconfirmed = (dto.Unconfirmed ?? []).Select(u => new UnconfirmedDayOff(
            u.Date ?? throw new FormatException($"An unconfirmed entry of {year} has no date."),
            u.Name ?? "",
            u.Note ?? "",
            u.Sources ?? []));

        return new YearOverride(year, daysOff, saturdays, unconfirmed);
    }

    private static SpecialDay Describe(DateOnly date, SpecialDayKind kind, PeriodDto? period, List<string> yearSources)
        => period is null
            ? new SpecialDay(date, kind, kind == SpecialDayKind.WorkingSaturday ? "Working Saturday" : "Day off",
                "Listed in the year's table without a period explaining it", yearSources)
            : new SpecialDay(date, kind, period.Name ?? "", period.Basis ?? "", period.Sources ?? []);

    private static bool Contains(List<DateOnly>? dates, DateOnly date) => dates?.Contains(date) == true;

    private sealed record FileDto(Dictionary<string, YearDto>? Years);

    private sealed record YearDto(
        List<DateOnly>? DaysOff,
        List<DateOnly>? WorkingSaturdays,
        List<UnconfirmedDto>? Unconfirmed,
        List<PeriodDto>? Periods,
        List<string>? Sources);

    private sealed record PeriodDto(
        string? Name,
        List<DateOnly>? NonWorkingWeekdays,
        List<DateOnly>? StatutoryHolidayDates,
        List<DateOnly>? SwappedWeekdaysOff,
        List<DateOnly>? CompensatoryWeekdaysOff,
        List<DateOnly>? WorkingSaturdays,
        string? Basis,
        List<string>? Sources);

    private sealed record UnconfirmedDto(DateOnly? Date, string? Name, string? Note, List<string>? Sources);
}

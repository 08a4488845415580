using Dapper;
using Npgsql;
using Procedures.Calendar;

namespace Procedures.Processing.Calendar;

/// <summary>
/// The working calendar in force: statutory rules, the shipped yearly tables, and the tables administrators
/// stored in this service's database (which win for their year). Rebuilt after a change here and re-read
/// periodically, so every instance picks up another instance's change without a restart.
/// </summary>
public sealed class CalendarProvider(NpgsqlDataSource db, TimeProvider time)
{
    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private (WorkingCalendar Calendar, DateTimeOffset LoadedAt)? _current;

    public async Task<WorkingCalendar> GetAsync(CancellationToken ct)
    {
        if (_current is { } c && time.GetUtcNow() - c.LoadedAt < Freshness) return c.Calendar;
        await _gate.WaitAsync(ct);
        try
        {
            if (_current is { } again && time.GetUtcNow() - again.LoadedAt < Freshness) return again.Calendar;
            var calendar = await LoadAsync(ct);
            _current = (calendar, time.GetUtcNow());
            return calendar;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Invalidate() => _current = null;

    private async Task<WorkingCalendar> LoadAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<(int Year, string Json)>(new CommandDefinition(
            "SELECT year, table_json::text FROM calendar_years ORDER BY year", cancellationToken: ct));
        var overrides = CalendarOverrides.Default;
        foreach (var (year, json) in rows)
            if (YearTable.Parse(year, json) is { } table) overrides = overrides.With(table);
        return new WorkingCalendar(HolidayRules.LabourCode2019, overrides, OfficeHours.HoChiMinhCity);
    }
}

/// <summary>One year's table in the published file's format (days_off, working_saturdays, periods…).</summary>
public static class YearTable
{
    /// <summary>Parses with the calendar's own file parser, which refuses non-weekdays, non-Saturdays, other years, duplicates.</summary>
    public static YearOverride? Parse(int year, string json)
        => CalendarOverrides.Parse("{\"years\":{\"" + year.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\":" + json + "}}")
            .TryGet(year, out var table) ? table : null;
}

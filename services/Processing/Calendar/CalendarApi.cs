using System.Globalization;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Procedures.Calendar;
using Procedures.Contracts;
using Procedures.Messaging.Audit;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.OpenApi;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Processing.Calendar;

/// <summary>
/// The legal clock's calendar over HTTP: due moments (public), a year's days off and working Saturdays with
/// their sources (public), and an administrator's correction of a year's table (scope calendar.admin).
/// </summary>
public static class CalendarApi
{
    public sealed record DueResponse(DateTimeOffset Start, int Amount, string Unit, DateTimeOffset Due);

    public sealed record Day(DateOnly Date, string Kind, bool DayOff, string Name, string Basis, IReadOnlyList<string> Sources);

    public sealed record YearResponse(int Year, bool OfficialTable, IReadOnlyList<Day> Days);

    public static IEndpointRouteBuilder MapCalendar(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/calendar").WithTags("Calendar");
        group.MapGet("/due", DueAsync).AllowAnonymous().WithName("CalendarDue")
            .WithSummary("Due moment of a period from a start (Civil Code art. 147–148, office hours, days off)")
            .WithExamples(response: new DueResponse(new DateTimeOffset(2026, 2, 13, 9, 0, 0, TimeSpan.FromHours(7)), 3, "working-days",
                new DateTimeOffset(2026, 2, 25, 17, 0, 0, TimeSpan.FromHours(7))));
        group.MapGet("/{year:int}", YearAsync).AllowAnonymous().WithName("CalendarYear")
            .WithSummary("A year's weekday days off and working Saturdays, each with its source")
            .WithExamples(response: new YearResponse(2026, true, [new Day(new DateOnly(2026, 1, 1), "holiday", true, "Tết Dương lịch", "Labour Code 2019 art. 112", [])]));
        group.MapPut("/{year:int}", PutYearAsync).RequireScope(Scopes.CalendarAdmin).WithName("CalendarPutYear")
            .WithSummary("Add or correct a year's table (the format of vn-days-off.json's year entries)")
            .WithExamples(request: new { days_off = new[] { "2027-01-01" }, working_saturdays = Array.Empty<string>() });
        return app;
    }

    private static async Task<Results<Ok<DueResponse>, ProblemHttpResult>> DueAsync(
        string? start, int? amount, string? unit, CalendarProvider calendars, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        // Without an offset, start is Vietnam time (VietnamTime), never the server's zone.
        if (!VietnamTime.TryParseMoment(start, out var from) || from.Year is < 1901 or > 2099)
            errors.Add(new("start", "iso-datetime", "start phải là thời điểm ISO 8601 (1901–2099); không ghi múi giờ thì là giờ Việt Nam",
                "start must be an ISO 8601 moment (1901–2099); without an offset it is Vietnam time"));
        if (amount is null or < 0 or > 3650)
            errors.Add(new("amount", "range", "amount phải từ 0 đến 3650", "amount must be between 0 and 3650"));
        if (!DurationUnits.TryParse(unit, out var parsedUnit))
            errors.Add(new("unit", "one-of", "unit phải là working-days, calendar-days hoặc working-hours", "unit must be working-days, calendar-days or working-hours"));
        if (errors.Count > 0) return Problems.Validation(errors);

        var calendar = await calendars.GetAsync(ct);
        return TypedResults.Ok(new DueResponse(from, amount!.Value, parsedUnit.ToText(), calendar.DueAfter(from, amount.Value, parsedUnit)));
    }

    private static async Task<Results<Ok<YearResponse>, ProblemHttpResult>> YearAsync(int year, CalendarProvider calendars, CancellationToken ct)
    {
        if (year is < 1901 or > 2099)
            return Problems.Validation([new("year", "range", "Năm phải từ 1901 đến 2099", "The year must be between 1901 and 2099")]);
        var calendar = await calendars.GetAsync(ct);
        var days = calendar.DaysOff(year).Select(d => new Day(d.Date, KindText(d.Kind), d.IsDayOff, d.Name, d.Basis, d.Sources)).ToList();
        return TypedResults.Ok(new YearResponse(year, calendar.Overrides.TryGet(year, out _), days));
    }

    private static async Task<Results<Ok<YearResponse>, ProblemHttpResult>> PutYearAsync(
        int year, JsonElement table, Caller caller, HttpContext http, NpgsqlDataSource db, CalendarProvider calendars, TimeProvider time,
        CancellationToken ct)
    {
        if (year is < 1901 or > 2099)
            return Problems.Validation([new("year", "range", "Năm phải từ 1901 đến 2099", "The year must be between 1901 and 2099")]);
        var json = table.GetRawText();
        try
        {
            if (table.ValueKind != JsonValueKind.Object || YearTable.Parse(year, json) is null) throw new FormatException("not a year table");
            if (table.EnumerateObject().Select(p => p.Name).FirstOrDefault(n => !KnownMembers.Contains(n)) is { } unknown)
                throw new FormatException($"unknown member '{unknown}'");
            if (!CleanText(table)) throw new FormatException("text with control characters or invalid Unicode");
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException) // invalid UTF-8 inside a string, too
        {
            return Problems.Validation([new("body", "days-off-table",
                "Bảng ngày nghỉ không hợp lệ: " + ex.Message, "The days-off table is invalid: " + ex.Message)], "invalid-days-off-table");
        }

        var now = time.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO calendar_years (year, table_json, updated_at, updated_by) VALUES (@year, @json::jsonb, @now, @by)
            ON CONFLICT (year) DO UPDATE SET table_json = excluded.table_json, updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """, new { year, json, now, by = caller.ClientId }, tx, cancellationToken: ct));
        await AuditLog.AppendAsync(tx, AuditActor.FromRequest(http, caller.ClientId, caller.Agency),
            new AuditEntry("calendar.year.put", year.ToString(CultureInfo.InvariantCulture), PersonalData: false), now, ct);
        await tx.CommitAsync(ct);
        calendars.Invalidate();
        return await YearAsync(year, calendars, ct) is { Result: Ok<YearResponse> ok } ? ok : throw new InvalidOperationException();
    }

    private static readonly HashSet<string> KnownMembers =
        ["days_off", "working_saturdays", "periods", "unconfirmed", "sources", "notes", "basis"];

    /// <summary>Every string and member name must be storable text (the table is kept as jsonb).</summary>
    private static bool CleanText(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => TextInput.Check(element.GetString(), out _) == TextInput.Problem.None,
        JsonValueKind.Array => element.EnumerateArray().All(CleanText),
        JsonValueKind.Object => element.EnumerateObject().All(p => TextInput.Check(p.Name, out _) == TextInput.Problem.None && CleanText(p.Value)),
        _ => true,
    };

    private static string KindText(SpecialDayKind kind) => kind switch
    {
        SpecialDayKind.Holiday => "holiday",
        SpecialDayKind.CompensatoryDayOff => "compensatory-day-off",
        SpecialDayKind.SwappedDayOff => "swapped-day-off",
        _ => "working-saturday",
    };
}

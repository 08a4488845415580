using System.Globalization;
using System.Text.RegularExpressions;
using Procedures.Contracts;
using Procedures.ServiceDefaults;

namespace Procedures.Reporting.Kpi.Api;

/// <summary>Reads and checks from/to and the agency, commune and procedure filters shared by the KPI endpoints.</summary>
public static partial class PeriodInput
{
    public const int MaxDays = 366;

    /// <summary>Missing dates default to the current month (Vietnam time) up to today.</summary>
    public static IndexFilter? Read(string? from, string? to, string? agency, string? commune, string? procedure, DateTimeOffset now,
        List<FieldError> errors)
    {
        var today = now.VietnamDate();
        var f = Date(from, "from", errors) ?? new DateOnly(today.Year, today.Month, 1);
        var t = Date(to, "to", errors) ?? (from is null ? today : f.AddMonths(1).AddDays(-1));
        if (errors.Count == 0 && t < f)
            errors.Add(new("to", "not-before-from", "Ngày kết thúc không được trước ngày bắt đầu", "'to' must not be before 'from'"));
        if (errors.Count == 0 && t.DayNumber - f.DayNumber >= MaxDays)
            errors.Add(new("to", "max-span", $"Kỳ báo cáo tối đa {MaxDays} ngày", $"The period spans at most {MaxDays} days"));
        var a = Code(agency, "agency", errors);
        var c = Code(commune, "commune", errors);
        var p = Code(procedure, "procedure", errors);
        return errors.Count == 0 ? new IndexFilter(f, t, a, c, p) : null;
    }

    private static DateOnly? Date(string? text, string field, List<FieldError> errors)
    {
        if (text is null) return null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) && d.Year >= 2000 && d.Year <= 2100)
            return d;
        errors.Add(new(field, "date", "Ngày theo định dạng yyyy-MM-dd (2000–2100)", "A date as yyyy-MM-dd (2000–2100)"));
        return null;
    }

    /// <summary>Agency, unit and procedure codes: letters, digits and dots (e.g. 26740.H29, 1.003677), at most 64 characters.</summary>
    public static string? Code(string? text, string field, List<FieldError> errors)
    {
        if (text is null) return null;
        var clean = TextInput.Clean(text, field, errors);
        if (clean is null) return null;
        clean = clean.Trim();
        if (clean.Length is 0 or > 64 || !CodePattern().IsMatch(clean))
        {
            errors.Add(new(field, "code", "Mã chỉ gồm chữ, số và dấu chấm (tối đa 64 ký tự)", "A code of letters, digits and dots (at most 64 characters)"));
            return null;
        }
        return clean;
    }

    [GeneratedRegex(@"^[0-9A-Za-z]+(\.[0-9A-Za-z]+)*\z")]
    private static partial Regex CodePattern();
}

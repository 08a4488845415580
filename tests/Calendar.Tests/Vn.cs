using System.Globalization;

namespace Procedures.Calendar.Tests;

/// <summary>Short literals for Vietnam dates and times, so each test reads like its scenario.</summary>
internal static class Vn
{
    public static DateOnly Date(string yyyyMmDd) => DateOnly.ParseExact(yyyyMmDd, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>"2025-03-10 16:30" read as Vietnam time (UTC+7).</summary>
    public static DateTimeOffset At(string yyyyMmDdHhMm)
        => DateTimeOffset.ParseExact(yyyyMmDdHhMm + " +07:00", "yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture);

    public static string Text(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Text(DateTimeOffset moment) => moment.ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture);
}

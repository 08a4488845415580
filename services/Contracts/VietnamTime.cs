using System.Globalization;

namespace Procedures.Contracts;

/// <summary>
/// Vietnam keeps UTC+7 all year (no daylight saving), so a fixed offset is exact and needs no tz database.
/// Times are UTC inside the system (storage, comparisons) and shown as Vietnam time at the edges: every answer,
/// receipt and public event writes its instants with +07:00 (<see cref="VietnamTimeJsonConverter"/>), and a moment
/// written without an offset is read as Vietnam time, the time the city's officers and citizens write.
/// </summary>
public static class VietnamTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(7);

    public static DateTimeOffset ToVietnam(this DateTimeOffset instant) => instant.ToOffset(Offset);

    public static DateOnly VietnamDate(this DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(Offset).DateTime);

    /// <summary>The national portal's timestamp format: yyyyMMddHHmmss in Vietnam time.</summary>
    public static string ToPortalTimestamp(this DateTimeOffset instant)
        => instant.ToOffset(Offset).ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);

    /// <summary>
    /// Reads an ISO 8601 moment (a date alone is its midnight). With an offset or Z it is that instant; without one it
    /// is Vietnam time, never the server's own zone.
    /// </summary>
    public static bool TryParseMoment(string? text, out DateTimeOffset moment)
    {
        moment = default;
        if (string.IsNullOrWhiteSpace(text)
            || !DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var written))
            return false;
        if (written.Kind != DateTimeKind.Unspecified)
            return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out moment);
        moment = new DateTimeOffset(written, Offset);
        return true;
    }
}

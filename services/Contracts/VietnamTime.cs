namespace Procedures.Contracts;

/// <summary>
/// Vietnam keeps UTC+7 all year (no daylight saving), so a fixed offset is exact and needs no tz database.
/// Times are UTC inside the system and shown as Vietnam time at the edges.
/// </summary>
public static class VietnamTime
{
    public static readonly TimeSpan Offset = TimeSpan.FromHours(7);

    public static DateTimeOffset ToVietnam(this DateTimeOffset instant) => instant.ToOffset(Offset);

    public static DateOnly VietnamDate(this DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(Offset).DateTime);

    /// <summary>The national portal's timestamp format: yyyyMMddHHmmss in Vietnam time.</summary>
    public static string ToPortalTimestamp(this DateTimeOffset instant)
        => instant.ToOffset(Offset).ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
}

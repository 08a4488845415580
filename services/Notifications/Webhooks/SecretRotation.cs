using Procedures.ServiceDefaults;

namespace Procedures.Notifications.Webhooks;

/// <summary>
/// Signing-secret rotation with an overlap: after a rotation both the new and the previous secret sign every delivery
/// (two <c>v1,</c> signatures, as Standard Webhooks allows) until the overlap ends, so a receiver can switch its secret
/// at any moment in between without rejecting a single delivery.
/// </summary>
public static class SecretRotation
{
    public static readonly TimeSpan DefaultOverlap = TimeSpan.FromHours(24);
    public static readonly TimeSpan MaxOverlap = TimeSpan.FromDays(7);

    /// <summary>The secrets that sign a delivery at <paramref name="now"/>: the current one, then the previous one while it overlaps.</summary>
    public static IReadOnlyList<string> SigningSecrets(string current, string? previous, DateTimeOffset? previousUntil, DateTimeOffset now)
        => previous is not null && previousUntil > now ? [current, previous] : [current];

    /// <summary>The overlap asked for, in minutes (absent: 24 hours); 0 ends the previous secret at once.</summary>
    public static TimeSpan? Overlap(int? minutes, List<FieldError> errors)
    {
        if (minutes is null) return DefaultOverlap;
        if (minutes < 0 || TimeSpan.FromMinutes(minutes.Value) > MaxOverlap)
        {
            errors.Add(new FieldError("overlapMinutes", "range", "overlapMinutes phải từ 0 đến 10080 (7 ngày)",
                "overlapMinutes must be between 0 and 10080 (7 days)"));
            return null;
        }
        return TimeSpan.FromMinutes(minutes.Value);
    }
}

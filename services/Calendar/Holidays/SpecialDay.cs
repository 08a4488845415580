namespace Procedures.Calendar;

/// <summary>Why a date departs from the plain Monday–Friday working week.</summary>
public enum SpecialDayKind
{
    /// <summary>A statutory holiday (Labour Code 2019 Art. 112) on a weekday.</summary>
    Holiday,

    /// <summary>A weekday off because a holiday fell on a weekly rest day (Art. 111(3)).</summary>
    CompensatoryDayOff,

    /// <summary>A weekday given off in exchange for working a Saturday (hoán đổi).</summary>
    SwappedDayOff,

    /// <summary>A Saturday that is a normal working day (làm bù).</summary>
    WorkingSaturday,
}

/// <summary>
/// One exception to the Monday–Friday week, with where it comes from: <see cref="Basis"/> says why
/// (legal article, government notice), <see cref="Sources"/> lists where that was read (may be empty
/// for days derived from the statutory rules alone).
/// </summary>
public sealed record SpecialDay(DateOnly Date, SpecialDayKind Kind, string Name, string Basis, IReadOnlyList<string> Sources)
{
    public bool IsDayOff => Kind != SpecialDayKind.WorkingSaturday;

    public override string ToString() => $"{Date:yyyy-MM-dd} {Kind} {Name}";
}

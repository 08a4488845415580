namespace Procedures.Reporting.Kpi.Api;

/// <summary>
/// A period cut for the index's sums: the whole calendar months inside it (<see cref="FirstMonth"/>..<see cref="LastMonth"/>,
/// first days, read from monthly_facts) and the days before and after them (From..<see cref="HeadTo"/> and
/// <see cref="TailFrom"/>..To, read from daily_facts; an empty range when From &gt; HeadTo or TailFrom &gt; To). A
/// period with no whole month is all days.
/// </summary>
public readonly record struct MonthSplit(DateOnly? FirstMonth, DateOnly? LastMonth, DateOnly HeadTo, DateOnly TailFrom)
{
    public static MonthSplit Of(DateOnly from, DateOnly to)
    {
        var first = from.Day == 1 ? from : new DateOnly(from.Year, from.Month, 1).AddMonths(1);
        var toMonth = new DateOnly(to.Year, to.Month, 1);
        var last = to == toMonth.AddMonths(1).AddDays(-1) ? toMonth : toMonth.AddMonths(-1);
        return first <= last ? new(first, last, first.AddDays(-1), last.AddMonths(1)) : new(null, null, to, to.AddDays(1));
    }
}

using Procedures.Contracts;
using Procedures.Reporting.Kpi.Facts;

namespace Procedures.Reporting.Kpi.Indicators;

/// <summary>
/// The online level each procedure had on a day: that of its newest version whose level had taken effect by then
/// (<see cref="ProcedureVersionFact.OnlineLevelSince"/> on or before the day, or not recorded — a stated level without a
/// date counts from its version). A level recorded to take effect later leaves the earlier version's level in force;
/// with no version in force the level is unknown.
/// </summary>
public static class OnlineLevels
{
    public static IReadOnlyDictionary<string, OnlineServiceLevel> InForce(IEnumerable<ProcedureVersionFact> versions, DateOnly day)
        => versions.GroupBy(v => v.Code, StringComparer.Ordinal).ToDictionary(g => g.Key,
            g => g.OrderByDescending(v => v.Version).FirstOrDefault(v => v.OnlineLevelSince is not { } since || since <= day)?.OnlineLevel
                 ?? OnlineServiceLevel.Unknown,
            StringComparer.Ordinal);
}

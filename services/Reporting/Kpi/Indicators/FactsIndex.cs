using Procedures.Reporting.Kpi.Facts;
using Procedures.Reporting.Kpi.Rules;

namespace Procedures.Reporting.Kpi.Indicators;

/// <summary>
/// The index of a list of facts held in memory: each dossier received in the period adds <see cref="Tally.Of"/> (what
/// daily_facts sums in the database) and, when open, its verdict at <c>judgedAt</c> — exactly what the live query does.
/// </summary>
public static class FactsIndex
{
    public static IndexResult Compute(IEnumerable<DossierFact> dossiers, IReadOnlyList<ProcedureVersionFact> versions, Period period,
        DateTimeOffset judgedAt, KpiRuleSet rules, bool unitFiltered = false)
    {
        var byProcedure = new Dictionary<string, Tally>(StringComparer.Ordinal);
        foreach (var f in dossiers)
        {
            if (f.ReceivedDay is not { } day || day < period.From || day > period.To) continue;
            var key = f.ProcedureCode ?? "";
            byProcedure[key] = (byProcedure.GetValueOrDefault(key, Tally.Empty) + Tally.Of(f)).AddOpen(f, judgedAt, rules.RepeatedSupplement);
        }
        return IndexCalculator.Compute(new IndexInput(period, judgedAt, byProcedure, versions, unitFiltered), rules);
    }
}

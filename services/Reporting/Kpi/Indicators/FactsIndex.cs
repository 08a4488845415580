using Procedures.Reporting.Kpi.Facts;
using Procedures.Reporting.Kpi.Rules;

namespace Procedures.Reporting.Kpi.Indicators;

/// <summary>
/// The index of a list of facts held in memory: each dossier received in the period adds <see cref="Tally.Of"/> (what
/// daily_facts sums in the database) and, when open, its verdict at <c>judgedAt</c> — exactly what the live query does,
/// for the portal's view also keeping apart the dossiers the portal does not hold.
/// </summary>
public static class FactsIndex
{
    public static IndexResult Compute(IEnumerable<DossierFact> dossiers, IReadOnlyList<ProcedureVersionFact> versions, Period period,
        DateTimeOffset judgedAt, KpiRuleSet rules, bool unitFiltered = false, IndexView view = IndexView.Local)
    {
        var byProcedure = new Dictionary<string, Tally>(StringComparer.Ordinal);
        var notHeld = new Dictionary<string, Tally>(StringComparer.Ordinal);
        foreach (var f in dossiers)
        {
            if (f.ReceivedDay is not { } day || day < period.From || day > period.To) continue;
            var key = f.ProcedureCode ?? "";
            Add(byProcedure, key, f, judgedAt, rules.RepeatedSupplement);
            if (!IndexViews.HeldByPortal(f)) Add(notHeld, key, f, judgedAt, rules.RepeatedSupplement);
        }
        return IndexCalculator.Compute(new IndexInput(period, judgedAt, byProcedure, versions, unitFiltered,
            NotHeldByPortal: view == IndexView.Portal ? notHeld : null), rules);
    }

    /// <summary>Adds a received dossier's whole contribution, judged at <paramref name="judgedAt"/> if open, under <paramref name="key"/>.</summary>
    public static void Add(Dictionary<string, Tally> tallies, string key, DossierFact f, DateTimeOffset judgedAt, RepeatedSupplement rule)
        => tallies[key] = (tallies.GetValueOrDefault(key, Tally.Empty) + Tally.Of(f)).AddOpen(f, judgedAt, rule);
}

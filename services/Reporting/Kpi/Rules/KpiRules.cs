using Microsoft.Extensions.Options;

namespace Procedures.Reporting.Kpi.Rules;

/// <summary>Configuration section <c>Kpi</c>.</summary>
public sealed class KpiOptions
{
    /// <summary>Rule sets added to (or replacing, by effective date) <see cref="DefaultRules.All"/>.</summary>
    public List<KpiRuleSet> RuleSets { get; set; } = [];
    /// <summary>How far ahead an open dossier's due moment counts it "at risk" on the scoreboard.</summary>
    public TimeSpan AtRiskWindow { get; set; } = TimeSpan.FromHours(48);
    /// <summary>How often the dashboard metrics are recomputed.</summary>
    public TimeSpan MetricsInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Picks the rule set in force at a period's end; configuration is read live (reloadable).</summary>
public sealed class KpiRules(IOptionsMonitor<KpiOptions> options)
{
    public KpiRuleSet For(DateOnly periodEnd)
    {
        var set = Pick(DefaultRules.All.Concat(options.CurrentValue.RuleSets), periodEnd);
        // A configured set may list only what changed: the rest is the shipped set's.
        var shipped = DefaultRules.V2025;
        foreach (var (code, rule) in shipped.Indicators) set.Indicators.TryAdd(code, rule);
        if (set.Targets.Count == 0) set.Targets = shipped.Targets;
        return set;
    }

    public static KpiRuleSet Pick(IEnumerable<KpiRuleSet> sets, DateOnly periodEnd)
    {
        // A configured set replaces the shipped one of the same date (the later in the sequence wins).
        var byDate = new SortedDictionary<DateOnly, KpiRuleSet>();
        foreach (var set in sets) byDate[set.EffectiveFrom] = set;
        return byDate.LastOrDefault(kv => kv.Key <= periodEnd).Value ?? byDate.First().Value;
    }
}

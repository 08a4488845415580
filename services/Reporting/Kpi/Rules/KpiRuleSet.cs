namespace Procedures.Reporting.Kpi.Rules;

/// <summary>What an indicator scores when its denominator is 0 (docs/kpi766.md#zero-denominators: open per indicator).</summary>
public enum ZeroDenominator
{
    /// <summary>0 points (observed for the payment and dossier-satisfaction indicators).</summary>
    Zero,
    /// <summary>Full points (observed for the petition indicators: nothing to handle, nothing handled badly).</summary>
    Full,
    /// <summary>Not applicable ("N/A"): no points and the maximum leaves the group's and the total's maxima.</summary>
    Excluded,
}

/// <summary>docs/kpi766.md#unsettled-points (4): does a second supplementation request make a dossier overdue only while it is still pending, or always?</summary>
public enum RepeatedSupplement
{
    /// <summary>Any dossier with ≥ 2 requests counts overdue (docs/domain.md#supplementation: "a second request counts the dossier as overdue").</summary>
    Always,
    /// <summary>Only a dossier still waiting on its supplementation with ≥ 2 requests; finished ones are judged by the clock.</summary>
    OnlyWhilePending,
}

/// <summary>Points and threshold of one indicator; <see cref="Threshold"/> null = proportional (max × ratio).</summary>
public sealed class IndicatorRule
{
    public decimal Max { get; set; }
    public decimal? Threshold { get; set; }
    public ZeroDenominator ZeroDenominator { get; set; } = ZeroDenominator.Excluded;
}

/// <summary>One of the city's targets: the indicator whose ratio it checks and the minimum.</summary>
public sealed class TargetRule
{
    public string Code { get; set; } = "";
    public string Indicator { get; set; } = "";
    /// <summary>Which ratio of the indicator: "ratio" (its own) or "full" (the full-process sub-ratio of online procedures).</summary>
    public string Measure { get; set; } = "ratio";
    public decimal Minimum { get; set; }
    /// <summary>Optional second condition on the indicator's own ratio (e.g. online 100% besides full-process ≥ 80%).</summary>
    public decimal? RatioMinimum { get; set; }
    /// <summary>Optional: the indicator's count (<c>Counts</c>) of items the measure leaves out as unknown, shown with the target.</summary>
    public string? UnknownCount { get; set; }
    public string NameVi { get; set; } = "";
    public string NameEn { get; set; } = "";
}

/// <summary>
/// Weights, thresholds, unsettled-rule choices and targets in force from <see cref="EffectiveFrom"/> (the national portal
/// changes them; an old period is always scored with the set that was in force at its end).
/// </summary>
public sealed class KpiRuleSet
{
    public DateOnly EffectiveFrom { get; set; }
    public string Name { get; set; } = "";
    public Dictionary<string, IndicatorRule> Indicators { get; set; } = new(StringComparer.Ordinal);
    public RepeatedSupplement RepeatedSupplement { get; set; } = RepeatedSupplement.Always;
    /// <summary>docs/kpi766.md#online-services: in the portal's view the online-dossier share is multiplied by the sync rate (never in the local view, whose share counts the unsynced dossiers already).</summary>
    public bool OnlineShareTimesSyncRate { get; set; } = true;
    /// <summary>docs/kpi766.md#digitisation (unsettled point 5): e-result denominator = decided dossiers (MET) when true, all received (DOC) when false.</summary>
    public bool ElectronicResultOverDecided { get; set; } = true;
    /// <summary>A target is amber (not red) while its ratio is within this many points of the minimum.</summary>
    public decimal AmberMargin { get; set; } = 0.05m;
    public List<TargetRule> Targets { get; set; } = [];

    public IndicatorRule Rule(string code)
        => Indicators.TryGetValue(code, out var rule) ? rule : throw new InvalidOperationException($"Rule set '{Name}' has no rule for indicator {code}.");
}

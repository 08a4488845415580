using Procedures.Reporting.Kpi.Rules;

namespace Procedures.Reporting.Kpi.Indicators;

/// <summary>Points from a ratio: proportional (max × R) or threshold-linear (max if R ≥ T, else max × R / T).</summary>
public static class Scoring
{
    /// <summary>
    /// The ratio (rounded to 4 places, half away from zero, as published), the points (2 places) and whether the indicator
    /// counts towards the maxima. A zero denominator follows the rule's <see cref="ZeroDenominator"/>.
    /// </summary>
    public static (decimal? Ratio, decimal? Points, bool Counted) Score(long numerator, long denominator, IndicatorRule rule, decimal multiplier = 1m)
    {
        if (denominator <= 0)
            return rule.ZeroDenominator switch
            {
                ZeroDenominator.Zero => (null, 0m, true),
                ZeroDenominator.Full => (null, rule.Max, true),
                _ => (null, null, false),
            };
        var ratio = Math.Min(1m, Math.Max(0m, (decimal)numerator / denominator * multiplier));
        return (Round(ratio, 4), Round(Points(ratio, rule), 2), true);
    }

    public static decimal Points(decimal ratio, IndicatorRule rule)
        => rule.Threshold is { } t && t > 0
            ? (ratio >= t ? rule.Max : rule.Max * ratio / t)
            : rule.Max * ratio;

    public static decimal Round(decimal value, int places) => Math.Round(value, places, MidpointRounding.AwayFromZero);
}

using Procedures.Reporting.Kpi.Indicators;
using Procedures.Reporting.Kpi.Rules;

namespace Procedures.Services.Tests.Reporting;

[Trait("Kind", "Pure")]
public sealed class ScoringTests
{
    private static IndicatorRule Rule(decimal max, decimal? threshold = null, ZeroDenominator zero = ZeroDenominator.Excluded)
        => new() { Max = max, Threshold = threshold, ZeroDenominator = zero };

    [Theory]
    [InlineData(995, 1000, 20, "0.995", "19.9")]
    [InlineData(1, 3, 6, "0.3333", "2")]
    [InlineData(2, 3, 6, "0.6667", "4")]
    [InlineData(1, 8, 2, "0.125", "0.25")]
    [InlineData(0, 7, 6, "0", "0")]
    public void Proportional_points_are_max_times_ratio_rounded_to_two_places(long n, long d, int max, string ratio, string points)
    {
        var (r, p, counted) = Scoring.Score(n, d, Rule(max));
        Assert.Equal((decimal.Parse(ratio, System.Globalization.CultureInfo.InvariantCulture), decimal.Parse(points, System.Globalization.CultureInfo.InvariantCulture), true), (r, p, counted));
    }

    [Theory]
    [InlineData(40, 100, "1")]   // 2 × 0.4 / 0.8
    [InlineData(79, 100, "1.98")] // 2 × 0.79 / 0.8 = 1.975 → half away from zero
    [InlineData(80, 100, "2")]   // at the threshold: full
    [InlineData(95, 100, "2")]   // above: capped at the maximum
    public void Threshold_linear_points_reach_the_maximum_at_the_threshold(long n, long d, string points)
        => Assert.Equal(decimal.Parse(points, System.Globalization.CultureInfo.InvariantCulture), Scoring.Score(n, d, Rule(2, 0.80m)).Points);

    [Fact]
    public void Zero_denominator_follows_the_indicators_rule()
    {
        Assert.Equal((null, 0m, true), Scoring.Score(0, 0, Rule(6, zero: ZeroDenominator.Zero)));
        Assert.Equal((null, 6m, true), Scoring.Score(0, 0, Rule(6, zero: ZeroDenominator.Full)));
        Assert.Equal((null, null, false), Scoring.Score(0, 0, Rule(6, zero: ZeroDenominator.Excluded)));
    }

    [Fact]
    public void A_multiplier_scales_the_ratio_before_the_threshold()
    {
        // 3.3: 60 % online × 50 % synced = 30 %, threshold 50 % → 6 × 0.3 / 0.5.
        var (ratio, points, _) = Scoring.Score(3, 5, Rule(6, 0.50m), multiplier: 0.5m);
        Assert.Equal((0.3m, 3.6m), (ratio, points));
    }
}

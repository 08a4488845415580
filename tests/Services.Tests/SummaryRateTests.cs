using Procedures.Reporting.Kpi;

namespace Procedures.Services.Tests;

[Trait("Kind", "Pure")]
public sealed class SummaryRateTests
{
    [Theory]
    [InlineData(0, 5, "0")]
    [InlineData(5, 5, "1")]
    [InlineData(1, 8, "0.125")]
    [InlineData(1, 32, "0.0313")] // 0.03125: half rounds away from zero, as published figures do
    [InlineData(1, 3, "0.3333")]
    [InlineData(2, 3, "0.6667")]
    [InlineData(995, 1000, "0.995")]
    [InlineData(1990, 2000, "0.995")]
    [InlineData(1_699_999, 1_700_000, "1")] // 0.99999941… rounds to 1.0000 at four places
    [InlineData(2_509_000, 2_510_000, "0.9996")] // 0.999601…
    public void Sync_rate_is_the_share_rounded_to_four_places(long synced, long submitted, string expected)
        => Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), Summary.Rate(synced, submitted));

    [Fact]
    public void Sync_rate_with_nothing_submitted_counts_as_fully_synced()
        => Assert.Equal(1m, Summary.Rate(0, 0));

    [Fact]
    public void Sync_rate_of_very_large_counts_does_not_overflow()
        => Assert.Equal(0.5m, Summary.Rate(long.MaxValue / 2, long.MaxValue - 1));
}

using Procedures.Contracts;
using Procedures.Reporting.Kpi.Facts;
using Procedures.Reporting.Kpi.Indicators;
using Procedures.Reporting.Kpi.Rules;
using Procedures.Services.Tests.Reporting;

namespace Procedures.Services.Tests.Digitisation;

/// <summary>The digitisation group's inputs from issue 10's events: certified copies per commune, results in the citizen's store.</summary>
[Trait("Kind", "Pure")]
public sealed class DigitisationIndexTests
{
    [Fact]
    public void Communes_offering_certified_copies_are_distinct_commune_units_over_the_citys_communes()
    {
        string[] agencies = ["26740.H29", "26740.H29", "26737.H29", "000.00.00.H29"];
        Assert.Equal((2L, 168L), CertifiedCopies.Ratio(agencies, null));
        Assert.Equal((1L, 1L), CertifiedCopies.Ratio(agencies, "26737.H29"));
        Assert.Equal((0L, 1L), CertifiedCopies.Ratio(agencies, "26743.H29"));
        Assert.Equal((0L, 0L), CertifiedCopies.Ratio(agencies, "000.00.00.H29")); // the city level is no commune
    }

    [Fact]
    public void The_certified_copy_indicator_scores_when_fed_and_stays_untracked_otherwise()
    {
        var rules = DefaultRules.V2025;
        IndicatorResult Indicator((long, long)? copies) => IndexCalculator.Compute(new IndexInput(IndexCalculatorTests.November,
                IndexCalculatorTests.MonthEnd, new Dictionary<string, Tally>(), [], false, CertifiedCopyCommunes: copies), rules)
            .Indicators.Single(i => i.Code == IndicatorCodes.ElectronicCertifiedCopy);

        Assert.False(Indicator(null).Tracked);
        var half = Indicator((84, 168));
        Assert.Equal((true, 0.5m, 1m), (half.Tracked, half.Ratio, half.Points)); // 2 points × 50 %
        Assert.Equal(2m, Indicator((1, 1)).Points);
    }

    [Fact]
    public void A_result_in_the_citizens_store_links_the_dossier_to_the_store()
    {
        var received = new DateTimeOffset(2026, 11, 3, 2, 0, 0, TimeSpan.Zero);
        var events = new DossierEvents("D1", null, [new DossierStatusChanged("D1", 2, DossierStatus.Received, received, null, ReceivedAt: received)],
            [], [], []);
        Assert.Equal(0, Tally.Of(DossierFold.Fold(events)).CitizenStore);

        var stored = DossierFold.Fold(events with { StoredResults = [new ResultStoredForCitizen("D1", "KQ-1", received.AddDays(3))] });
        Assert.True(stored.ResultInCitizenStore);
        Assert.False(stored.FromCitizenStore); // not population data: nothing was taken from the store
        Assert.Equal((1, 0), (Tally.Of(stored).CitizenStore, Tally.Of(stored).PopulationData));
    }
}

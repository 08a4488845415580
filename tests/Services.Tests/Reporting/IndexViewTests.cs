using Procedures.Contracts;
using Procedures.Reporting.Kpi.Facts;
using Procedures.Reporting.Kpi.Indicators;
using Procedures.Reporting.Kpi.Rules;
using Procedures.ServiceDefaults;
using static Procedures.Services.Tests.Reporting.IndexCalculatorTests;
using static Procedures.Services.Tests.Reporting.OnTimeTests;

namespace Procedures.Services.Tests.Reporting;

/// <summary>
/// The two views of the index (issue 24): the hand-worked month of <see cref="IndexCalculatorTests"/> (its d3 never
/// synced) plus one more dossier the portal never acknowledged, of a third procedure, that counts in every dossier
/// indicator. The local view counts both unsynced dossiers, the portal's view neither: per indicator the figures differ
/// by them exactly, and the portal's view of the month is the local view of the synced dossiers alone.
/// </summary>
[Trait("Kind", "Pure")]
public sealed class IndexViewTests
{
    private const string Third = "1.000003";

    /// <summary>Online, fee-bearing and paid online, digitised, reused, from the citizen's store, population data, decided on time with an e-result; never synced.</summary>
    private static readonly DossierFact Unsynced = Dossier(ended: At("2026-11-08T10:00"), endStatus: 10) with
    {
        Code = "u1", ProcedureCode = Third, Channel = 2, FeeTotal = 30_000, PaidOnline = true, Digitised = true, Reused = true,
        FromCitizenStore = true, PopulationData = true, Citizen = true, ElectronicResult = true, LastSequence = 5, SyncedSequence = 0,
    };

    private static List<DossierFact> All() => [.. Month(), Unsynced];

    private static List<ProcedureVersionFact> Procedures() =>
        [.. IndexCalculatorTests.Catalogue(), new(Third, 1, "Đăng ký thường trú", "Cư trú", ProcedureLevel.Commune, OnlineServiceLevel.Full, true, new DateOnly(2026, 11, 3), true)];

    private static IndexResult Compute(IEnumerable<DossierFact> facts, IndexView view, KpiRuleSet? rules = null)
        => FactsIndex.Compute(facts, Procedures(), November, MonthEnd, rules ?? DefaultRules.V2025, view: view);

    private static IndicatorResult Indicator(IndexResult r, string code) => r.Indicators.Single(i => i.Code == code);

    /// <summary>Received in November: d1, d2, d3, d4, d6 and u1; the portal holds d1, d2, d4 and d6.</summary>
    [Theory]
    [InlineData(IndicatorCodes.ProgressOnTime, 4, 6, 3, 4)] // on time: d1, d4, d6 (+ u1); d2 late, d3 open and overdue
    [InlineData(IndicatorCodes.OnlineServicesWithDossiers, 2, 2, 1, 2)] // the third procedure's only online dossier is u1
    [InlineData(IndicatorCodes.FeeProceduresIntegrated, 2, 2, 1, 2)] // fee-bearing procedures with a fee-bearing dossier
    [InlineData(IndicatorCodes.ProceduresPaidOnline, 2, 2, 1, 1)]
    [InlineData(IndicatorCodes.DossiersPaidOnline, 2, 3, 1, 1)] // fee-bearing: d3, d4 (+ u1); paid: d4 (+ u1)
    [InlineData(IndicatorCodes.ElectronicResults, 2, 4, 1, 3)] // decided: d1, d2, d6 (+ u1)
    [InlineData(IndicatorCodes.DigitisedDossiers, 2, 6, 1, 4)]
    [InlineData(IndicatorCodes.ReusedData, 2, 6, 1, 4)]
    [InlineData(IndicatorCodes.CitizenStore, 1, 6, 0, 4)]
    [InlineData(IndicatorCodes.PopulationDataDossiers, 1, 6, 0, 4)]
    [InlineData(IndicatorCodes.PopulationDataProcedures, 1, 1, 0, 0)]
    [InlineData(IndicatorCodes.DossierSatisfaction, 4, 5, 3, 4)] // posted facts have no ratings: settled on time ÷ settled
    public void Each_dossier_indicator_counts_every_received_dossier_locally_and_only_the_held_ones_in_the_portals_view(string code,
        long localNumerator, long localDenominator, long portalNumerator, long portalDenominator)
    {
        var local = Indicator(Compute(All(), IndexView.Local), code);
        var portal = Indicator(Compute(All(), IndexView.Portal), code);
        Assert.Equal((localNumerator, localDenominator), (local.Numerator, local.Denominator));
        Assert.Equal((portalNumerator, portalDenominator), (portal.Numerator, portal.Denominator));

        // The portal's view of the month is exactly the local view of the dossiers the portal holds.
        var heldOnly = Indicator(Compute(All().Where(IndexViews.HeldByPortal), IndexView.Local), code);
        Assert.Equal((heldOnly.Numerator, heldOnly.Denominator, heldOnly.Ratio, heldOnly.Points, heldOnly.Counted),
            (portal.Numerator, portal.Denominator, portal.Ratio, portal.Points, portal.Counted));
    }

    [Theory]
    [InlineData(IndicatorCodes.ProgressOnTime)]
    [InlineData(IndicatorCodes.DossiersPaidOnline)]
    [InlineData(IndicatorCodes.ElectronicResults)]
    [InlineData(IndicatorCodes.DigitisedDossiers)]
    [InlineData(IndicatorCodes.ReusedData)]
    [InlineData(IndicatorCodes.CitizenStore)]
    [InlineData(IndicatorCodes.PopulationDataDossiers)]
    [InlineData(IndicatorCodes.DossierSatisfaction)]
    public void A_dossier_counts_differ_between_the_views_by_the_unsynced_dossiers_alone(string code)
    {
        var local = Indicator(Compute(All(), IndexView.Local), code);
        var portal = Indicator(Compute(All(), IndexView.Portal), code);
        var unsyncedOnly = Indicator(Compute(All().Where(f => !IndexViews.HeldByPortal(f)), IndexView.Local), code);
        Assert.Equal((unsyncedOnly.Numerator, unsyncedOnly.Denominator), (local.Numerator - portal.Numerator, local.Denominator - portal.Denominator));
    }

    [Fact]
    public void The_sync_rate_is_synced_over_every_received_dossier_in_both_views()
    {
        foreach (var view in new[] { IndexView.Local, IndexView.Portal })
        {
            var r = Compute(All(), view);
            var sync = Indicator(r, IndicatorCodes.DossierSync);
            Assert.Equal((4, 6, 0.6667m, 4m), (sync.Numerator, sync.Denominator, sync.Ratio, sync.Points));
            Assert.Equal((6, view), (r.DossiersReceived, r.View));
        }
    }

    [Fact]
    public void Online_dossiers_are_penalised_for_unsynced_dossiers_once_in_each_view()
    {
        // Local: 4 of 6 received online (d1, d3, d6, u1) — the unsynced ones are counted, so no sync-rate factor: full points.
        var local = Indicator(Compute(All(), IndexView.Local), IndicatorCodes.OnlineDossiers);
        Assert.Equal((4, 6, 0.6667m, 6m), (local.Numerator, local.Denominator, local.Ratio, local.Points));
        // Portal: 2 of the 4 held online (d1, d6) × the sync rate 4/6 = 1/3 — the national formula; 6 × (1/3) / 0.5 = 4.
        var portal = Indicator(Compute(All(), IndexView.Portal), IndicatorCodes.OnlineDossiers);
        Assert.Equal((2, 4, 0.3333m, 4m), (portal.Numerator, portal.Denominator, portal.Ratio, portal.Points));
        // The rule set can leave the factor out: then the portal's share alone.
        var rules = DefaultRules.V2025;
        rules.OnlineShareTimesSyncRate = false;
        Assert.Equal(0.5m, Indicator(Compute(All(), IndexView.Portal, rules), IndicatorCodes.OnlineDossiers).Ratio);
    }

    [Fact]
    public void When_the_portal_holds_every_dossier_the_views_differ_only_in_the_online_sync_factor_which_is_then_one()
    {
        var synced = All().Select(f => f with { SyncedSequence = Math.Max(1, f.SyncedSequence) }).ToList();
        var local = Compute(synced, IndexView.Local);
        var portal = Compute(synced, IndexView.Portal);
        Assert.Equal(local.Indicators, portal.Indicators, IndicatorComparer.Instance);
        Assert.Equal(local.TotalPoints, portal.TotalPoints);
    }

    [Theory]
    [InlineData(null, IndexView.Local)]
    [InlineData("local", IndexView.Local)]
    [InlineData("portal", IndexView.Portal)]
    public void The_view_parameter_defaults_to_local(string? text, IndexView expected)
    {
        var errors = new List<FieldError>();
        Assert.Equal(expected, IndexViews.Read(text, errors));
        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("Portal")]
    [InlineData("1")]
    [InlineData("")]
    public void Any_other_view_is_refused_naming_the_parameter(string text)
    {
        var errors = new List<FieldError>();
        IndexViews.Read(text, errors);
        var error = Assert.Single(errors);
        Assert.Equal(("view", "one-of"), (error.Field, error.Rule));
    }

    private sealed class IndicatorComparer : IEqualityComparer<IndicatorResult>
    {
        public static readonly IndicatorComparer Instance = new();

        public bool Equals(IndicatorResult? x, IndicatorResult? y)
            => (x!.Code, x.Numerator, x.Denominator, x.Ratio, x.Points) == (y!.Code, y.Numerator, y.Denominator, y.Ratio, y.Points);

        public int GetHashCode(IndicatorResult obj) => obj.Code.GetHashCode(StringComparison.Ordinal);
    }
}

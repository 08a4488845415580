using Procedures.Contracts;
using Procedures.Reporting.Kpi.Facts;
using Procedures.Reporting.Kpi.Indicators;
using Procedures.Reporting.Kpi.Rules;
using static Procedures.Services.Tests.Reporting.OnTimeTests;

namespace Procedures.Services.Tests.Reporting;

/// <summary>
/// A hand-worked month: five received dossiers of two procedures (one free, one fee-bearing), one refused at reception,
/// one received the month before; every indicator, group and target checked against figures worked out by hand.
/// </summary>
[Trait("Kind", "Pure")]
public sealed class IndexCalculatorTests
{
    internal static readonly Period November = new(new DateOnly(2026, 11, 1), new DateOnly(2026, 11, 30));
    internal static readonly DateTimeOffset MonthEnd = At("2026-12-01T00:00");
    internal const string Free = "1.003677";
    internal const string Fee = "1.000948";

    internal static List<DossierFact> Month() =>
    [
        // d1: free procedure, online, on time, e-result, digitised and reused, synced up to date.
        Dossier(ended: At("2026-11-08T10:00")) with { Code = "d1", Channel = 2, EndStatus = 10, ElectronicResult = true, Digitised = true,
            Reused = true, LastSequence = 5, SyncedSequence = 5 },
        // d2: free procedure, in person, decided a day late, synced once but not since.
        Dossier(ended: Due.AddDays(1), endStatus: 9) with { Code = "d2", Channel = 1, LastSequence = 4, SyncedSequence = 1 },
        // d3: fee-bearing, online, still open at the month's end and past its deadline, unpaid, never synced.
        Dossier() with { Code = "d3", ProcedureCode = Fee, Channel = 2, FeeTotal = 50_000, LastSequence = 3 },
        // d4: fee-bearing, withdrawn in time, paid online, synced.
        Dossier(ended: At("2026-11-07T10:00"), endStatus: 7) with { Code = "d4", ProcedureCode = Fee, Channel = 3, FeeTotal = 50_000,
            PaidOnline = true, LastSequence = 4, SyncedSequence = 4 },
        // d5: refused at reception: never received, in no denominator.
        Dossier() with { Code = "d5", ProcedureCode = Fee, ReceivedAt = null, FeeTotal = 50_000, Channel = 2, SyncedSequence = 2, LastSequence = 2 },
        // d6: free procedure (fee 0) yet marked paid online: outside the payment denominators; on time; online; synced.
        Dossier(ended: At("2026-11-09T10:00"), endStatus: 10) with { Code = "d6", Channel = 2, PaidOnline = true, LastSequence = 5, SyncedSequence = 5 },
        // d7: received in October: another period.
        Dossier(ended: At("2026-10-30T10:00"), received: At("2026-10-28T08:00")) with { Code = "d7", Channel = 2 },
    ];

    internal static List<ProcedureVersionFact> Catalogue() =>
    [
        new(Free, 1, "Khai báo tạm vắng", "Hộ tịch", ProcedureLevel.Commune, OnlineServiceLevel.Full, false, new DateOnly(2026, 11, 3), true),
        new(Fee, 1, "Cấp giấy phép xây dựng", "Xây dựng", null, OnlineServiceLevel.None, true, new DateOnly(2026, 10, 1), true),
        new(Fee, 2, "Cấp giấy phép xây dựng", "Xây dựng", null, OnlineServiceLevel.Unknown, true, new DateOnly(2026, 11, 15), false),
    ];

    private static IndexResult Compute(RepeatedSupplement rule = RepeatedSupplement.Always)
    {
        var rules = DefaultRules.V2025;
        rules.RepeatedSupplement = rule;
        return FactsIndex.Compute(Month(), Catalogue(), November, MonthEnd, rules);
    }

    private static IndicatorResult Indicator(IndexResult r, string code) => r.Indicators.Single(i => i.Code == code);

    [Theory]
    [InlineData(IndicatorCodes.ProgressOnTime, 3, 5, "0.6", "12")]
    [InlineData(IndicatorCodes.DossierSync, 4, 5, "0.8", "4.8")]
    [InlineData(IndicatorCodes.OnlineDossiers, 3, 5, "0.6", "6")] // local view: the plain share, not × the sync rate (IndexViewTests)
    [InlineData(IndicatorCodes.DossiersPaidOnline, 1, 2, "0.5", "3")] // the zero-fee dossier is in neither count
    [InlineData(IndicatorCodes.ProceduresPaidOnline, 1, 1, "1", "2")]
    [InlineData(IndicatorCodes.FeeProceduresIntegrated, 1, 1, "1", "2")]
    [InlineData(IndicatorCodes.ElectronicResults, 1, 3, "0.3333", "2")] // over decided dossiers (9/10): d1, d2, d6
    [InlineData(IndicatorCodes.DigitisedDossiers, 1, 5, "0.2", "0.8")]
    [InlineData(IndicatorCodes.ReusedData, 1, 5, "0.2", "0.5")] // threshold 80 %: 2 × 0.2 / 0.8
    [InlineData(IndicatorCodes.DossierSatisfaction, 3, 4, "0.75", "5")] // finished only; threshold 90 %: 6 × 0.75 / 0.9
    [InlineData(IndicatorCodes.PublishOnTime, 1, 2, "0.5", "3")] // the fee procedure's late version 2 makes it late
    [InlineData(IndicatorCodes.PublicUpdateOnTime, 0, 1, "0", "0")]
    [InlineData(IndicatorCodes.PublicContentFull, 1, 2, "0.5", "1")] // the fee procedure's online level is not published
    [InlineData(IndicatorCodes.OnlineProcedures, 1, 2, "0.5", "1.25")] // threshold 80 %: 2 × 0.5 / 0.8
    [InlineData(IndicatorCodes.OnlineServicesWithDossiers, 1, 1, "1", "4")]
    public void Each_indicator_matches_the_hand_worked_month(string code, long numerator, long denominator, string ratio, string points)
    {
        var indicator = Indicator(Compute(), code);
        Assert.Equal((numerator, denominator), (indicator.Numerator, indicator.Denominator));
        Assert.Equal(decimal.Parse(ratio, System.Globalization.CultureInfo.InvariantCulture), indicator.Ratio);
        Assert.Equal(decimal.Parse(points, System.Globalization.CultureInfo.InvariantCulture), indicator.Points);
    }

    [Fact]
    public void Groups_and_total_sum_the_points_and_leave_out_not_applicable_maxima()
    {
        var r = Compute();
        var groups = r.Groups.ToDictionary(g => g.Code, g => (g.Points, g.MaxPoints));
        Assert.Equal((8.80m, 18m), groups["transparency"]);
        Assert.Equal((12m, 20m), groups["progress"]);
        Assert.Equal((11.25m, 12m), groups["online"]);
        Assert.Equal((7m, 10m), groups["payment"]);
        // Certified copies (not tracked) and procedures using population data (no citizen dossier) are N/A: 22 − 2 − 2.
        Assert.Equal((3.30m, 18m), groups["digitisation"]);
        Assert.Equal((17m, 18m), groups["satisfaction"]); // no petitions: full points for both petition indicators
        Assert.Equal(59.35m, r.TotalPoints);
        Assert.Equal(96m, r.TotalMaxPoints);
        Assert.Equal(5, r.DossiersReceived);
    }

    [Fact]
    public void Group_maxima_add_up_to_one_hundred_when_every_indicator_applies()
    {
        var rules = DefaultRules.V2025;
        Assert.Equal(100m, rules.Indicators.Values.Sum(i => i.Max));
    }

    [Fact]
    public void The_eight_targets_are_met_or_not_from_the_same_ratios()
    {
        var lights = Compute().Targets.ToDictionary(t => t.Code, t => (t.Value, t.Met, t.Light));
        Assert.Equal(8, lights.Count);
        Assert.Equal((0.6m, false, "red"), lights["processed-on-time"]);
        Assert.Equal((0.8m, false, "red"), lights["dossiers-synced"]);
        Assert.Equal((0.6m, false, "red"), lights["tracked-and-synced"]); // synced up to the latest change: d1, d4, d6
        Assert.Equal((0.5m, false, "red"), lights["published-on-time"]);
        Assert.Equal((1m, true, "green"), lights["fee-procedures-integrated"]);
        Assert.Equal((1m, true, "green"), lights["procedures-paid-online"]);
        Assert.Equal((1m, true, "green"), lights["online-services-with-dossiers"]);
        // Full-process over the procedures with a known level (the fee procedure's is unknown): 1 of 1; but only half are online.
        Assert.Equal((1m, false, "amber"), lights["online-full-process"]);
    }

    [Fact]
    public void A_target_just_short_of_its_minimum_is_amber_and_one_without_data_is_grey()
    {
        // 193 of 200 on time = 96.5 %: short of 99.5 % but within the 5-point margin (amber).
        var facts = Enumerable.Range(0, 200).Select(i => Dossier(ended: i < 193 ? Due : Due.AddDays(1)) with { Code = "x" + i }).ToList();
        var result = FactsIndex.Compute(facts, [], November, MonthEnd, DefaultRules.V2025);
        var onTime = result.Targets.Single(t => t.Code == "processed-on-time");
        Assert.Equal((0.965m, false, "amber"), (onTime.Value, onTime.Met, onTime.Light));
        Assert.Equal("grey", result.Targets.Single(t => t.Code == "published-on-time").Light);
    }

    [Fact]
    public void The_repeated_supplement_choice_changes_progress_but_not_the_counts()
    {
        var facts = new List<DossierFact>
        {
            Dossier(ended: At("2026-11-08T10:00"), requests: 2, paused: 3_600) with { Code = "r1" },
            Dossier(ended: At("2026-11-08T10:00")) with { Code = "r2" },
        };
        var rules = DefaultRules.V2025;
        var always = Indicator(FactsIndex.Compute(facts, [], November, MonthEnd, rules), IndicatorCodes.ProgressOnTime);
        rules.RepeatedSupplement = RepeatedSupplement.OnlyWhilePending;
        var pendingOnly = Indicator(FactsIndex.Compute(facts, [], November, MonthEnd, rules), IndicatorCodes.ProgressOnTime);
        Assert.Equal((1, 2, 10m), (always.Numerator, always.Denominator, always.Points));
        Assert.Equal((2, 2, 20m), (pendingOnly.Numerator, pendingOnly.Denominator, pendingOnly.Points));
    }

    [Fact]
    public void An_empty_period_scores_zero_denominators_by_each_indicators_rule()
    {
        var r = FactsIndex.Compute([], [], November, MonthEnd, DefaultRules.V2025);
        var progress = Indicator(r, IndicatorCodes.ProgressOnTime);
        Assert.Equal((null, null, false), (progress.Ratio, progress.Points, progress.Counted)); // N/A
        Assert.Equal(0m, Indicator(r, IndicatorCodes.DossiersPaidOnline).Points); // payment: 0
        Assert.Equal(6m, Indicator(r, IndicatorCodes.PetitionsOnTime).Points); // petitions: full
        Assert.Equal(0m, Indicator(r, IndicatorCodes.DossierSatisfaction).Points); // dossier satisfaction: 0
    }

    [Fact]
    public void A_later_rule_set_applies_from_its_effective_date_only()
    {
        var later = DefaultRules.V2025;
        later.EffectiveFrom = new DateOnly(2027, 1, 1);
        later.Name = "later";
        later.Indicators[IndicatorCodes.ProgressOnTime] = new IndicatorRule { Max = 25 };
        var sets = new[] { DefaultRules.V2025, later };
        Assert.Equal("qd766-2025", KpiRules.Pick(sets, new DateOnly(2026, 12, 31)).Name);
        Assert.Equal("later", KpiRules.Pick(sets, new DateOnly(2027, 1, 31)).Name);
        var r = FactsIndex.Compute(Month(), Catalogue(), November, MonthEnd, KpiRules.Pick(sets, new DateOnly(2027, 1, 31)));
        Assert.Equal(15m, Indicator(r, IndicatorCodes.ProgressOnTime).Points); // 25 × 0.6
    }
}

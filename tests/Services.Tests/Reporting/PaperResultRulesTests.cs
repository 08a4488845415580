using Procedures.Contracts;
using Procedures.Reporting.Kpi.Facts;
using Procedures.Reporting.Kpi.Indicators;
using Procedures.Reporting.Kpi.Rules;
using static Procedures.Services.Tests.Reporting.IndexCalculatorTests;
using static Procedures.Services.Tests.Reporting.OnTimeTests;

namespace Procedures.Services.Tests.Reporting;

/// <summary>
/// The indicators that depend on whether a procedure's result must be a paper original (3.3, 4.1, 4.2) and on the
/// online level with the date it took effect (3.1's full-process target), each with dossiers of a paper-result
/// procedure, of one that needs no paper original, and of one where it is not recorded (issue 24 item 3).
/// </summary>
[Trait("Kind", "Pure")]
public sealed class PaperResultRulesTests
{
    /// <summary>Every dossier synced and decided, so 3.3's sync factor is 1 and 4.1's decided cohort is the received one.</summary>
    private static DossierFact Decided(string code, bool? paper, int channel = 2, bool eResult = false, bool digitised = false)
        => Dossier(ended: At("2026-11-08T10:00")) with
        {
            Code = code, Channel = channel, PaperResult = paper, ElectronicResult = eResult, Digitised = digitised, LastSequence = 5,
            SyncedSequence = 5,
        };

    private static IndicatorResult Indicator(IEnumerable<DossierFact> dossiers, string code, KpiRuleSet? rules = null)
        => FactsIndex.Compute(dossiers, [], November, MonthEnd, rules ?? DefaultRules.V2025).Indicators.Single(i => i.Code == code);

    [Fact]
    public void An_online_dossier_of_a_paper_result_procedure_counts_in_3_3_only_with_an_electronic_result()
    {
        var online = Indicator([
            Decided("paper-e", paper: true, eResult: true),
            Decided("paper-no-e", paper: true),
            Decided("no-paper", paper: false),
            Decided("unknown", paper: null),
            Decided("in-person", paper: false, channel: 1),
        ], IndicatorCodes.OnlineDossiers);
        Assert.Equal((3, 5), (online.Numerator, online.Denominator)); // paper-e, no-paper, unknown
        Assert.Equal(1, online.Counts!["paperResultUnknown"]);
    }

    [Fact]
    public void The_4_1_cohort_is_the_dossiers_of_paper_result_procedures_and_keeps_the_unrecorded_ones()
    {
        List<DossierFact> dossiers =
        [
            Decided("paper-e", paper: true, eResult: true),
            Decided("paper-no-e", paper: true),
            Decided("no-paper-e", paper: false, eResult: true), // not in 4.1 at all, e-result or not
            Decided("no-paper", paper: false),
            Decided("unknown-e", paper: null, eResult: true),
            Dossier() with { Code = "paper-open", PaperResult = true }, // received, not decided
        ];
        var overDecided = Indicator(dossiers, IndicatorCodes.ElectronicResults);
        Assert.Equal((2, 3), (overDecided.Numerator, overDecided.Denominator)); // paper-e, unknown-e of the three decided
        Assert.Equal(1, overDecided.Counts!["paperResultUnknown"]);

        var rules = DefaultRules.V2025;
        rules.ElectronicResultOverDecided = false; // DOC: every received dossier of the cohort
        var overReceived = Indicator(dossiers, IndicatorCodes.ElectronicResults, rules);
        Assert.Equal((2, 4), (overReceived.Numerator, overReceived.Denominator));
    }

    [Fact]
    public void A_catalogue_where_no_procedure_needs_a_paper_original_leaves_4_1_not_applicable()
    {
        var result = Indicator([Decided("a", paper: false, eResult: true), Decided("b", paper: false)], IndicatorCodes.ElectronicResults);
        Assert.Equal((0, 0, null, false), (result.Numerator, result.Denominator, result.Points, result.Counted));
    }

    [Fact]
    public void A_digitised_dossier_of_a_paper_result_procedure_counts_in_4_2_only_with_an_electronic_result()
    {
        var digitised = Indicator([
            Decided("paper-e", paper: true, eResult: true, digitised: true),
            Decided("paper-no-e", paper: true, digitised: true),
            Decided("no-paper", paper: false, digitised: true),
            Decided("unknown", paper: null, digitised: true),
            Decided("not-digitised", paper: false, eResult: true),
        ], IndicatorCodes.DigitisedDossiers);
        Assert.Equal((3, 5), (digitised.Numerator, digitised.Denominator));
        Assert.Equal(1, digitised.Counts!["paperResultUnknown"]);
    }

    [Fact]
    public void The_tally_of_a_dossier_is_what_the_daily_aggregate_stores_for_it()
    {
        // Stored() and FromStored() carry the new counters: a sum read back from daily_facts scores the same.
        var tally = Tally.Of(Decided("paper-no-e", paper: true, digitised: true)) + Tally.Of(Decided("unknown", paper: null));
        Assert.Equal(tally, Tally.FromStored(tally.Stored()));
        Assert.Equal((2, 1, 2, 1, 1, 0), (tally.PaperResult, tally.PaperResultUnknown, tally.PaperResultDecided, tally.OnlineCounted,
            tally.Online - tally.OnlineCounted, tally.DigitisedCounted));
    }

    private static ProcedureVersionFact Procedure(string code, OnlineServiceLevel level, int version = 1, DateOnly? since = null)
        => new(code, version, "Thủ tục " + code, "Hộ tịch", ProcedureLevel.Commune, level, false, new DateOnly(2026, 1, 5), true,
            OnlineLevelSince: since);

    private static (IndicatorResult Online, TargetResult Target) FullProcess(IReadOnlyList<ProcedureVersionFact> catalogue)
    {
        var result = FactsIndex.Compute([], catalogue, November, MonthEnd, DefaultRules.V2025);
        return (result.Indicators.Single(i => i.Code == IndicatorCodes.OnlineProcedures), result.Targets.Single(t => t.Code == "online-full-process"));
    }

    [Fact]
    public void The_full_process_target_counts_over_procedures_with_a_known_level_and_shows_the_unknown_ones()
    {
        // 4 full-process and 1 partial of 5 with a known level (80 %), 3 unknown: the target's measure is met; the
        // second condition (every procedure offered online) is not, since the unknown ones are not known to be online.
        var catalogue = new List<ProcedureVersionFact>();
        for (var i = 0; i < 4; i++) catalogue.Add(Procedure($"1.00000{i}", OnlineServiceLevel.Full, since: new DateOnly(2026, 3, 1)));
        catalogue.Add(Procedure("1.000010", OnlineServiceLevel.Partial));
        for (var i = 0; i < 3; i++) catalogue.Add(Procedure($"1.00002{i}", OnlineServiceLevel.Unknown));
        var (online, target) = FullProcess(catalogue);
        Assert.Equal(0.8m, online.SubRatios!["full"]);
        Assert.Equal((4, 5, 3), (online.Counts!["fullProcess"], online.Counts["knownLevel"], online.Counts["unknownLevel"]));
        Assert.Equal((5, 8), (online.Numerator, online.Denominator)); // 3.1 itself keeps the national denominator
        Assert.Equal((0.8m, false, 3L), (target.Value, target.Met, target.Unknown));

        // Every level recorded and every procedure online: met.
        var known = catalogue.Where(p => p.OnlineLevel != OnlineServiceLevel.Unknown).ToList();
        var (_, met) = FullProcess(known);
        Assert.Equal((0.8m, true, "green", 0L), (met.Value, met.Met, met.Light, met.Unknown));

        // No level recorded at all: no measure (grey), every procedure shown as unknown.
        var (_, grey) = FullProcess(catalogue.Where(p => p.OnlineLevel == OnlineServiceLevel.Unknown).ToList());
        Assert.Equal((null, "grey", 3L), (grey.Value, grey.Light, grey.Unknown));
    }

    [Fact]
    public void A_level_counts_from_the_date_it_took_effect()
    {
        // Version 2 records full-process from December: November is judged by version 1's partial level.
        List<ProcedureVersionFact> catalogue =
        [
            Procedure("1.000001", OnlineServiceLevel.Partial, version: 1, since: new DateOnly(2026, 2, 1)),
            Procedure("1.000001", OnlineServiceLevel.Full, version: 2, since: new DateOnly(2026, 12, 1)),
        ];
        var (online, _) = FullProcess(catalogue);
        Assert.Equal((0, 1, 1), (online.Counts!["fullProcess"], online.Counts["knownLevel"], online.Numerator));
        var inDecember = OnlineLevels.InForce(catalogue, new DateOnly(2026, 12, 31));
        Assert.Equal(OnlineServiceLevel.Full, inDecember["1.000001"]);

        // A level that takes effect later with no earlier version in force: unknown for the period.
        var (later, _) = FullProcess([Procedure("1.000002", OnlineServiceLevel.Full, since: new DateOnly(2027, 1, 1))]);
        Assert.Equal((0, 0, 1), (later.Counts!["fullProcess"], later.Counts["knownLevel"], later.Counts["unknownLevel"]));
    }
}

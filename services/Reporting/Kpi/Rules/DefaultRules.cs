using Procedures.Reporting.Kpi.Indicators;

namespace Procedures.Reporting.Kpi.Rules;

/// <summary>
/// The rule sets shipped with the code (docs/kpi766-choices.md explains each choice). Configuration (<c>Kpi:RuleSets</c>)
/// adds sets or replaces one with the same effective date, without a redeploy.
/// </summary>
public static class DefaultRules
{
    public static KpiRuleSet V2025 => new()
    {
        EffectiveFrom = new DateOnly(2025, 1, 1),
        Name = "qd766-2025",
        Indicators = new(StringComparer.Ordinal)
        {
            [IndicatorCodes.PublishOnTime] = Proportional(6),
            [IndicatorCodes.PublicUpdateOnTime] = Proportional(4),
            [IndicatorCodes.PublicContentFull] = Proportional(2),
            [IndicatorCodes.DossierSync] = Proportional(6),
            [IndicatorCodes.ProgressOnTime] = Proportional(20),
            [IndicatorCodes.OnlineProcedures] = Threshold(2, 0.80m),
            [IndicatorCodes.OnlineServicesWithDossiers] = Proportional(4),
            [IndicatorCodes.OnlineDossiers] = Threshold(6, 0.50m),
            [IndicatorCodes.FeeProceduresIntegrated] = Threshold(2, 0.80m, ZeroDenominator.Zero),
            [IndicatorCodes.ProceduresPaidOnline] = Threshold(2, 0.80m, ZeroDenominator.Zero),
            [IndicatorCodes.DossiersPaidOnline] = Proportional(6, ZeroDenominator.Zero),
            [IndicatorCodes.ElectronicResults] = Proportional(6),
            [IndicatorCodes.DigitisedDossiers] = Proportional(4),
            [IndicatorCodes.ElectronicCertifiedCopy] = Proportional(2),
            [IndicatorCodes.ReusedData] = Threshold(2, 0.80m),
            [IndicatorCodes.CitizenStore] = Proportional(4),
            [IndicatorCodes.PopulationDataDossiers] = Proportional(2),
            [IndicatorCodes.PopulationDataProcedures] = Proportional(2),
            [IndicatorCodes.PetitionsOnTime] = Proportional(6, ZeroDenominator.Full),
            [IndicatorCodes.PetitionSatisfaction] = Proportional(6, ZeroDenominator.Full),
            [IndicatorCodes.DossierSatisfaction] = Threshold(6, 0.90m, ZeroDenominator.Zero),
        },
        Targets =
        [
            Target("online-services-with-dossiers", IndicatorCodes.OnlineServicesWithDossiers, 1m,
                "DVCTT có phát sinh hồ sơ 100%", "Online services with dossiers 100%"),
            Target("procedures-paid-online", IndicatorCodes.ProceduresPaidOnline, 1m,
                "TTHC có giao dịch thanh toán trực tuyến 100%", "Procedures with online payment transactions 100%"),
            Target("fee-procedures-integrated", IndicatorCodes.FeeProceduresIntegrated, 0.80m,
                "TTHC có phí, lệ phí thanh toán trên Cổng DVCQG ≥ 80%", "Fee-bearing procedures payable on the national portal ≥ 80%"),
            Target("published-on-time", IndicatorCodes.PublishOnTime, 1m,
                "TTHC công bố đúng hạn 100%", "Procedures published on time 100%"),
            Target("dossiers-synced", IndicatorCodes.DossierSync, 1m,
                "Hồ sơ đồng bộ lên Cổng DVCQG 100%", "Dossiers synced to the national portal 100%"),
            Target("processed-on-time", IndicatorCodes.ProgressOnTime, 0.995m,
                "Hồ sơ giải quyết đúng hạn ≥ 99,5%", "Dossiers processed on time ≥ 99.5%"),
            Target("online-full-process", IndicatorCodes.OnlineProcedures, 0.80m,
                "TTHC cung cấp DVCTT toàn trình ≥ 80% (DVCTT 100%)", "Procedures with full-process online service ≥ 80% (online 100%)", "full", ratioMinimum: 1m,
                unknownCount: "unknownLevel"),
            Target("tracked-and-synced", IndicatorCodes.DossierSync, 1m,
                "Hồ sơ theo dõi trên hệ thống và đồng bộ đầy đủ 100%", "Dossiers tracked in the city system and fully synced 100%", "current"),
        ],
    };

    public static IReadOnlyList<KpiRuleSet> All => [V2025];

    private static IndicatorRule Proportional(decimal max, ZeroDenominator zero = ZeroDenominator.Excluded)
        => new() { Max = max, ZeroDenominator = zero };

    private static IndicatorRule Threshold(decimal max, decimal threshold, ZeroDenominator zero = ZeroDenominator.Excluded)
        => new() { Max = max, Threshold = threshold, ZeroDenominator = zero };

    private static TargetRule Target(string code, string indicator, decimal minimum, string vi, string en, string measure = "ratio",
        decimal? ratioMinimum = null, string? unknownCount = null)
        => new()
        {
            Code = code, Indicator = indicator, Minimum = minimum, NameVi = vi, NameEn = en, Measure = measure, RatioMinimum = ratioMinimum,
            UnknownCount = unknownCount,
        };
}

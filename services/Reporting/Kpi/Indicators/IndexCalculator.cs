using Procedures.Reporting.Kpi.Facts;
using Procedures.Reporting.Kpi.Rules;

namespace Procedures.Reporting.Kpi.Indicators;

/// <summary>
/// What one index computation needs: tallies of every received dossier per procedure code, the catalogue's versions, the
/// period; for the portal's view also the tallies of the received dossiers the portal does not hold
/// (<see cref="NotHeldByPortal"/>; none given = the local view).
/// </summary>
public sealed record IndexInput(
    Period Period,
    DateTimeOffset JudgedAt,
    IReadOnlyDictionary<string, Tally> ByProcedure,
    IReadOnlyList<ProcedureVersionFact> Versions,
    bool UnitFiltered,
    Satisfaction.SatisfactionTally? Satisfaction = null,
    (long Offering, long Communes)? CertifiedCopyCommunes = null,
    IReadOnlyDictionary<string, Tally>? NotHeldByPortal = null)
{
    public IndexView View => NotHeldByPortal is null ? IndexView.Local : IndexView.Portal;

    /// <summary>
    /// The tallies the dossier indicators count: every received dossier (local), or those minus the ones the portal does
    /// not hold (portal) — so the two views differ exactly by the unsynced dossiers.
    /// </summary>
    public IReadOnlyDictionary<string, Tally> Counted()
    {
        if (NotHeldByPortal is null) return ByProcedure;
        var held = new Dictionary<string, Tally>(StringComparer.Ordinal);
        foreach (var (code, all) in ByProcedure)
            if (all - NotHeldByPortal.GetValueOrDefault(code, Tally.Empty) is { IsZero: false } portal) held[code] = portal;
        return held;
    }
}

/// <summary>
/// The Decision 766 index as a pure function of tallies and catalogue facts (docs/kpi766.md; choices in docs/kpi766-choices.md).
/// The live index, the evaluation of posted facts and the metrics all end here.
/// </summary>
public static class IndexCalculator
{
    private sealed record Group(string Code, string Vi, string En);

    private static readonly Group[] Groups =
    [
        new("transparency", "Công khai, minh bạch", "Transparency"),
        new("progress", "Tiến độ giải quyết", "Processing progress"),
        new("online", "Dịch vụ công trực tuyến", "Online services"),
        new("payment", "Thanh toán trực tuyến", "Online payment"),
        new("digitisation", "Số hóa hồ sơ", "Digitisation"),
        new("satisfaction", "Mức độ hài lòng", "Satisfaction"),
    ];

    public static IndexResult Compute(IndexInput input, KpiRuleSet rules)
    {
        // Every received dossier: what DOSSIER_SYNC measures (synced ÷ received) in both views, and dossiersReceived.
        var all = input.ByProcedure.Values.Aggregate(Tally.Empty, (a, b) => a + b);
        // What every other dossier indicator counts: the view's dossiers (docs/kpi766-choices.md#the-two-views).
        var byProcedure = input.Counted();
        var t = byProcedure.Values.Aggregate(Tally.Empty, (a, b) => a + b);
        var current = input.Versions.GroupBy(v => v.Code).Select(g => g.MaxBy(v => v.Version)!).ToList();
        var inPeriod = input.Versions.Where(v => v.PublishedOn is { } d && d >= input.Period.From && d <= input.Period.To).ToList();
        // Procedure-level dossier indicators: a unit is measured against the procedures it received dossiers for.
        var scope = input.UnitFiltered
            ? current.Where(p => byProcedure.TryGetValue(p.Code, out var pt) && pt.Received > 0).ToList()
            : current;
        long Procedures(Func<Tally, bool> has, IEnumerable<string>? among = null)
            => (among ?? byProcedure.Keys).Count(code => byProcedure.TryGetValue(code, out var pt) && has(pt));
        var rule = rules.RepeatedSupplement;
        var (onTime, judged) = t.Progress(rule);
        var settledJudged = t.SettledOnTime + t.SettledOnTimeRepeated + t.SettledLate;
        var settledOnTime = t.SettledOnTime + (rule == RepeatedSupplement.OnlyWhilePending ? t.SettledOnTimeRepeated : 0);
        var (publishedOnTime, published) = OnTimeProcedures(inPeriod);
        var (updatedOnTime, updated) = OnTimeProcedures(inPeriod.Where(v => v.Version >= 2));
        // The online level each procedure had at the end of the period (a level recorded to take effect later does not count yet).
        var levels = OnlineLevels.InForce(input.Versions, input.Period.To);
        var online = scope.Where(p => ProcedureVersionFact.Offers(levels[p.Code])).Select(p => p.Code).ToList();
        var (fullProcess, knownLevel) = (current.Count(p => levels[p.Code] == Contracts.OnlineServiceLevel.Full),
            current.Count(p => levels[p.Code] != Contracts.OnlineServiceLevel.Unknown));
        var paperUnknown = new Dictionary<string, long> { ["paperResultUnknown"] = t.PaperResultUnknown };
        var feeProcedures = scope.Where(p => p.FeeBearing == true).Select(p => p.Code).ToList();
        var syncRatio = all.Received == 0 ? 0m : (decimal)all.Synced / all.Received;
        // 3.3 in the portal's view is the national formula: the portal's online share × the sync rate, so an unsynced
        // dossier costs only through the sync rate. The local share counts unsynced dossiers already; × the sync rate
        // would count them twice.
        var onlineMultiplier = input.View == IndexView.Portal && rules.OnlineShareTimesSyncRate ? syncRatio : 1m;
        var sat = input.Satisfaction;

        var results = new List<IndicatorResult>
        {
            Make(rules, IndicatorCodes.PublishOnTime, "transparency", "Tỷ lệ TTHC công bố đúng hạn", "Procedures published on time", publishedOnTime, published),
            Make(rules, IndicatorCodes.PublicUpdateOnTime, "transparency", "Tỷ lệ TTHC được cập nhật, công khai đúng hạn", "Procedure updates made public on time", updatedOnTime, updated),
            Make(rules, IndicatorCodes.PublicContentFull, "transparency", "Tỷ lệ TTHC công khai đầy đủ nội dung", "Procedures with full public content",
                current.Count(p => p.ContentComplete), current.Count),
            Make(rules, IndicatorCodes.DossierSync, "transparency", "Tỷ lệ hồ sơ đồng bộ lên Cổng DVCQG", "Dossiers synced to the national portal", all.Synced, all.Received,
                sub: new Dictionary<string, decimal?> { ["current"] = Ratio(all.SyncedCurrent, all.Received) }),
            Make(rules, IndicatorCodes.ProgressOnTime, "progress", "Tỷ lệ hồ sơ xử lý trước hạn, đúng hạn", "Dossiers processed early or on time", onTime, judged,
                sub: new Dictionary<string, decimal?> { ["finished"] = Ratio(settledOnTime, settledJudged), ["pending"] = Ratio(t.OpenWithinTime, t.OpenWithinTime + t.OpenOverdue) }),
            Make(rules, IndicatorCodes.OnlineProcedures, "online", "Tỷ lệ TTHC cung cấp dịch vụ công trực tuyến", "Procedures offered online",
                current.Count(p => ProcedureVersionFact.Offers(levels[p.Code])), current.Count,
                // The city's full-process target counts over the procedures whose level is recorded, and shows the others.
                sub: new Dictionary<string, decimal?> { ["full"] = Ratio(fullProcess, knownLevel) },
                counts: new Dictionary<string, long> { ["fullProcess"] = fullProcess, ["knownLevel"] = knownLevel, ["unknownLevel"] = current.Count - knownLevel }),
            Make(rules, IndicatorCodes.OnlineServicesWithDossiers, "online", "Tỷ lệ DVCTT có phát sinh hồ sơ", "Online services that received dossiers",
                Procedures(pt => pt.Online > 0, online), online.Count),
            Make(rules, IndicatorCodes.OnlineDossiers, "online", "Tỷ lệ hồ sơ nộp trực tuyến", "Dossiers submitted online", t.OnlineCounted, t.Received,
                multiplier: onlineMultiplier, counts: paperUnknown),
            Make(rules, IndicatorCodes.FeeProceduresIntegrated, "payment", "Tỷ lệ TTHC có phí tích hợp thanh toán trực tuyến", "Fee-bearing procedures integrated for online payment",
                // Procedures with a fee-bearing dossier of the view: in the portal's view, one whose fee data the portal holds.
                Procedures(pt => pt.FeeBearing > 0, feeProcedures), feeProcedures.Count),
            Make(rules, IndicatorCodes.ProceduresPaidOnline, "payment", "Tỷ lệ TTHC có giao dịch thanh toán trực tuyến", "Procedures with online payment transactions",
                Procedures(pt => pt.PaidOnline > 0), Procedures(pt => pt.FeeBearing > 0)),
            Make(rules, IndicatorCodes.DossiersPaidOnline, "payment", "Tỷ lệ hồ sơ thanh toán trực tuyến", "Fee-bearing dossiers paid online", t.PaidOnline, t.FeeBearing),
            Make(rules, IndicatorCodes.ElectronicResults, "digitisation", "Tỷ lệ hồ sơ có kết quả điện tử", "Dossiers with an electronic result",
                t.PaperResultElectronic, rules.ElectronicResultOverDecided ? t.PaperResultDecided : t.PaperResult, counts: paperUnknown),
            Make(rules, IndicatorCodes.DigitisedDossiers, "digitisation", "Tỷ lệ hồ sơ được số hóa", "Digitised dossiers", t.DigitisedCounted, t.Received,
                counts: paperUnknown),
            Make(rules, IndicatorCodes.ElectronicCertifiedCopy, "digitisation", "Tỷ lệ cung cấp dịch vụ chứng thực bản sao điện tử", "Electronic certified copies offered",
                input.CertifiedCopyCommunes?.Offering ?? 0, input.CertifiedCopyCommunes?.Communes ?? 0, tracked: input.CertifiedCopyCommunes is not null),
            Make(rules, IndicatorCodes.ReusedData, "digitisation", "Tỷ lệ hồ sơ sử dụng lại dữ liệu số hóa", "Dossiers reusing digitised data", t.Reused, t.Received),
            Make(rules, IndicatorCodes.CitizenStore, "digitisation", "Tỷ lệ hồ sơ kết nối kho dữ liệu công dân", "Dossiers linked to the citizen's data store", t.CitizenStore, t.Received),
            Make(rules, IndicatorCodes.PopulationDataDossiers, "digitisation", "Tỷ lệ hồ sơ sử dụng dữ liệu dân cư", "Dossiers using population data", t.PopulationData, t.Received),
            Make(rules, IndicatorCodes.PopulationDataProcedures, "digitisation", "Tỷ lệ TTHC kết nối dữ liệu dân cư", "Procedures using population data",
                Procedures(pt => pt.Citizen > 0 && pt.PopulationData > 0), Procedures(pt => pt.Citizen > 0)),
            // Satisfaction (issue 10): from ratings and feedback when the caller has them (the live index); posted facts do not.
            Make(rules, IndicatorCodes.PetitionsOnTime, "satisfaction", "Tiến độ xử lý phản ánh, kiến nghị", "Feedback handled on time",
                sat?.FeedbackOnTime ?? 0, sat?.FeedbackJudged ?? 0, tracked: sat is not null),
            Make(rules, IndicatorCodes.PetitionSatisfaction, "satisfaction", "Tỷ lệ hài lòng xử lý phản ánh, kiến nghị", "Satisfaction with feedback handling",
                sat?.AnswersSatisfied ?? 0, sat?.AnswersRated ?? 0, tracked: sat is not null),
            Make(rules, IndicatorCodes.DossierSatisfaction, "satisfaction", "Tỷ lệ hài lòng tiếp nhận, giải quyết TTHC", "Satisfaction with dossier handling",
                sat?.DossiersSatisfied ?? settledOnTime, sat?.DossiersRated ?? settledJudged),
        };

        var groups = Groups.Select(g =>
        {
            var members = results.Where(r => r.Group == g.Code && r.Counted).ToList();
            return new GroupResult(g.Code, g.Vi, g.En, members.Sum(r => r.Points ?? 0m), members.Sum(r => r.MaxPoints));
        }).ToList();

        return new IndexResult(input.Period, input.JudgedAt, input.View, new RuleSetInfo(rules.Name, rules.EffectiveFrom, rules.RepeatedSupplement.ToString()),
            all.Received, results, groups, groups.Sum(g => g.Points), groups.Sum(g => g.MaxPoints),
            rules.Targets.Select(target => Target(target, results, rules.AmberMargin)).ToList());
    }

    /// <summary>A procedure counts once: late if any of its versions in the period was late; not judged if a date is missing.</summary>
    private static (long OnTime, long Judged) OnTimeProcedures(IEnumerable<ProcedureVersionFact> versions)
    {
        var verdicts = versions.GroupBy(v => v.Code)
            .Select(g => g.Any(v => v.PublishedOnTime == false) ? false : g.All(v => v.PublishedOnTime == true) ? true : (bool?)null)
            .Where(v => v is not null).ToList();
        return (verdicts.Count(v => v == true), verdicts.Count);
    }

    private static IndicatorResult Make(KpiRuleSet rules, string code, string group, string vi, string en, long numerator, long denominator,
        decimal multiplier = 1m, bool tracked = true, IReadOnlyDictionary<string, decimal?>? sub = null, IReadOnlyDictionary<string, long>? counts = null)
    {
        var rule = rules.Rule(code);
        var (ratio, points, counted) = Scoring.Score(numerator, denominator, rule, multiplier);
        return new IndicatorResult(code, group, vi, en, numerator, denominator, ratio, rule.Threshold, points, rule.Max, counted, tracked,
            rule.Threshold is null ? "proportional" : "threshold-linear", sub, counts);
    }

    private static TargetResult Target(TargetRule target, List<IndicatorResult> results, decimal margin)
    {
        var indicator = results.FirstOrDefault(r => r.Code == target.Indicator);
        var value = target.Measure == "ratio" ? indicator?.Ratio : indicator?.SubRatios?.GetValueOrDefault(target.Measure);
        var unknown = target.UnknownCount is { } key ? indicator?.Counts?.GetValueOrDefault(key) : null;
        if (value is null)
            return new TargetResult(target.Code, target.NameVi, target.NameEn, target.Indicator, target.Minimum, null, null, "grey", unknown);
        var met = value >= target.Minimum && (target.RatioMinimum is not { } also || indicator!.Ratio >= also);
        var light = met ? "green" : value >= target.Minimum - margin ? "amber" : "red";
        return new TargetResult(target.Code, target.NameVi, target.NameEn, target.Indicator, target.Minimum, value, met, light, unknown);
    }

    private static decimal? Ratio(long numerator, long denominator)
        => denominator <= 0 ? null : Scoring.Round((decimal)numerator / denominator, 4);
}

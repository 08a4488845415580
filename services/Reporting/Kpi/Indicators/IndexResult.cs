namespace Procedures.Reporting.Kpi.Indicators;

/// <summary>
/// One indicator: counts, ratio (fraction), threshold, points and maximum. Ratio/points null: zero denominator.
/// <see cref="Counts"/>: further counts shown with it, e.g. what it could not judge for lack of a catalogue fact.
/// </summary>
public sealed record IndicatorResult(
    string Code,
    string Group,
    string NameVi,
    string NameEn,
    long Numerator,
    long Denominator,
    decimal? Ratio,
    decimal? Threshold,
    decimal? Points,
    decimal MaxPoints,
    bool Counted,
    bool Tracked,
    string Scoring,
    IReadOnlyDictionary<string, decimal?>? SubRatios = null,
    IReadOnlyDictionary<string, long>? Counts = null);

public sealed record GroupResult(string Code, string NameVi, string NameEn, decimal Points, decimal MaxPoints);

/// <summary>
/// Light: green (met), amber (within the rule set's margin), red, grey (no data). Unknown: how many items the measure
/// left out because a fact is not recorded (e.g. procedures without an online level), when the target says which count.
/// </summary>
public sealed record TargetResult(string Code, string NameVi, string NameEn, string Indicator, decimal Minimum, decimal? Value, bool? Met, string Light,
    long? Unknown = null);

public sealed record Period(DateOnly From, DateOnly To);

public sealed record RuleSetInfo(string Name, DateOnly EffectiveFrom, string RepeatedSupplement);

/// <param name="View">Which dossiers the dossier indicators counted (<see cref="IndexView"/>).</param>
/// <param name="DossiersReceived">Every dossier received in the period, in both views (DOSSIER_SYNC's denominator).</param>
public sealed record IndexResult(
    Period Period,
    DateTimeOffset JudgedAt,
    IndexView View,
    RuleSetInfo RuleSet,
    long DossiersReceived,
    IReadOnlyList<IndicatorResult> Indicators,
    IReadOnlyList<GroupResult> Groups,
    decimal TotalPoints,
    decimal TotalMaxPoints,
    IReadOnlyList<TargetResult> Targets);

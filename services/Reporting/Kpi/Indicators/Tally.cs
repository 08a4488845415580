using Procedures.Reporting.Kpi.Facts;
using Procedures.Reporting.Kpi.Rules;

namespace Procedures.Reporting.Kpi.Indicators;

/// <summary>
/// Counts of received dossiers (one procedure, or a sum). The part that does not depend on when the period is judged
/// (<see cref="Of"/>) is what the daily aggregate table stores; open dossiers are added when the period is judged
/// (<see cref="AddOpen"/>). The live index and <c>POST /evaluate</c> both build tallies with these two functions.
/// </summary>
public sealed record Tally
{
    public long Received { get; init; }
    public long SettledOnTime { get; init; }
    public long SettledOnTimeRepeated { get; init; }
    public long SettledLate { get; init; }
    public long OpenWithinTime { get; init; }
    public long OpenOverdue { get; init; }
    public long Synced { get; init; }
    public long SyncedCurrent { get; init; }
    public long Online { get; init; }
    public long FeeBearing { get; init; }
    public long PaidOnline { get; init; }
    public long Decided { get; init; }
    public long ElectronicResult { get; init; }
    public long Digitised { get; init; }
    public long Reused { get; init; }
    public long CitizenStore { get; init; }
    public long PopulationData { get; init; }
    public long Citizen { get; init; }
    public long LateReception { get; init; }
    public long LateWithApology { get; init; }
    /// <summary>4.1's cohort (<see cref="DossierFact.InPaperResultCohort"/>): its dossiers, the decided ones, those with an e-result.</summary>
    public long PaperResult { get; init; }
    public long PaperResultDecided { get; init; }
    public long PaperResultElectronic { get; init; }
    /// <summary>Dossiers of versions for which it is not recorded whether the result must be a paper original.</summary>
    public long PaperResultUnknown { get; init; }
    /// <summary>3.3's and 4.2's numerators: online, resp. digitised, and <see cref="DossierFact.MeetsPaperResultCondition"/>.</summary>
    public long OnlineCounted { get; init; }
    public long DigitisedCounted { get; init; }

    public static readonly Tally Empty = new();

    /// <summary>Names of the stored counters, in column order (daily_facts).</summary>
    public static readonly string[] StoredColumns =
    [
        "received", "settled_on_time", "settled_on_time_repeated", "settled_late", "synced", "synced_current", "online",
        "fee_bearing", "paid_online", "decided", "electronic_result", "digitised", "reused",
        "citizen_store", "population_data", "citizen", "late_reception", "late_with_apology",
        "paper_result", "paper_result_decided", "paper_result_electronic", "paper_result_unknown", "online_counted", "digitised_counted",
    ];

    public long[] Stored() =>
    [
        Received, SettledOnTime, SettledOnTimeRepeated, SettledLate, Synced, SyncedCurrent, Online, FeeBearing,
        PaidOnline, Decided, ElectronicResult, Digitised, Reused, CitizenStore, PopulationData, Citizen, LateReception, LateWithApology,
        PaperResult, PaperResultDecided, PaperResultElectronic, PaperResultUnknown, OnlineCounted, DigitisedCounted,
    ];

    public static Tally FromStored(IReadOnlyList<long> v) => new()
    {
        Received = v[0], SettledOnTime = v[1], SettledOnTimeRepeated = v[2], SettledLate = v[3], Synced = v[4], SyncedCurrent = v[5],
        Online = v[6], FeeBearing = v[7], PaidOnline = v[8], Decided = v[9], ElectronicResult = v[10],
        Digitised = v[11], Reused = v[12], CitizenStore = v[13], PopulationData = v[14], Citizen = v[15], LateReception = v[16],
        LateWithApology = v[17], PaperResult = v[18], PaperResultDecided = v[19], PaperResultElectronic = v[20], PaperResultUnknown = v[21],
        OnlineCounted = v[22], DigitisedCounted = v[23],
    };

    /// <summary>
    /// A received dossier's contribution that holds whenever it is judged: everything but the verdict of an open
    /// dossier. A dossier never received contributes nothing (every dossier indicator counts by received date).
    /// </summary>
    public static Tally Of(DossierFact f)
    {
        if (f.ReceivedAt is null) return Empty;
        // Settled dossiers have a verdict of their own; which rule applies to repeated requests is decided when scoring.
        var verdict = f.Open ? Verdict.NotCounted : OnTime.Judge(f, DateTimeOffset.MaxValue, RepeatedSupplement.OnlyWhilePending);
        return new Tally
        {
            Received = 1,
            SettledOnTime = One(verdict == Verdict.OnTime),
            SettledOnTimeRepeated = One(verdict == Verdict.OnTimeButRepeatedSupplement),
            SettledLate = One(verdict == Verdict.Late),
            Synced = One(f.SyncedSequence > 0),
            SyncedCurrent = One(f.SyncedSequence > 0 && f.SyncedSequence >= f.LastSequence),
            Online = One(f.Channel == 2),
            FeeBearing = One(f.FeeBearing),
            PaidOnline = One(f.FeeBearing && f.PaidOnline),
            Decided = One(f.Decided),
            ElectronicResult = One(f.ElectronicResult),
            Digitised = One(f.Digitised),
            Reused = One(f.Reused),
            CitizenStore = One(f.FromCitizenStore || f.ResultInCitizenStore),
            PopulationData = One(f.PopulationData),
            Citizen = One(f.Citizen),
            LateReception = One(f.LateReception),
            LateWithApology = One(verdict == Verdict.Late && f.ApologyOnTime == true),
            PaperResult = One(f.InPaperResultCohort),
            PaperResultDecided = One(f.InPaperResultCohort && f.Decided),
            PaperResultElectronic = One(f.InPaperResultCohort && f.ElectronicResult),
            PaperResultUnknown = One(f.PaperResult is null),
            OnlineCounted = One(f.Channel == 2 && f.MeetsPaperResultCondition),
            DigitisedCounted = One(f.Digitised && f.MeetsPaperResultCondition),
        };
    }

    /// <summary>Adds an open dossier's verdict at <paramref name="judgedAt"/>.</summary>
    public Tally AddOpen(DossierFact f, DateTimeOffset judgedAt, RepeatedSupplement rule)
    {
        if (!f.Open) return this;
        return OnTime.Judge(f, judgedAt, rule) switch
        {
            Verdict.OnTime => this with { OpenWithinTime = OpenWithinTime + 1 },
            Verdict.OnTimeButRepeatedSupplement when OnTime.Counts(Verdict.OnTimeButRepeatedSupplement, rule) => this with { OpenWithinTime = OpenWithinTime + 1 },
            Verdict.NotCounted => this,
            _ => this with { OpenOverdue = OpenOverdue + 1 },
        };
    }

    /// <summary>Open dossiers already judged and counted (by the database, for the live index).</summary>
    public Tally AddOpenCounts(long within, long overdue)
        => this with { OpenWithinTime = OpenWithinTime + within, OpenOverdue = OpenOverdue + overdue };

    public static Tally operator +(Tally a, Tally b) => FromStored(a.Stored().Zip(b.Stored(), (x, y) => x + y).ToArray()) with
    {
        OpenWithinTime = a.OpenWithinTime + b.OpenWithinTime,
        OpenOverdue = a.OpenOverdue + b.OpenOverdue,
    };

    public static Tally operator -(Tally a, Tally b) => FromStored(a.Stored().Zip(b.Stored(), (x, y) => x - y).ToArray()) with
    {
        OpenWithinTime = a.OpenWithinTime - b.OpenWithinTime,
        OpenOverdue = a.OpenOverdue - b.OpenOverdue,
    };

    public bool IsZero => Stored().All(v => v == 0) && OpenWithinTime == 0 && OpenOverdue == 0;

    /// <summary>Dossiers judged on time under <paramref name="rule"/>, and all judged.</summary>
    public (long OnTime, long Judged) Progress(RepeatedSupplement rule)
        => (SettledOnTime + (rule == RepeatedSupplement.OnlyWhilePending ? SettledOnTimeRepeated : 0) + OpenWithinTime,
            SettledOnTime + SettledOnTimeRepeated + SettledLate + OpenWithinTime + OpenOverdue);

    private static long One(bool b) => b ? 1 : 0;
}

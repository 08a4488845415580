using Procedures.Reporting.Kpi.Facts;
using Procedures.Reporting.Kpi.Rules;

namespace Procedures.Reporting.Kpi.Indicators;

/// <summary>How a dossier stands in the progress indicator (docs/kpi766.md#progress-on-time).</summary>
public enum Verdict
{
    /// <summary>Not in the denominator: never received, or no appointment date to judge against.</summary>
    NotCounted,
    OnTime,
    Late,
    /// <summary>On time by the clock but supplementation was requested more than once; the rule set decides.</summary>
    OnTimeButRepeatedSupplement,
}

/// <summary>
/// The national index's on-time rule. End of processing = status 9, else 10, else 8/3/7; a dossier waiting on its
/// supplementation ends at the request; an unfinished one is judged at <c>judgedAt</c> (the period end, or now for the
/// current period). The completed pauses are subtracted once and the result compared with the ORIGINAL appointment
/// date (never the date extended by pauses or moved by an apology). Finishing exactly at the deadline is on time.
/// </summary>
public static class OnTime
{
    public static Verdict Judge(DossierFact fact, DateTimeOffset judgedAt, RepeatedSupplement rule)
    {
        if (fact.ReceivedAt is null || fact.OriginalDueAt is not { } due) return Verdict.NotCounted;
        var pending = fact.EndedAt is null && fact.PendingSupplementSince is not null;
        var end = fact.EndedAt ?? fact.PendingSupplementSince ?? judgedAt;
        // A round never answered pauses the clock until the end: the dossier ends, in effect, at the request.
        if (fact.PendingSupplementSince is { } since && since < end) end = since;
        var onTimeByClock = end.AddSeconds(-fact.PausedSeconds) <= due;

        if (fact.SupplementRequests >= 2 && (pending || rule == RepeatedSupplement.Always)) return Verdict.Late;
        if (!onTimeByClock) return Verdict.Late;
        return fact.SupplementRequests >= 2 ? Verdict.OnTimeButRepeatedSupplement : Verdict.OnTime;
    }

    /// <summary>Whether the verdict counts as on time under <paramref name="rule"/>.</summary>
    public static bool Counts(Verdict verdict, RepeatedSupplement rule)
        => verdict == Verdict.OnTime || (verdict == Verdict.OnTimeButRepeatedSupplement && rule == RepeatedSupplement.OnlyWhilePending);
}

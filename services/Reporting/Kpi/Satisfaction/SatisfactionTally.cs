namespace Procedures.Reporting.Kpi.Satisfaction;

/// <summary>A feedback's deadline and answer, as the on-time rule (5.2) needs them.</summary>
public sealed record FeedbackDeadline(DateTimeOffset DueAt, DateTimeOffset? AnsweredAt);

/// <summary>
/// The counts behind the satisfaction group (KPI766 §5; choices in docs/kpi766-choices.md), as pure functions:
/// 5.2 feedback due in the period answered by the deadline (or still within it) ÷ feedback due in the period;
/// 5.3 satisfied answer ratings ÷ answer ratings given in the period; 5.4 satisfied dossier ratings ÷ dossier ratings given in the period.
/// </summary>
public sealed record SatisfactionTally(long FeedbackOnTime, long FeedbackJudged, long AnswersSatisfied, long AnswersRated,
    long DossiersSatisfied, long DossiersRated)
{
    public static readonly SatisfactionTally Empty = new(0, 0, 0, 0, 0, 0);

    /// <summary>
    /// On time: answered no later than the deadline, or unanswered and the deadline not passed at <paramref name="judgedAt"/>
    /// (the national rule's "in process within time"). Late: answered after the deadline, or unanswered past it.
    /// </summary>
    public static (long OnTime, long Judged) OnTime(IEnumerable<FeedbackDeadline> feedback, DateTimeOffset judgedAt)
    {
        long onTime = 0, judged = 0;
        foreach (var f in feedback)
        {
            judged++;
            if ((f.AnsweredAt ?? judgedAt) <= f.DueAt) onTime++;
        }
        return (onTime, judged);
    }

    /// <summary>Satisfied (very satisfied + satisfied) among the ratings given.</summary>
    public static (long Satisfied, long Rated) Ratings(IEnumerable<bool> satisfied)
    {
        long yes = 0, all = 0;
        foreach (var s in satisfied)
        {
            all++;
            if (s) yes++;
        }
        return (yes, all);
    }

    public static SatisfactionTally Of(IEnumerable<FeedbackDeadline> feedback, IEnumerable<bool> answerRatings, IEnumerable<bool> dossierRatings,
        DateTimeOffset judgedAt)
    {
        var (onTime, judged) = OnTime(feedback, judgedAt);
        var (answersSatisfied, answersRated) = Ratings(answerRatings);
        var (dossiersSatisfied, dossiersRated) = Ratings(dossierRatings);
        return new SatisfactionTally(onTime, judged, answersSatisfied, answersRated, dossiersSatisfied, dossiersRated);
    }
}

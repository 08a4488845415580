using Procedures.Calendar;

namespace Procedures.Processing.Feedback;

/// <summary>The handling period and the overdue rule of feedback, as pure functions of the calendar and the time.</summary>
public static class FeedbackRules
{
    /// <summary>How long an applicant who filed without an account can read and rate the answer with their token.</summary>
    public static readonly TimeSpan FollowUpLifetime = TimeSpan.FromDays(365);

    public static int WorkingDays(FeedbackCategory category, FeedbackSettings settings) => category.WorkingDays ?? settings.DefaultWorkingDays;

    /// <summary>The close of office hours of the N-th working day after the day the feedback was received (official days off skipped).</summary>
    public static DateTimeOffset DueAt(WorkingCalendar calendar, DateTimeOffset filedAt, FeedbackCategory category, FeedbackSettings settings)
        => calendar.DueAfterWorkingDays(filedAt, WorkingDays(category, settings));

    /// <summary>Overdue: still unanswered after the deadline, or answered after it.</summary>
    public static bool Overdue(DateTimeOffset dueAt, DateTimeOffset? answeredAt, DateTimeOffset now) => (answeredAt ?? now) > dueAt;
}

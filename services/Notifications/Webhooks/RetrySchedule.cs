namespace Procedures.Notifications.Webhooks;

/// <summary>When to try a failed delivery again: the configured schedule with jitter, never sooner than the receiver's Retry-After.</summary>
public static class RetrySchedule
{
    /// <param name="attemptsMade">Attempts made so far, the failed one included (1 after the first failure).</param>
    /// <param name="random01">A uniform random number in [0, 1) (injected, so the rule is testable).</param>
    /// <returns>The wait before the next attempt, or null when the schedule is exhausted (dead letter).</returns>
    public static TimeSpan? NextDelay(int attemptsMade, IReadOnlyList<TimeSpan> schedule, double jitter, double random01,
        TimeSpan? retryAfter, TimeSpan maxRetryAfter)
    {
        if (attemptsMade < 1 || attemptsMade > schedule.Count) return null;
        var delay = schedule[attemptsMade - 1] * (1 + jitter * (2 * random01 - 1));
        if (retryAfter is { } asked && asked > delay) delay = asked < maxRetryAfter ? asked : maxRetryAfter;
        return delay;
    }

    /// <summary>Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3).</summary>
    public static TimeSpan? RetryAfter(System.Net.Http.Headers.RetryConditionHeaderValue? header, DateTimeOffset now)
        => header switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
            _ => null,
        };
}

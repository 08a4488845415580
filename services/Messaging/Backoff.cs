namespace Procedures.Messaging;

/// <summary>
/// How long a worker waits before calling an external system again after a failed call (PortalSync's portal sync and
/// citizen store, Payment's platform worker): exponential from half a second, capped, with full jitter, so a recovering
/// system sees the backlog spread over the window rather than all at once. Pure: the caller gives the random draw.
/// </summary>
public static class Backoff
{
    /// <param name="attempts">Failed attempts so far.</param>
    /// <param name="max">The ceiling.</param>
    /// <param name="random">A draw in [0, 1): the delay lies between half the ceiling and the ceiling.</param>
    public static TimeSpan FullJitter(int attempts, TimeSpan max, double random)
    {
        var ceiling = Math.Min(max.TotalMilliseconds, 500 * Math.Pow(2, Math.Min(attempts, 16)));
        return TimeSpan.FromMilliseconds(ceiling / 2 + random * ceiling / 2);
    }
}

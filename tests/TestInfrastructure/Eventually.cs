namespace Procedures.TestInfrastructure;

/// <summary>
/// Waits for an outcome that arrives asynchronously (a message consumed, a dossier synced) by polling the
/// condition itself: the test proceeds the moment it holds, and fails with a message if it never does.
/// </summary>
public static class Eventually
{
    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        T last;
        while (true)
        {
            last = await probe();
            if (done(last)) return last;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Timed out after {timeout} waiting for {what}; last value: {last}");
            await Task.Delay(50);
        }
    }

    public static Task Until(Func<Task<bool>> condition, TimeSpan timeout, string what)
        => Until(condition, ok => ok, timeout, what);
}

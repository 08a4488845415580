namespace Procedures.TestInfrastructure;

/// <summary>The test's clock: set <see cref="Now"/> in any offset; the code under test reads it in UTC, as from the real clock.</summary>
public sealed class TestClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now.ToUniversalTime();
}

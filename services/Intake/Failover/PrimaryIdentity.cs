namespace Procedures.Intake.Failover;

/// <summary>
/// Which database history the primary serves: the cluster's system identifier (the same on a primary and every standby
/// built from it) and the WAL timeline, which every promotion increments. A failover shows as a new timeline; a database
/// restored or rebuilt elsewhere as a new system identifier. <see cref="Server"/> (address and port) is only for the log.
/// </summary>
public sealed record PrimaryIdentity(long SystemIdentifier, int Timeline, string Server)
{
    /// <summary>True when <paramref name="now"/> serves another history than <paramref name="before"/>: a primary change.</summary>
    public static bool Changed(PrimaryIdentity? before, PrimaryIdentity now)
        => before is not null && (before.SystemIdentifier != now.SystemIdentifier || before.Timeline != now.Timeline);
}

namespace Procedures.PortalSync.Ledger;

/// <summary>The sync workers' tunables; section "PortalSync".</summary>
public sealed class SyncOptions
{
    /// <summary>Fallback look for due work: new work wakes the workers at once (LISTEN/NOTIFY); this finds work due by time.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    public int Workers { get; set; } = 4;
    /// <summary>Backoff ceiling: with full jitter, a returning portal sees the backlog spread over this window, not all at once.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>How long a missing sequence may be in flight (or in redelivery) before Processing is asked for it.</summary>
    public TimeSpan GapGrace { get; set; } = TimeSpan.FromMinutes(1);
    /// <summary>How often Processing is asked again while the gap stays open.</summary>
    public TimeSpan GapRetry { get; set; } = TimeSpan.FromMinutes(5);
}

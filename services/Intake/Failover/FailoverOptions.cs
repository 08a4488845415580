namespace Procedures.Intake.Failover;

/// <summary><c>Intake:Failover</c>: how many accepted dossiers are remembered, and how often the primary is looked at.</summary>
public sealed class FailoverOptions
{
    public const string Section = "Intake:Failover";

    /// <summary>Submissions remembered per instance (about 100 bytes each).</summary>
    public int Remember { get; set; } = 10_000;

    public TimeSpan CheckEvery { get; set; } = TimeSpan.FromSeconds(2);
}

namespace Procedures.Payment.Platform;

/// <summary>How to reach the national payment platform and who we are there; section "PaymentPlatform".</summary>
public sealed class PlatformSettings
{
    public const string Section = "PaymentPlatform";

    public Uri BaseAddress { get; set; } = new($"http://{Contracts.ResourceNames.Sandbox}");
    public string MessagesPath { get; set; } = "/payment-platform/messages";

    /// <summary>MaDoiTac: our partner code at the platform.</summary>
    public string PartnerCode { get; set; } = "";

    /// <summary>The partner secret that signs every message both ways (MaXacThuc). From configuration only.</summary>
    public string Secret { get; set; } = "";

    /// <summary>Polly: per-attempt timeout, retries with exponential backoff and jitter, circuit breaker.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(30);
    public int MaxRetries { get; set; } = 3;
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);
    public double BreakerFailureRatio { get; set; } = 0.5;
    public int BreakerMinimumThroughput { get; set; } = 10;
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(15);
}

namespace Procedures.Notifications.Webhooks;

/// <summary>Webhook delivery settings; bound from the "Webhooks" section (tests compress the retry schedule).</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>
    /// Waits before the 2nd, 3rd… attempt; when exhausted the delivery is dead-lettered. Null means the default
    /// (about 3 days in all). No initializer: the configuration binder appends to arrays.
    /// </summary>
    public TimeSpan[]? RetrySchedule { get; set; }

    public IReadOnlyList<TimeSpan> EffectiveRetrySchedule => RetrySchedule ??
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(5),
        TimeSpan.FromHours(10), TimeSpan.FromHours(10), TimeSpan.FromHours(10), TimeSpan.FromHours(12), TimeSpan.FromHours(20),
    ];

    /// <summary>Each wait varies by up to this fraction either way, so retries of many deliveries do not arrive together.</summary>
    public double Jitter { get; set; } = 0.2;

    /// <summary>A Retry-After longer than this is capped (a receiver cannot park its deliveries for ever).</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// How long a paused or disabled subscription's undelivered events wait for it (then they are expired and shown as
    /// missed), and how long a deleted subscription's delivery log is kept.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Subscriptions delivered to at the same time (each by its own worker: a slow one never holds up another).</summary>
    public int MaxConcurrentSubscriptions { get; set; } = 32;

    /// <summary>Deliveries in flight per subscription, each for a different dossier (a dossier's events go one by one, in order).</summary>
    public int PerSubscriptionParallelism { get; set; } = 4;

    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Key material (32 characters or more) sealing the subscriptions' signing secrets at rest; a secret setting.</summary>
    public string? SecretKey { get; set; }

    /// <summary>A subscription failing for this long (or dead-lettering) raises an alert event, at most once per day.</summary>
    public TimeSpan AlertAfter { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Host names (as written in the callback URL, e.g. "localhost") whose loopback addresses may be called back: local
    /// receivers in development and tests. Only loopback: a listed host resolving to a private, link-local or metadata
    /// address is still refused, and numeric encodings of an address are refused whatever is listed. Empty by default.
    /// Private ranges cannot be allow-listed: they are where this system's own databases, broker and services live.
    /// </summary>
    public string[] AllowedLoopbackHosts { get; set; } = [];

    /// <summary>Plain http callbacks are refused unless this is off (the development profile).</summary>
    public bool RequireHttps { get; set; } = true;
}

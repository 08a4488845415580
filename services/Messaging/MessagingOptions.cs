namespace Procedures.Messaging;

/// <summary>Tunables of the outbox relay and of consumer retries; bound from the "Messaging" configuration section.</summary>
public sealed class MessagingOptions
{
    /// <summary>How often the relay looks for due rows when no NOTIFY arrived (fallback, and for delayed rows).</summary>
    public TimeSpan RelayPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public int RelayBatchSize { get; set; } = 200;

    /// <summary>A publish not confirmed by the broker within this time counts as failed and is retried later.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>In-process retries of a failing consumer before it is handed to delayed redelivery.</summary>
    public int ImmediateRetries { get; set; } = 3;

    public TimeSpan ImmediateRetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// While the service's own database is unreachable a consumer holds its message and waits (back-pressure) instead
    /// of spending redeliveries or dead-lettering it: nothing can be applied without the database anyway.
    /// </summary>
    public TimeSpan DatabaseOutageWait { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan DatabaseOutagePoll { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Delays of the successive redeliveries; when exhausted the message goes to the error queue.
    /// Null means the defaults (10 s, 1 min, 5 min). No initializer: the configuration binder appends to arrays.
    /// </summary>
    public TimeSpan[]? RedeliveryDelays { get; set; }

    public IReadOnlyList<TimeSpan> EffectiveRedeliveryDelays
        => RedeliveryDelays ?? [TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5)];

    /// <summary>Quorum queues drop (dead-letter) a message redelivered more often than this by the broker itself.</summary>
    public int QueueDeliveryLimit { get; set; } = 20;

    public ushort PrefetchCount { get; set; } = 32;

    /// <summary>
    /// At most this many consumed messages commit in one transaction when they wait together (Inbox/InboxBatches); 1 turns
    /// batching off (every message in a transaction of its own, as many at once as the prefetch allows).
    /// </summary>
    public int InboxBatchSize { get; set; } = 32;
}

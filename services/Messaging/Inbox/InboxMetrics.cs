using System.Diagnostics.Metrics;

namespace Procedures.Messaging.Inbox;

/// <summary>How many consumed messages each shared transaction held (<see cref="InboxBatches"/>), for the dashboard.</summary>
internal static class InboxMetrics
{
    private static readonly Meter Meter = new("Procedures.Messaging.Inbox");

    private static readonly Histogram<int> BatchSize = Meter.CreateHistogram<int>(
        "procedures.inbox.batch.size", "{message}", "Consumed messages committed together in one transaction (batches of two or more)");

    public static void Batch(int count) => BatchSize.Record(count);
}

using System.Diagnostics.Metrics;

namespace Procedures.Notifications;

/// <summary>Delivery metrics on the dashboard (meter "Procedures.Notifications").</summary>
public sealed class NotificationsMetrics : IDisposable
{
    public const string MeterName = "Procedures.Notifications";
    private readonly Meter _meter = new(MeterName);
    private long _backlog;
    private long _deadLetters;

    public NotificationsMetrics()
    {
        Published = _meter.CreateCounter<long>("notifications.stream.published", "{message}", "Events published to the public exchange");
        Attempts = _meter.CreateCounter<long>("notifications.webhook.attempts", "{attempt}", "Webhook delivery attempts by outcome");
        Latency = _meter.CreateHistogram<double>("notifications.webhook.latency", "ms", "Webhook delivery latency");
        Alerts = _meter.CreateCounter<long>("notifications.webhook.alerts", "{alert}", "Persistent-failure alerts raised");
        _meter.CreateObservableGauge("notifications.webhook.backlog", () => Interlocked.Read(ref _backlog), "{delivery}", "Deliveries waiting");
        _meter.CreateObservableGauge("notifications.webhook.dead_letters", () => Interlocked.Read(ref _deadLetters), "{delivery}", "Dead-lettered deliveries not yet replayed");
    }

    public Counter<long> Published { get; }
    public Counter<long> Attempts { get; }
    public Histogram<double> Latency { get; }
    public Counter<long> Alerts { get; }

    public void Observe(long backlog, long deadLetters)
    {
        Interlocked.Exchange(ref _backlog, backlog);
        Interlocked.Exchange(ref _deadLetters, deadLetters);
    }

    public void Dispose() => _meter.Dispose();
}

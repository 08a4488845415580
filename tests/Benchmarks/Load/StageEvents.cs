using System.Collections.Concurrent;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Procedures.Benchmarks.Load;

/// <summary>
/// What the lifecycle harness learns from the system's own events instead of polling audited reads (issue 23): one
/// exclusive queue, bound to Notifications' public topic exchange with <c>#</c> (every agency's CloudEvents, as an
/// integrator's stream queue receives its own; docs/integrators.md), and to the fanout exchange of Payment's
/// <c>PaymentRequested</c>, the only event that carries the hosted page's address (the public payment-requested event is
/// Processing's status 6 and stays thin on purpose). Each dossier's events are kept by code; a waiter completes as soon as
/// one of them satisfies its condition, whether it came before or after the wait began. Auto-ack: the harness is a reader,
/// not a party to delivery guarantees; a lost event shows as a stage timeout, which the run counts as a failure.
/// </summary>
public sealed class StageEvents : IAsyncDisposable
{
    public const string PublicExchange = "procedures.public";

    /// <summary>MassTransit's exchange for a message type: its namespace and name (the services keep the default formatter).</summary>
    public const string PaymentRequestedExchange = "Procedures.Contracts:PaymentRequested";

    private readonly ConcurrentDictionary<string, DossierEvents> _dossiers = new(StringComparer.Ordinal);
    private readonly IConnection _connection;
    private readonly IChannel _channel;
    private long _received;

    private StageEvents(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    /// <summary>Messages taken off the queue (both exchanges, every agency, duplicates included).</summary>
    public long Received => Interlocked.Read(ref _received);

    public static async Task<StageEvents> StartAsync(SystemTarget target, CancellationToken ct)
    {
        var factory = new ConnectionFactory
        {
            HostName = "127.0.0.1", Port = target.RabbitMqPort, UserName = "guest", Password = "guest", ClientProvidedName = "benchmark-stage-events",
        };
        var connection = await factory.CreateConnectionAsync(ct);
        var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        // Declared as their owners declare them (same type and flags), so binding works before either has published.
        await channel.ExchangeDeclareAsync(PublicExchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: ct);
        await channel.ExchangeDeclareAsync(PaymentRequestedExchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: ct);
        var queue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true, cancellationToken: ct)).QueueName;
        await channel.QueueBindAsync(queue, PublicExchange, "#", cancellationToken: ct);
        await channel.QueueBindAsync(queue, PaymentRequestedExchange, "", cancellationToken: ct);
        var events = new StageEvents(connection, channel);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            Interlocked.Increment(ref events._received);
            if (StageEvent.Parse(delivery.Exchange, delivery.Body.Span) is { } e) events.Add(e);
            return Task.CompletedTask;
        };
        await channel.BasicConsumeAsync(queue, autoAck: true, consumer, ct);
        return events;
    }

    public void Add(StageEvent e) => _dossiers.GetOrAdd(e.DossierCode, _ => new DossierEvents()).Add(e);

    /// <summary>The first event of the dossier (already received or still to come) that satisfies <paramref name="condition"/>.</summary>
    public async Task<StageEvent> WaitAsync(string code, Func<IReadOnlyList<StageEvent>, StageEvent?> condition, TimeSpan timeout, string what,
        CancellationToken ct)
    {
        try
        {
            return await _dossiers.GetOrAdd(code, _ => new DossierEvents()).WaitAsync(condition).WaitAsync(timeout, ct);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{what}: no event within {timeout.TotalSeconds:F0} s");
        }
    }

    /// <summary>Forgets the dossiers seen so far (between runs: a run's waits only concern its own dossiers).</summary>
    public void Clear() => _dossiers.Clear();

    public async ValueTask DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private sealed class DossierEvents
    {
        private readonly List<StageEvent> _events = [];
        private readonly List<(Func<IReadOnlyList<StageEvent>, StageEvent?> Condition, TaskCompletionSource<StageEvent> Done)> _waiters = [];

        public void Add(StageEvent e)
        {
            lock (_events)
            {
                if (_events.Any(x => x.Id == e.Id)) return; // the same fact under a second agency's key, or redelivered
                _events.Add(e);
                for (var i = _waiters.Count - 1; i >= 0; i--)
                {
                    if (_waiters[i].Condition(_events) is not { } hit) continue;
                    _waiters[i].Done.TrySetResult(hit);
                    _waiters.RemoveAt(i);
                }
            }
        }

        public Task<StageEvent> WaitAsync(Func<IReadOnlyList<StageEvent>, StageEvent?> condition)
        {
            lock (_events)
            {
                if (condition(_events) is { } hit) return Task.FromResult(hit);
                var done = new TaskCompletionSource<StageEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((condition, done));
                return done.Task;
            }
        }
    }
}

/// <summary>
/// One event as the harness needs it: a public CloudEvent (type without its version, the status sequence and status
/// where it has them) or Payment's PaymentRequested (type "payment-url", with the hosted page's address).
/// </summary>
public sealed record StageEvent(string Id, string DossierCode, string Type, int? Sequence, int? Status, string? PaymentUrl)
{
    public const string PaymentUrlType = "payment-url";
    private const string PublicPrefix = "vn.hcm.procedures.";

    public static StageEvent? Parse(string exchange, ReadOnlySpan<byte> body)
    {
        var json = JsonDocument.Parse(body.ToArray()).RootElement;
        if (exchange == StageEvents.PaymentRequestedExchange)
        {
            // MassTransit's envelope: the message under "message", camel-cased. One request per payment reference.
            var m = json.GetProperty("message");
            var code = m.GetProperty("dossierCode").GetString()!;
            return new StageEvent($"payment-url:{code}:{m.GetProperty("reference").GetString()}", code, PaymentUrlType, null, null,
                m.GetProperty("paymentUrl").GetString());
        }
        var type = json.GetProperty("type").GetString()!;
        if (!type.StartsWith(PublicPrefix, StringComparison.Ordinal)) return null;
        var data = json.GetProperty("data");
        int? Int(string name) => data.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;
        return new StageEvent(json.GetProperty("id").GetString()!, json.GetProperty("subject").GetString()!,
            type[PublicPrefix.Length..type.LastIndexOf('.')], Int("sequence"), Int("status"), null);
    }
}

/// <summary>The conditions the lifecycle waits for, as pure functions of a dossier's events so far.</summary>
public static class StageConditions
{
    /// <summary>Processing recorded the submission: its status-1 event (published once it committed).</summary>
    public static StageEvent? Recorded(IReadOnlyList<StageEvent> events) => events.FirstOrDefault(e => e.Type == "dossier.submitted");

    /// <summary>Payment registered the request at the platform: the address where the citizen pays.</summary>
    public static StageEvent? PaymentUrl(IReadOnlyList<StageEvent> events) => events.FirstOrDefault(e => e.Type == StageEvent.PaymentUrlType);

    /// <summary>Back in processing after the payment: a status-4 event later in the sequence than the payment request (status 6).</summary>
    public static StageEvent? PaidBackInProcessing(IReadOnlyList<StageEvent> events)
    {
        var requested = events.Where(e => e.Status == 6).Max(e => e.Sequence);
        return requested is null ? null : events.FirstOrDefault(e => e.Status == 4 && e.Sequence > requested);
    }

    /// <summary>The national portal acknowledged the returned status (10): a synced event up to its sequence or beyond.</summary>
    public static StageEvent? PortalAcknowledgedReturn(IReadOnlyList<StageEvent> events)
    {
        var returned = events.Where(e => e.Status == 10).Max(e => e.Sequence);
        return returned is null ? null : events.FirstOrDefault(e => e.Type == "dossier.synced" && e.Sequence >= returned);
    }
}

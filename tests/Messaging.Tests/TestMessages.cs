using System.Collections.Concurrent;
using Dapper;
using Procedures.Messaging.Inbox;

namespace Procedures.Messaging.Tests;

public sealed record Ping(Guid Id, string Kind);

/// <summary>How often the consumer must fail for a given ping before it succeeds (int.MaxValue = always).</summary>
public sealed class FailurePlan
{
    private readonly ConcurrentDictionary<Guid, int> _remaining = new();
    private readonly ConcurrentDictionary<Guid, int> _attempts = new();

    public void FailTimes(Guid pingId, int times) => _remaining[pingId] = times;

    public int Attempts(Guid pingId) => _attempts.GetValueOrDefault(pingId);

    public void OnAttempt(Guid pingId)
    {
        _attempts.AddOrUpdate(pingId, 1, (_, n) => n + 1);
        if (_remaining.TryGetValue(pingId, out var left) && left > 0)
        {
            _remaining[pingId] = left == int.MaxValue ? left : left - 1;
            throw new InvalidOperationException($"planned failure for ping {pingId}");
        }
    }
}

/// <summary>Records each ping it applies; fails as the plan says.</summary>
public sealed class PingRecorder(ConsumerServices services, FailurePlan plan) : IdempotentConsumer<Ping>(services)
{
    protected override async Task HandleAsync(Ping message, ConsumeScope<Ping> scope, CancellationToken ct)
    {
        plan.OnAttempt(message.Id);
        await scope.Connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO effects (message_id, ping_id, kind) VALUES (@messageId, @Id, @Kind)",
            new { messageId = scope.Context.MessageId, message.Id, message.Kind }, scope.Transaction, cancellationToken: ct));
    }
}

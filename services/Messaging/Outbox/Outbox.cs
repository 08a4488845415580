using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Npgsql;

namespace Procedures.Messaging.Outbox;

/// <summary>
/// Writes messages into the outbox inside the caller's transaction, so a state change and its events
/// commit (or roll back) together. Nothing reaches the broker until the relay sees the committed row.
/// </summary>
public static class Outbox
{
    private const string Insert = """
        INSERT INTO messaging.outbox (message_id, message_type, body, destination, headers, trace_parent, due_at)
        VALUES (@MessageId, @MessageType, @Body::jsonb, @Destination, @Headers::jsonb, @TraceParent, COALESCE(@DueAt, now()))
        """;

    /// <summary>Publish <paramref name="message"/> to every subscriber once the transaction commits.</summary>
    public static Task<Guid> PublishAsync<T>(NpgsqlTransaction tx, T message, CancellationToken ct = default) where T : class
        => EnqueueAsync(tx, message, typeof(T), Guid.NewGuid(), destination: null, headers: null, dueAt: null, ct);

    /// <summary>
    /// Publishes many messages of one type in one statement (a background job raising thousands of events): the same
    /// rows as <see cref="PublishAsync{T}"/> without a round trip each.
    /// </summary>
    public static async Task PublishManyAsync<T>(NpgsqlTransaction tx, IReadOnlyCollection<T> messages, CancellationToken ct = default)
        where T : class
    {
        if (messages.Count == 0) return;
        await tx.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO messaging.outbox (message_id, message_type, body, destination, headers, trace_parent, due_at)
            SELECT t.id, @type, t.body::jsonb, NULL, '{}'::jsonb, @trace, now()
            FROM unnest(@ids, @bodies) AS t(id, body)
            """, new
            {
                type = MessageJson.TypeName(typeof(T)),
                ids = messages.Select(_ => Guid.NewGuid()).ToArray(),
                bodies = messages.Select(m => JsonSerializer.Serialize(m, MessageJson.Options)).ToArray(),
                trace = Activity.Current?.Id,
            }, tx, cancellationToken: ct));
    }

    /// <summary>Low-level form: also used to schedule a delayed redelivery of a message to one queue.</summary>
    public static async Task<Guid> EnqueueAsync(
        NpgsqlTransaction tx, object message, Type messageType, Guid messageId,
        Uri? destination, IReadOnlyDictionary<string, string>? headers, DateTimeOffset? dueAt, CancellationToken ct)
    {
        var row = new
        {
            MessageId = messageId,
            MessageType = MessageJson.TypeName(messageType),
            Body = JsonSerializer.Serialize(message, messageType, MessageJson.Options),
            Destination = destination?.ToString(),
            Headers = JsonSerializer.Serialize(headers ?? new Dictionary<string, string>(), MessageJson.Options),
            // Carried to the relay so the published message continues the trace of the request that caused it.
            TraceParent = Activity.Current?.Id,
            DueAt = dueAt,
        };
        await tx.Connection!.ExecuteAsync(new CommandDefinition(Insert, row, tx, cancellationToken: ct));
        return messageId;
    }
}

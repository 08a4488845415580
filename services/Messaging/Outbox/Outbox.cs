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
        VALUES ($1, $2, $3::jsonb, $4::text, $5::jsonb, $6::text, COALESCE($7::timestamptz, now()))
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
        await WriteBatch.ExecuteAsync(tx, batch => Enqueue(batch, message, messageType, messageId, destination, headers, dueAt), ct);
        return messageId;
    }

    /// <summary>
    /// <see cref="EnqueueAsync"/> as one statement of a <see cref="WriteBatch"/>, sent with the transaction's other
    /// independent writes (the row is in the outbox once the batch has run).
    /// </summary>
    public static Guid Enqueue(WriteBatch batch, object message, Type messageType, Guid messageId,
        Uri? destination = null, IReadOnlyDictionary<string, string>? headers = null, DateTimeOffset? dueAt = null)
    {
        batch.Add(Insert, messageId, MessageJson.TypeName(messageType), JsonSerializer.Serialize(message, messageType, MessageJson.Options),
            destination?.ToString(), JsonSerializer.Serialize(headers ?? new Dictionary<string, string>(), MessageJson.Options),
            // Carried to the relay so the published message continues the trace of the request that caused it.
            Activity.Current?.Id, dueAt);
        return messageId;
    }
}

using Npgsql;

namespace Procedures.Messaging.CatchUp;

/// <summary>
/// The producer's side of a catch-up request: an event is published again as first sent and under its first message id,
/// so every consumer that applied it skips it (inbox) and only the ones that lost it take effect.
/// </summary>
public static class Resend
{
    /// <summary>Publishes <paramref name="message"/> again under <paramref name="firstMessageId"/> once the transaction commits.</summary>
    public static Task<Guid> AgainAsync<T>(NpgsqlTransaction tx, T message, Guid firstMessageId, CancellationToken ct) where T : class
        => Outbox.Outbox.EnqueueAsync(tx, message, typeof(T), firstMessageId, destination: null, headers: null, dueAt: null, ct);
}

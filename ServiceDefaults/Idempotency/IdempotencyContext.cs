using System.Text.Json;
using Dapper;
using Npgsql;
using Procedures.Messaging;

namespace Procedures.ServiceDefaults.Idempotency;

/// <summary>
/// The Idempotency-Key of the current request. The handler opens its business transaction with <see cref="BeginAsync"/>,
/// whose first statement claims the key, and records its answer with <see cref="CompleteAsync"/> in that same
/// transaction: claim, effect and stored answer commit together, once (one commit per request, none for a refusal).
/// </summary>
public sealed class IdempotencyContext
{
    /// <summary>How long a claim committed without an answer (a handler that never completed) holds its key.</summary>
    internal static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    public string? ClientId { get; internal set; }
    public string? Key { get; internal set; }
    internal byte[]? RequestHash { get; set; }

    /// <summary>
    /// Begins the handler's transaction and claims the key as its first statement. A request with the same key that is
    /// still in flight holds the key's row: this waits for it, and if it committed, throws <see cref="IdempotencyKeyTaken"/>
    /// (nothing of this request has been written; the middleware answers with the first request's answer). If it rolled
    /// back, this request takes the key. Rolling back this transaction frees the key again: a refused or failed request
    /// never burns it.
    /// </summary>
    public async Task<NpgsqlTransaction> BeginAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var tx = await connection.BeginTransactionAsync(ct);
        if (ClientId is null || Key is null) return tx; // endpoint reached without the middleware (tests calling handlers)
        try
        {
            // A claim left in flight by a handler that committed without an answer is taken over once its lease ran out,
            // and only by the same request.
            var claimed = await connection.ExecuteAsync(new CommandDefinition("""
                INSERT INTO messaging.idempotency AS i (client_id, key, request_hash, state, locked_until)
                VALUES (@ClientId, @Key, @RequestHash, 'in-flight', now() + @Lease)
                ON CONFLICT (client_id, key) DO UPDATE SET locked_until = EXCLUDED.locked_until
                WHERE i.state = 'in-flight' AND i.locked_until <= now() AND i.request_hash = EXCLUDED.request_hash
                """, new { ClientId, Key, RequestHash, Lease }, tx, cancellationToken: ct));
            if (claimed == 0) throw new IdempotencyKeyTaken();
            return tx;
        }
        catch
        {
            await tx.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stores the answer to replay, in the transaction <see cref="BeginAsync"/> opened.</summary>
    public Task CompleteAsync(NpgsqlTransaction tx, int status, object body, string? location, CancellationToken ct)
        => WriteBatch.ExecuteAsync(tx, batch => Complete(batch, status, body, location), ct);

    /// <summary><see cref="CompleteAsync"/> as one statement of a <see cref="WriteBatch"/> of that transaction.</summary>
    public void Complete(WriteBatch batch, int status, object body, string? location)
    {
        if (ClientId is null || Key is null) return;
        batch.Add("""
            UPDATE messaging.idempotency
            SET state = 'completed', response_status = $1, response_body = $2, response_location = $3::text
            WHERE client_id = $4 AND key = $5
            """, status, JsonSerializer.Serialize(body, ApiJson.Options), location, ClientId, Key);
    }
}

/// <summary>Another request with the same Idempotency-Key committed first; this one wrote nothing.</summary>
public sealed class IdempotencyKeyTaken() : Exception("Another request with this Idempotency-Key committed first.");

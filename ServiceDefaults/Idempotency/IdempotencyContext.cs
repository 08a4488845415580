using System.Text.Json;
using Dapper;
using Npgsql;

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
    public async Task CompleteAsync(NpgsqlTransaction tx, int status, object body, string? location, CancellationToken ct)
    {
        if (ClientId is null || Key is null) return;
        await tx.Connection!.ExecuteAsync(new CommandDefinition("""
            UPDATE messaging.idempotency
            SET state = 'completed', response_status = @status, response_body = @body, response_location = @location
            WHERE client_id = @ClientId AND key = @Key
            """, new { ClientId, Key, status, body = JsonSerializer.Serialize(body, ApiJson.Options), location }, tx, cancellationToken: ct));
    }
}

/// <summary>Another request with the same Idempotency-Key committed first; this one wrote nothing.</summary>
public sealed class IdempotencyKeyTaken() : Exception("Another request with this Idempotency-Key committed first.");

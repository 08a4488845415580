using System.Text.Json;
using Dapper;
using Npgsql;

namespace Procedures.ServiceDefaults.Idempotency;

/// <summary>
/// The claimed Idempotency-Key of the current request. The handler records its answer with
/// <see cref="CompleteAsync"/> inside its own business transaction: effect and stored answer commit together.
/// </summary>
public sealed class IdempotencyContext
{
    public string? ClientId { get; internal set; }
    public string? Key { get; internal set; }
    public bool Completed { get; private set; }

    public async Task CompleteAsync(NpgsqlTransaction tx, int status, object body, string? location, CancellationToken ct)
    {
        if (ClientId is null || Key is null) return; // endpoint reached without the middleware (tests calling handlers)
        await tx.Connection!.ExecuteAsync(new CommandDefinition("""
            UPDATE messaging.idempotency
            SET state = 'completed', response_status = @status, response_body = @body, response_location = @location
            WHERE client_id = @ClientId AND key = @Key
            """, new { ClientId, Key, status, body = JsonSerializer.Serialize(body, ApiJson.Options), location }, tx, cancellationToken: ct));
        Completed = true;
    }
}

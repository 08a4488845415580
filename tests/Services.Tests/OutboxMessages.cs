using System.Text.Json;
using Dapper;
using Npgsql;
using Procedures.Messaging;

namespace Procedures.Services.Tests;

/// <summary>What a service has put in its outbox, by message type, in the order written.</summary>
internal static class OutboxMessages
{
    public static async Task<List<T>> ReadAsync<T>(NpgsqlDataSource db)
        => (await ReadWithIdsAsync<T>(db)).Select(m => m.Message).ToList();

    public static async Task<List<(Guid MessageId, T Message)>> ReadWithIdsAsync<T>(NpgsqlDataSource db)
    {
        await using var c = await db.OpenConnectionAsync();
        var rows = await c.QueryAsync<(Guid, string)>("SELECT message_id, body::text FROM messaging.outbox WHERE message_type = @type ORDER BY id",
            new { type = MessageJson.TypeName(typeof(T)) });
        return rows.Select(r => (r.Item1, JsonSerializer.Deserialize<T>(r.Item2, MessageJson.Options)!)).ToList();
    }
}

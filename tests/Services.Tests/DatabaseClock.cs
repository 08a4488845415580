using Dapper;
using Npgsql;

namespace Procedures.Services.Tests;

/// <summary>
/// Time passing on the database's clock. Some moments the product stores come from the database's <c>now()</c> (when a
/// row was recorded, how far a digest has covered) and are compared with it later, so no clock of the test can move
/// them: the test moves the stored moment back instead, as if that much time had passed since the product wrote it. The
/// row itself is always written by the product; this changes nothing but the one moment.
/// </summary>
internal static class DatabaseClock
{
    /// <summary>Sets <paramref name="column"/> of <paramref name="table"/> to <paramref name="ago"/> before now where <paramref name="where"/> holds.</summary>
    public static async Task BackdateAsync(NpgsqlDataSource db, string table, string column, TimeSpan ago, string where = "true", object? parameters = null)
    {
        var args = new DynamicParameters(parameters);
        args.Add("ago", ago);
        await using var c = await db.OpenConnectionAsync();
        await c.ExecuteAsync($"UPDATE {table} SET {column} = now() - @ago WHERE {where}", args);
    }
}

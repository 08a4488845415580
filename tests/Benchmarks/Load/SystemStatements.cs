using Npgsql;

namespace Procedures.Benchmarks.Load;

/// <summary>
/// The statements the services sent Postgres in a window, from pg_stat_statements (deploy/local/run-postgres.sh preloads it):
/// reset at the window's start, read when the pipeline behind the load has settled. Only the services' own logins are
/// counted (the harness reads its counters as the superuser). Statements run inside functions and triggers are not
/// counted (pg_stat_statements.track = top): these are the statements clients sent. BEGIN, COMMIT and ROLLBACK are
/// counted apart. A statement is not a round trip: Npgsql sends BEGIN with the transaction's first statement, and an
/// NpgsqlBatch sends all its statements at once; round trips are not visible to the server.
/// </summary>
public static class SystemStatements
{
    /// <summary>Clears the counters; false when pg_stat_statements is not loaded (a server started without it).</summary>
    public static async Task<bool> ResetAsync(SystemTarget target, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(target.Postgres("postgres"));
        await connection.OpenAsync(ct);
        try
        {
            await using var create = new NpgsqlCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset();", connection);
            await create.ExecuteNonQueryAsync(ct);
            return true;
        }
        catch (PostgresException)
        {
            return false; // "pg_stat_statements must be loaded via shared_preload_libraries"
        }
    }

    public sealed record Row(string Database, string Query, long Calls);

    public static async Task<IReadOnlyList<Row>> ReadAsync(SystemTarget target, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(target.Postgres("postgres"));
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("""
            SELECT d.datname, s.query, sum(s.calls)::bigint
            FROM pg_stat_statements s
            JOIN pg_database d ON d.oid = s.dbid
            JOIN pg_roles r ON r.oid = s.userid
            WHERE d.datname = ANY($1) AND NOT r.rolsuper
            GROUP BY 1, 2
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = SystemTarget.ServiceDatabases });
        var rows = new List<Row>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) rows.Add(new Row(reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
        return rows;
    }

    /// <summary>Indexes of every service database no scan has used since the server started (idx_scan = 0), and their table.</summary>
    public static async Task<IReadOnlyList<string>> UnusedIndexesAsync(SystemTarget target, CancellationToken ct)
    {
        var unused = new List<string>();
        foreach (var database in SystemTarget.ServiceDatabases)
        {
            await using var connection = new NpgsqlConnection(target.Postgres(database));
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand("""
                SELECT s.schemaname || '.' || s.indexrelname || ' on ' || s.relname || CASE WHEN i.indisunique THEN ' (unique)' ELSE '' END
                FROM pg_stat_user_indexes s JOIN pg_index i ON i.indexrelid = s.indexrelid
                WHERE s.idx_scan = 0 ORDER BY 1
                """, connection);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) unused.Add($"{database}: {reader.GetString(0)}");
        }
        return unused;
    }
}

/// <summary>
/// Statements per operation over a scenario's window: in all, by service database, transaction control (BEGIN, COMMIT,
/// ROLLBACK) apart, per delivery consumed, and the most frequent statements (per operation).
/// </summary>
public sealed record StatementCost(double PerOperation, double TransactionControlPerOperation, double PerDelivery,
    IReadOnlyDictionary<string, double> ByDatabase, IReadOnlyList<StatementCost.Top> Frequent)
{
    public sealed record Top(string Database, string Query, double PerOperation);

    public static StatementCost? Of(IReadOnlyList<SystemStatements.Row>? rows, long operations, OperationCost counts)
    {
        if (rows is null || operations == 0) return null;
        static string Short(string query)
        {
            var q = string.Join(' ', query.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            return q.Length > 160 ? q[..160] + "…" : q;
        }
        static bool Control(string q) => q.TrimStart().Split(' ', 2)[0].ToUpperInvariant() is "BEGIN" or "COMMIT" or "ROLLBACK" or "START";
        double Per(long calls) => Math.Round(calls / (double)operations, 2);
        var all = rows.Sum(r => r.Calls);
        var deliveries = counts.MessagesConsumed * operations;
        return new StatementCost(Per(all), Per(rows.Where(r => Control(r.Query)).Sum(r => r.Calls)),
            deliveries > 0 ? Math.Round(all / deliveries, 2) : 0,
            rows.GroupBy(r => r.Database).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => Per(g.Sum(r => r.Calls))),
            rows.OrderByDescending(r => r.Calls).Take(25)
                .Select(r => new Top(r.Database, Short(r.Query), Per(r.Calls)))
                .ToList());
    }
}

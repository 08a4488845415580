using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Procedures.Benchmarks.Load;

/// <summary>
/// Which transactions a window's write transactions were, read from the write-ahead log itself: `pg_waldump` (beside the
/// server's own binary) over the window's WAL range gives every record with its transaction id and the relation it
/// touched (`rel tablespace/database/filenode`), and a COMMIT record per committed transaction. A transaction is then
/// charged to the database it wrote and described by the tables it wrote (each service database's `pg_class`, an
/// index counted as its table), e.g. "notifications: event_log" for the stream publisher's marking. A temporary
/// physical replication slot, held from the window's start, keeps the WAL from being recycled before it is read.
/// Null when the WAL cannot be read (another machine's server, no pg_waldump, not a superuser).
/// </summary>
public sealed partial class WalTransactions : IAsyncDisposable
{
    private readonly NpgsqlConnection _slot;
    private readonly string _from;

    private WalTransactions(NpgsqlConnection slot, string from)
    {
        _slot = slot;
        _from = from;
    }

    /// <summary>Marks a window's start; null when the WAL cannot be held (not a superuser, no slots configured).</summary>
    public static async Task<WalTransactions?> StartAsync(SystemTarget target, CancellationToken ct)
    {
        // Its own session, not a pooled one: a temporary slot lives as long as the session, and a pooled session would
        // outlive the window (holding WAL, and taking the slot's name from the next window that got the same session).
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(target.Postgres("postgres")) { Pooling = false }.ConnectionString);
        try
        {
            await connection.OpenAsync(ct);
            // Temporary: dropped when this session ends, whatever happens to the harness. The slot holds the WAL from the
            // last checkpoint on; the window starts at the insert position read once the slot holds it.
            await using var command = new NpgsqlCommand(
                "SELECT pg_current_wal_insert_lsn()::text FROM pg_create_physical_replication_slot('bench_wal_' || pg_backend_pid(), true, true)",
                connection);
            var from = (string)(await command.ExecuteScalarAsync(ct))!;
            return new WalTransactions(connection, from);
        }
        catch (PostgresException)
        {
            await connection.DisposeAsync();
            return null;
        }
    }

    public sealed record Kind(string Database, string Tables, double PerOperation);

    /// <summary>Committed write transactions per operation: all, by database, and by what they wrote (most frequent first).</summary>
    public sealed record Breakdown(double PerOperation, IReadOnlyDictionary<string, double> ByDatabase, IReadOnlyList<Kind> Kinds);

    /// <summary>Reads the WAL from the window's start to now and charges it to <paramref name="operations"/> operations.</summary>
    public async Task<Breakdown?> ReadAsync(SystemTarget target, long operations, CancellationToken ct)
    {
        if (operations == 0) return null;
        string to, dataDirectory, binaries;
        await using (var command = new NpgsqlCommand("""
            SELECT pg_current_wal_insert_lsn()::text, current_setting('data_directory'),
                   (SELECT setting FROM pg_config WHERE name = 'BINDIR')
            """, _slot))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            await reader.ReadAsync(ct);
            (to, dataDirectory, binaries) = (reader.GetString(0), reader.GetString(1), reader.GetString(2));
        }
        var waldump = Path.Combine(binaries, "pg_waldump");
        if (!File.Exists(waldump) || !Directory.Exists(Path.Combine(dataDirectory, "pg_wal"))) return null;

        var written = new Dictionary<long, HashSet<(uint Database, uint FileNode)>>();
        var committed = new HashSet<long>();
        var start = new ProcessStartInfo(waldump, ["--path", Path.Combine(dataDirectory, "pg_wal"), "--start", _from, "--end", to])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using (var process = Process.Start(start)!)
        {
            var errors = process.StandardError.ReadToEndAsync(ct);
            while (await process.StandardOutput.ReadLineAsync(ct) is { } line)
            {
                var record = Record().Match(line);
                if (!record.Success) continue;
                var xid = long.Parse(record.Groups["xid"].Value, CultureInfo.InvariantCulture);
                if (xid == 0) continue;
                if (record.Groups["rmgr"].Value == "Transaction")
                {
                    if (line.Contains("desc: COMMIT", StringComparison.Ordinal)) committed.Add(xid);
                    continue;
                }
                foreach (Match rel in Relation().Matches(line))
                {
                    if (!written.TryGetValue(xid, out var set)) written[xid] = set = [];
                    set.Add((uint.Parse(rel.Groups["db"].Value, CultureInfo.InvariantCulture), uint.Parse(rel.Groups["node"].Value, CultureInfo.InvariantCulture)));
                }
            }
            await process.WaitForExitAsync(ct);
            // An error after records were read is the last, still incomplete record of a live server; with none read, the
            // range could not be read at all (recycled WAL, permissions), and an empty breakdown would be a false one.
            var error = await errors;
            if (process.ExitCode != 0 && committed.Count == 0)
                throw new InvalidOperationException($"pg_waldump {_from}..{to} failed: {error.Trim()}");
        }

        var names = await NamesAsync(target, ct);
        var byDatabase = new Dictionary<string, double>(StringComparer.Ordinal);
        var kinds = new Dictionary<(string, string), int>();
        foreach (var xid in committed)
        {
            if (!written.TryGetValue(xid, out var relations)) continue; // a commit with no relation written (e.g. only a sequence)
            // A shared catalog (database 0) written beside a database's tables (a statistics or pg_database update) is not
            // what the transaction was for.
            var own = relations.Where(r => r.Database != 0).ToList();
            var databases = own.Count == 0 ? ["(shared catalogs)"]
                : own.Select(r => names.Databases.GetValueOrDefault(r.Database, $"db {r.Database}")).Distinct().Order(StringComparer.Ordinal).ToList();
            var database = string.Join("+", databases);
            byDatabase[database] = byDatabase.GetValueOrDefault(database) + 1;
            var tables = string.Join(", ", relations.Select(r => names.Tables.GetValueOrDefault(r, "?")).Distinct().Order(StringComparer.Ordinal));
            kinds[(database, tables)] = kinds.GetValueOrDefault((database, tables)) + 1;
        }
        double Per(double count) => Math.Round(count / operations, 2);
        return new Breakdown(Per(byDatabase.Values.Sum()),
            byDatabase.OrderByDescending(kv => kv.Value).ToDictionary(kv => kv.Key, kv => Per(kv.Value), StringComparer.Ordinal),
            [.. kinds.OrderByDescending(kv => kv.Value).Select(kv => new Kind(kv.Key.Item1, kv.Key.Item2, Per(kv.Value)))]);
    }

    /// <summary>Database oids → names, and (database oid, file node) → table name in every service database.</summary>
    private static async Task<(Dictionary<uint, string> Databases, Dictionary<(uint, uint), string> Tables)> NamesAsync(
        SystemTarget target, CancellationToken ct)
    {
        var databases = new Dictionary<uint, string>();
        var tables = new Dictionary<(uint, uint), string>();
        await using (var connection = new NpgsqlConnection(target.Postgres("postgres")))
        {
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand("SELECT oid, datname FROM pg_database", connection);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) databases[reader.GetFieldValue<uint>(0)] = reader.GetString(1);
        }
        foreach (var database in SystemTarget.ServiceDatabases)
        {
            await using var connection = new NpgsqlConnection(target.Postgres(database));
            await connection.OpenAsync(ct);
            // An index, a TOAST table or a sequence is charged to the table it serves; pg_relation_filenode also gives mapped catalogs.
            await using var command = new NpgsqlCommand("""
                SELECT (SELECT oid FROM pg_database WHERE datname = current_database()), pg_relation_filenode(c.oid),
                       coalesce(owner.relname, toasted.relname, c.relname)
                FROM pg_class c
                LEFT JOIN pg_index i ON i.indexrelid = c.oid
                LEFT JOIN pg_class owner ON owner.oid = i.indrelid
                LEFT JOIN pg_class toasted ON toasted.reltoastrelid = c.oid
                WHERE pg_relation_filenode(c.oid) IS NOT NULL
                """, connection);
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                tables[(reader.GetFieldValue<uint>(0), reader.GetFieldValue<uint>(1))] = reader.GetString(2);
            }
        }
        return (databases, tables);
    }

    public ValueTask DisposeAsync() => _slot.DisposeAsync();

    [GeneratedRegex(@"^rmgr: (?<rmgr>\w+)\s.*?tx:\s+(?<xid>\d+),")]
    private static partial Regex Record();

    [GeneratedRegex(@"rel \d+/(?<db>\d+)/(?<node>\d+)")]
    private static partial Regex Relation();
}

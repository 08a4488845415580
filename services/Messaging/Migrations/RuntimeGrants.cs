using Npgsql;

namespace Procedures.Messaging.Migrations;

/// <summary>
/// Least privilege for the running service (issue 20): the migrations run as the database's owner role, the service as a
/// separate login that owns nothing. After every migration the owner grants that login what the service does at run time,
/// and no more: CONNECT on its own database only (PUBLIC loses it, so no other service's login gets in), DML on its own
/// tables, and on the audit tables only SELECT and INSERT (plus DELETE on the chainer's work queue). Not owning
/// <c>audit.entries</c>, the login cannot <c>ALTER TABLE … DISABLE TRIGGER</c> nor drop the trigger, and UPDATE, DELETE
/// and TRUNCATE are refused by privilege before the append-only trigger is even reached. Granting on ALL TABLES after each
/// run covers new tables without a grant in every script; the statements are idempotent.
/// </summary>
public static class RuntimeGrants
{
    /// <summary>The append-only audit trail: the login may read and add, never change or remove.</summary>
    public const string AuditSchema = "audit";

    /// <summary>Audit tables that are work queues, not records: the chainer deletes what it has sealed.</summary>
    public static readonly IReadOnlyList<string> AuditWorkQueues = ["audit.pending"];

    /// <summary>DbUp's journal: what ran is the owner's business.</summary>
    public const string Journal = "public.schemaversions";

    /// <summary>The statements that give <paramref name="login"/> its run-time rights in <paramref name="database"/>.</summary>
    public static IReadOnlyList<string> Statements(string database, string login, IEnumerable<string> schemas)
    {
        var role = Quote(login);
        var statements = new List<string>
        {
            $"REVOKE ALL ON DATABASE {Quote(database)} FROM PUBLIC",
            $"GRANT CONNECT ON DATABASE {Quote(database)} TO {role}",
        };
        foreach (var schema in schemas.Order(StringComparer.Ordinal))
        {
            var s = Quote(schema);
            statements.Add($"GRANT USAGE ON SCHEMA {s} TO {role}");
            statements.Add($"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {role}");
            if (schema == AuditSchema)
            {
                statements.Add($"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {role}");
                statements.Add($"GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA {s} TO {role}");
                statements.AddRange(AuditWorkQueues.Select(queue => $"GRANT DELETE ON {QuoteQualified(queue)} TO {role}"));
            }
            else
            {
                statements.Add($"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {s} TO {role}");
            }
        }
        statements.Add($"REVOKE ALL ON {QuoteQualified(Journal)} FROM {role}");
        return statements;
    }

    /// <summary>Applies <see cref="Statements"/> for every schema of the database the connection (as its owner) is in.</summary>
    public static async Task ApplyAsync(string ownerConnectionString, string login, CancellationToken ct)
    {
        var database = new NpgsqlConnectionStringBuilder(ownerConnectionString).Database!;
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync(ct);
        var schemas = new List<string>();
        await using (var list = new NpgsqlCommand(
            "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'", connection))
        await using (var reader = await list.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct)) schemas.Add(reader.GetString(0));

        await using var tx = await connection.BeginTransactionAsync(ct);
        foreach (var sql in Statements(database, login, schemas))
        {
            await using var command = new NpgsqlCommand(sql, connection, tx);
            await command.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string QuoteQualified(string name) => string.Join('.', name.Split('.').Select(Quote));
}

using System.Data;
using Dapper;
using DbUp;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using Procedures.Messaging.Audit;
using Procedures.Messaging.Migrations;
using Procedures.TestInfrastructure;

namespace Procedures.Messaging.Tests;

[Collection(InfrastructureCollection.Name)]
public sealed class AuditTests(InfrastructureFixture infra)
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 10, 1, 0, 0, TimeSpan.Zero);
    private static readonly AuditActor Clerk = new("intake-web", "000.00.01.H29", "citizen asked at the counter", "4bf92f3577b34da6a3ce929d0e0e4736");

    private sealed record ChainRow(long Seq, long EntryId, short Version, byte[]? PrevHash, byte[] Hash);

    [Fact]
    public async Task Appended_entries_are_found_by_each_filter_newest_first()
    {
        await using var db = await NewLogAsync();
        await AppendAsync(db, new AuditActor("c-1", "A1", null, null), new AuditEntry("dossier.submit", "D-1", true, new { n = 1 }), T0);
        await AppendAsync(db, new AuditActor("c-2", "A2", "appeal review", "trace-2"), new AuditEntry("dossier.read", "D-1", true, new { n = 2 }), T0.AddHours(1));
        await AppendAsync(db, new AuditActor("c-1", "A2", null, null), new AuditEntry("dossier.read", "D-2", false, new { n = 3 }), T0.AddHours(2));

        Assert.Equal("3,2,1", await FindAsync(db, new AuditQuery()));
        Assert.Equal("3,2", await FindAsync(db, new AuditQuery(Agency: "A2")));
        Assert.Equal("2,1", await FindAsync(db, new AuditQuery(Resource: "D-1")));
        Assert.Equal("1", await FindAsync(db, new AuditQuery(Action: "dossier.submit")));
        Assert.Equal("3,1", await FindAsync(db, new AuditQuery(ClientId: "c-1")));
        Assert.Equal("3,2", await FindAsync(db, new AuditQuery(From: T0.AddHours(1))));
        Assert.Equal("1", await FindAsync(db, new AuditQuery(To: T0.AddHours(1))));
        // The same instant written with an offset selects the same entries.
        Assert.Equal("2", await FindAsync(db, new AuditQuery(From: T0.AddHours(1).ToOffset(TimeSpan.FromHours(7)), To: T0.AddHours(2))));
        Assert.Equal("2", await FindAsync(db, new AuditQuery(Agency: "A2", Resource: "D-1")));
        Assert.Equal("", await FindAsync(db, new AuditQuery(Agency: "A9")));

        // Committed and found at once, sealed by the chainer afterwards.
        Assert.All(await AuditLog.QueryAsync(db, new AuditQuery(), CancellationToken.None), e => Assert.Null(e.Hash));
        Assert.Equal(3, await AuditChain.SealAsync(db, 10, CancellationToken.None));

        var all = await AuditLog.QueryAsync(db, new AuditQuery(), CancellationToken.None);
        var read = all[1];
        Assert.Equal(2, read.Detail!.Value.GetProperty("n").GetInt32());
        Assert.Equal(("c-2", "A2", "dossier.read", "D-1", true), (read.ClientId, read.Agency, read.Action, read.Resource, read.PersonalData));
        Assert.Equal(("appeal review", "trace-2"), (read.Reason, read.TraceId));
        Assert.Equal(T0.AddHours(1), read.At);
        Assert.Matches("^[0-9a-f]{64}$", read.Hash);
        Assert.Equal([3L, 2L, 1L], all.Select(e => e.Seq!.Value));
        Assert.Equal(all[2].Hash, all[1].PrevHash);
        Assert.Equal(all[1].Hash, all[0].PrevHash);
        Assert.Null(all[2].PrevHash);
    }

    [Fact]
    public async Task Pages_of_the_limit_continue_before_the_smallest_id_seen()
    {
        await using var db = await NewLogAsync();
        for (var n = 1; n <= 5; n++)
            await AppendAsync(db, Clerk, new AuditEntry("dossier.read", "D-" + n, true, new { n }), T0.AddMinutes(n));

        var first = await AuditLog.QueryAsync(db, new AuditQuery(Limit: 2), CancellationToken.None);
        var second = await AuditLog.QueryAsync(db, new AuditQuery(Limit: 2, BeforeId: first[^1].Id), CancellationToken.None);
        var last = await AuditLog.QueryAsync(db, new AuditQuery(Limit: 2, BeforeId: second[^1].Id), CancellationToken.None);

        Assert.Equal(["D-5", "D-4", "D-3", "D-2", "D-1"], first.Concat(second).Concat(last).Select(r => r.Resource));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            AuditLog.QueryAsync(db, new AuditQuery(Limit: AuditQuery.MaxLimit + 1), CancellationToken.None));
    }

    [Fact]
    public async Task Rolled_back_transaction_leaves_no_entry_and_the_chain_continues_from_the_last_commit()
    {
        await using var db = await NewLogAsync();
        await AppendAsync(db, Clerk, new AuditEntry("dossier.submit", "kept-1", true), T0);
        await AppendAsync(db, Clerk, new AuditEntry("dossier.submit", "rolled-back", true), T0.AddSeconds(1), commit: false);
        await AppendAsync(db, Clerk, new AuditEntry("dossier.submit", "kept-2", true), T0.AddSeconds(2));
        Assert.Equal(new AuditVerification(true, 0, null, Pending: 2), await AuditChain.VerifyAsync(db, CancellationToken.None));
        await AuditChain.SealAsync(db, 10, CancellationToken.None);

        var entries = await AuditLog.QueryAsync(db, new AuditQuery(), CancellationToken.None);
        Assert.Equal(["kept-2", "kept-1"], entries.Select(e => e.Resource));
        Assert.Equal(entries[1].Hash, entries[0].PrevHash);
        Assert.Equal(new AuditVerification(true, 2, null), await AuditChain.VerifyAsync(db, CancellationToken.None));
    }

    [Fact]
    public async Task An_open_transaction_holds_back_no_other_append_and_a_later_commit_takes_the_next_place()
    {
        await using var db = await NewLogAsync();
        await using var early = await db.OpenConnectionAsync();
        await using var earlyTx = await early.BeginTransactionAsync();
        await AuditLog.AppendAsync(earlyTx, Clerk, new AuditEntry("dossier.read", "early", true), T0, CancellationToken.None);

        // Chaining inside the transaction made this append wait for the open one to end (and time out here).
        using (var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
            await AppendAsync(db, Clerk, new AuditEntry("dossier.read", "late", true), T0.AddSeconds(1), ct: bounded.Token);
        Assert.Equal(1, await AuditChain.SealAsync(db, 10, CancellationToken.None));

        await earlyTx.CommitAsync();
        Assert.Equal(new AuditVerification(true, 1, null, Pending: 1), await AuditChain.VerifyAsync(db, CancellationToken.None));
        Assert.Equal(1, await AuditChain.SealAsync(db, 10, CancellationToken.None));

        var entries = await AuditLog.QueryAsync(db, new AuditQuery(), CancellationToken.None);
        Assert.Equal([("late", 1L), ("early", 2L)], entries.OrderBy(e => e.Seq).Select(e => (e.Resource, e.Seq!.Value)));
        Assert.True(entries.Single(e => e.Resource == "early").Id < entries.Single(e => e.Resource == "late").Id);
        Assert.Equal(new AuditVerification(true, 2, null), await AuditChain.VerifyAsync(db, CancellationToken.None));
    }

    [Fact]
    public async Task Concurrent_appenders_and_chainers_build_one_intact_chain()
    {
        await using var db = await NewLogAsync();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var appenders = Enumerable.Range(0, 50).Select(n => Task.Run(async () =>
        {
            await using var connection = await db.OpenConnectionAsync();
            await using var tx = await connection.BeginTransactionAsync();
            await start.Task;
            await AuditLog.AppendAsync(tx, Clerk with { ClientId = "client-" + n }, new AuditEntry("dossier.read", "D-" + n, true),
                T0.AddMilliseconds(n), CancellationToken.None);
            await tx.CommitAsync();
        })).ToList();
        var appended = Task.WhenAll(appenders);
        // Three chainers (replicas) sealing small batches while the appends commit, until none is left.
        var chainers = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            var sealedHere = 0;
            while (true)
            {
                var done = appended.IsCompleted;
                var count = await AuditChain.SealAsync(db, 3, CancellationToken.None);
                sealedHere += count;
                if (done && count == 0) return sealedHere;
            }
        })).ToList();
        start.SetResult();
        await appended;
        var sealedCounts = await Task.WhenAll(chainers);

        Assert.Equal(50, sealedCounts.Sum());
        Assert.Equal(new AuditVerification(true, 50, null), await AuditChain.VerifyAsync(db, CancellationToken.None));
        var chain = await ChainAsync(db);
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), chain.Select(r => r.Seq));
        Assert.Null(chain[0].PrevHash);
        for (var i = 1; i < chain.Count; i++) Assert.Equal(chain[i - 1].Hash, chain[i].PrevHash);
        Assert.Equal(50, chain.Select(r => r.EntryId).Distinct().Count());
    }

    [Theory]
    [InlineData("UPDATE audit.entries SET resource = 'changed'", "audit.entries", "UPDATE")]
    [InlineData("UPDATE audit.entries SET resource = 'changed' WHERE false", "audit.entries", "UPDATE")]
    [InlineData("DELETE FROM audit.entries", "audit.entries", "DELETE")]
    [InlineData("DELETE FROM audit.entries WHERE id < 0", "audit.entries", "DELETE")]
    [InlineData("TRUNCATE audit.entries", "audit.entries", "TRUNCATE")]
    [InlineData("UPDATE audit.seals SET hash = prev_hash", "audit.seals", "UPDATE")]
    [InlineData("DELETE FROM audit.seals WHERE seq > 0", "audit.seals", "DELETE")]
    [InlineData("TRUNCATE audit.seals", "audit.seals", "TRUNCATE")]
    public async Task Database_refuses_to_change_or_remove_entries_and_seals(string statement, string table, string operation)
    {
        await using var db = await NewLogAsync();
        await AppendAsync(db, Clerk, new AuditEntry("dossier.read", "D-1", true), T0);
        await AuditChain.SealAsync(db, 10, CancellationToken.None);

        await using var connection = await db.OpenConnectionAsync();
        var refused = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(statement));

        Assert.Contains($"{table} is append-only", refused.MessageText);
        Assert.Contains(operation, refused.MessageText);
        var stored = Assert.Single(await AuditLog.QueryAsync(db, new AuditQuery(), CancellationToken.None));
        Assert.Equal(("D-1", 1L), (stored.Resource, stored.Seq));
        Assert.Equal(new AuditVerification(true, 1, null), await AuditChain.VerifyAsync(db, CancellationToken.None));
    }

    [Fact]
    public async Task Entry_changed_behind_the_disabled_trigger_is_the_first_broken_one()
    {
        await using var db = await NewLogAsync();
        Assert.Equal(new AuditVerification(true, 0, null), await AuditChain.VerifyAsync(db, CancellationToken.None));
        for (var n = 1; n <= 5; n++)
            await AppendAsync(db, Clerk, new AuditEntry("dossier.read", "D-" + n, true), T0.AddMinutes(n));
        await AuditChain.SealAsync(db, 10, CancellationToken.None);
        var victim = (await ChainAsync(db))[2].EntryId;

        await TamperAsync(db, "audit.entries", "UPDATE audit.entries SET resource = 'D-someone-else' WHERE id = @victim", new { victim });

        Assert.Equal(new AuditVerification(false, 5, victim), await AuditChain.VerifyAsync(db, CancellationToken.None));
    }

    [Fact]
    public async Task Entry_removed_behind_the_disabled_trigger_is_missing_at_its_place_and_its_seal_removed_too_breaks_the_next()
    {
        await using var db = await NewLogAsync();
        for (var n = 1; n <= 4; n++)
            await AppendAsync(db, Clerk, new AuditEntry("dossier.read", "D-" + n, true), T0.AddMinutes(n));
        await AuditChain.SealAsync(db, 10, CancellationToken.None);
        var chain = await ChainAsync(db);

        await TamperAsync(db, "audit.entries", "DELETE FROM audit.entries WHERE id = @id", new { id = chain[1].EntryId });
        Assert.Equal(new AuditVerification(false, 4, chain[1].EntryId), await AuditChain.VerifyAsync(db, CancellationToken.None));

        await TamperAsync(db, "audit.seals", "DELETE FROM audit.seals WHERE seq = @seq", new { seq = chain[1].Seq });
        Assert.Equal(new AuditVerification(false, 3, chain[2].EntryId), await AuditChain.VerifyAsync(db, CancellationToken.None));
    }

    [Fact]
    public async Task Entry_taken_off_the_chainers_queue_is_reported_as_neither_sealed_nor_waiting()
    {
        await using var db = await NewLogAsync();
        await AppendAsync(db, Clerk, new AuditEntry("dossier.read", "sealed", true), T0);
        await AuditChain.SealAsync(db, 10, CancellationToken.None);
        await AppendAsync(db, Clerk, new AuditEntry("dossier.read", "hidden", true), T0.AddMinutes(1));
        await AppendAsync(db, Clerk, new AuditEntry("dossier.read", "waiting", true), T0.AddMinutes(2));
        var hidden = (await AuditLog.QueryAsync(db, new AuditQuery(Resource: "hidden"), CancellationToken.None))[0].Id;

        await using (var connection = await db.OpenConnectionAsync())
            await connection.ExecuteAsync("DELETE FROM audit.pending WHERE entry_id = @hidden", new { hidden });

        Assert.Equal(new AuditVerification(false, 1, hidden, Pending: 1), await AuditChain.VerifyAsync(db, CancellationToken.None));
    }

    [Fact]
    public async Task Detail_text_and_instants_are_hashed_as_stored_so_the_chain_verifies()
    {
        await using var db = await NewLogAsync();
        // jsonb reorders keys and drops whitespace; timestamptz keeps microseconds, not 100 ns ticks.
        var detail = new Dictionary<string, object?>
        {
            ["zeta"] = 1.50m, ["a"] = "Nguyễn Văn A \"quoted\"\n", ["nested"] = new { b = 2, a = new[] { 1, 2 } }, ["none"] = null,
        };
        var at = new DateTimeOffset(2025, 3, 10, 8, 0, 0, TimeSpan.FromHours(7)).AddTicks(1_234_567);
        await AppendAsync(db, Clerk with { Reason = "Lý do: kiểm tra hồ sơ" }, new AuditEntry("dossier.read", "000.00.01.H29-250310-0001", true, detail), at);
        await AppendAsync(db, new AuditActor("c", "a", "", null), new AuditEntry("dossier.read", "r", false, "plain string"), at);
        await AuditChain.SealAsync(db, 10, CancellationToken.None);

        Assert.Equal(new AuditVerification(true, 2, null), await AuditChain.VerifyAsync(db, CancellationToken.None));
        var entries = await AuditLog.QueryAsync(db, new AuditQuery(), CancellationToken.None);
        Assert.Equal(at.AddTicks(-7), entries[1].At);
        Assert.Equal("Nguyễn Văn A \"quoted\"\n", entries[1].Detail!.Value.GetProperty("a").GetString());
        Assert.Equal(1.50m, entries[1].Detail!.Value.GetProperty("zeta").GetDecimal());
        Assert.Equal("", entries[0].Reason);
        Assert.Equal("plain string", entries[0].Detail!.Value.GetString());
    }

    [Fact]
    public async Task Appends_in_a_repeatable_read_transaction_are_chained_like_any_other()
    {
        await using var db = await NewLogAsync();
        await using (var connection = await db.OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead))
        {
            await AuditLog.AppendAsync(tx, Clerk, new AuditEntry("dossier.read", "D-1", true), T0, CancellationToken.None);
            await tx.CommitAsync();
        }
        await AppendAsync(db, Clerk, new AuditEntry("dossier.read", "D-2", true), T0.AddSeconds(1));
        await AuditChain.SealAsync(db, 10, CancellationToken.None);

        Assert.Equal(new AuditVerification(true, 2, null), await AuditChain.VerifyAsync(db, CancellationToken.None));
    }

    [Fact]
    public async Task Entries_chained_inside_their_transactions_before_migration_0004_keep_their_hashes_and_the_chain_goes_on()
    {
        DapperTypes.Register();
        var connectionString = infra.NewDatabase("audit_v1");
        await using (var maintenance = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres" }.ConnectionString))
        {
            await maintenance.OpenAsync();
            await maintenance.ExecuteAsync($"CREATE DATABASE \"{new NpgsqlConnectionStringBuilder(connectionString).Database}\"");
        }
        // The database as it was before 0004: the same scripts, under the names the migrator journals them by.
        var before = DeployChanges.To.PostgresqlDatabase(connectionString)
            .WithScriptsEmbeddedInAssembly(typeof(AuditLog).Assembly, n => n.EndsWith(".sql", StringComparison.Ordinal) && string.CompareOrdinal(
                n[(n.LastIndexOf(".Sql.", StringComparison.Ordinal) + 5)..], "0004") < 0)
            .WithTransactionPerScript().LogToNowhere().Build().PerformUpgrade();
        Assert.True(before.Successful, before.Error?.Message);

        await using (var db = NpgsqlDataSource.Create(connectionString))
        {
            await AppendBefore0004Async(db, new AuditActor("c-1", "A1", "lý do", "t-1"), new AuditEntry("dossier.submit", "D-1", true, new { n = 1 }), T0);
            await AppendBefore0004Async(db, Clerk, new AuditEntry("dossier.read", "rolled-back", true), T0.AddSeconds(1), commit: false);
            await AppendBefore0004Async(db, Clerk, new AuditEntry("dossier.read", "D-1", true), T0.AddSeconds(2));
        }

        await DatabaseMigrator.MigrateAsync(connectionString, typeof(AuditTests).Assembly, NullLogger.Instance);
        await using var migrated = NpgsqlDataSource.Create(connectionString);
        Assert.Equal(new AuditVerification(true, 2, null), await AuditChain.VerifyAsync(migrated, CancellationToken.None));

        await AppendAsync(migrated, Clerk, new AuditEntry("dossier.read", "D-1", true), T0.AddSeconds(3));
        await AuditChain.SealAsync(migrated, 10, CancellationToken.None);
        Assert.Equal(new AuditVerification(true, 3, null), await AuditChain.VerifyAsync(migrated, CancellationToken.None));
        var chain = await ChainAsync(migrated);
        Assert.Equal([(1L, (short)1), (2L, (short)1), (3L, (short)2)], chain.Select(r => (r.Seq, r.Version)));
        Assert.Equal(chain[1].Hash, chain[2].PrevHash);

        // A version-1 seal is accepted only where version 1 was written: before the first version-2 seal.
        await AppendAsync(migrated, Clerk, new AuditEntry("dossier.read", "D-2", true), T0.AddSeconds(4));
        await AuditChain.SealAsync(migrated, 10, CancellationToken.None);
        var fourth = (await AuditLog.QueryAsync(migrated, new AuditQuery(Resource: "D-2"), CancellationToken.None))[0];
        var thirdHash = (await ChainAsync(migrated))[2].Hash;
        await TamperAsync(migrated, "audit.seals", "DELETE FROM audit.seals WHERE seq = 4", new { });
        await TamperAsync(migrated, "audit.seals", "INSERT INTO audit.seals VALUES (4, @entry, 1, @prev, @hash)", new
        {
            entry = fourth.Id, prev = thirdHash,
            hash = AuditHash.Compute(AuditHash.ChainedInTransaction, thirdHash, 4, fourth.Id,
                AuditHash.Body(T0.AddSeconds(4), Clerk.ClientId, Clerk.Agency, "dossier.read", "D-2", true, Clerk.Reason, Clerk.TraceId), null),
        });
        Assert.Equal(new AuditVerification(false, 4, fourth.Id), await AuditChain.VerifyAsync(migrated, CancellationToken.None));
    }

    /// <summary>The appender as it was before migration 0004: chain lock, head and hash computed by the server in the transaction.</summary>
    private static async Task AppendBefore0004Async(NpgsqlDataSource db, AuditActor actor, AuditEntry entry, DateTimeOffset at, bool commit = true)
    {
        const string insert = """
            INSERT INTO audit.entries (id, at, client_id, agency, action, resource, personal_data, reason, trace_id, detail, prev_hash, hash)
            OVERRIDING SYSTEM VALUE
            SELECT s.id, $1, $2, $3, $4, $5, $6, $7, $8, s.detail, s.prev,
                   sha256($9 || CASE WHEN s.prev IS NULL THEN '\xffffffff'::bytea ELSE int4send(length(s.prev)) || s.prev END
                          || '\x00000008'::bytea || int8send(s.id) || $10
                          || CASE WHEN s.detail IS NULL THEN '\xffffffff'::bytea
                                  ELSE int4send(octet_length(convert_to(s.detail::text, 'UTF8'))) || convert_to(s.detail::text, 'UTF8') END)
            FROM (SELECT (SELECT hash FROM audit.entries ORDER BY id DESC LIMIT 1) AS prev,
                         nextval(pg_get_serial_sequence('audit.entries', 'id')) AS id,
                         $11::jsonb AS detail) s
            """;
        var stored = AuditHash.ToStoredPrecision(at);
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(418581342580)", transaction: tx);
        await using var command = new NpgsqlCommand(insert, connection, tx)
        {
            Parameters =
            {
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = stored },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = actor.ClientId },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = actor.Agency },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = entry.Action },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = entry.Resource },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Boolean, Value = entry.PersonalData },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)actor.Reason ?? DBNull.Value },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)actor.TraceId ?? DBNull.Value },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = (byte[])[0, 0, 0, 27, .. "procedures.audit.entries/v1"u8] },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bytea, Value = AuditHash.Body(stored, actor.ClientId, actor.Agency,
                    entry.Action, entry.Resource, entry.PersonalData, actor.Reason, actor.TraceId) },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text,
                    Value = entry.Detail is null ? DBNull.Value : System.Text.Json.JsonSerializer.Serialize(entry.Detail, MessageJson.Options) },
            },
        };
        await command.ExecuteNonQueryAsync();
        if (commit) await tx.CommitAsync(); else await tx.RollbackAsync();
    }

    private async Task<NpgsqlDataSource> NewLogAsync()
    {
        DapperTypes.Register();
        var connectionString = infra.NewDatabase("audit");
        await DatabaseMigrator.MigrateAsync(connectionString, typeof(AuditTests).Assembly, NullLogger.Instance);
        return NpgsqlDataSource.Create(connectionString);
    }

    private static async Task AppendAsync(NpgsqlDataSource db, AuditActor actor, AuditEntry entry, DateTimeOffset at, bool commit = true,
        CancellationToken ct = default)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await AuditLog.AppendAsync(tx, actor, entry, at, ct);
        if (commit) await tx.CommitAsync(ct); else await tx.RollbackAsync(ct);
    }

    /// <summary>The found entries' detail numbers, in the order returned.</summary>
    private static async Task<string> FindAsync(NpgsqlDataSource db, AuditQuery query)
        => string.Join(",", (await AuditLog.QueryAsync(db, query, CancellationToken.None)).Select(r => r.Detail!.Value.GetProperty("n").GetInt32()));

    private static async Task<List<ChainRow>> ChainAsync(NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync();
        return (await connection.QueryAsync<ChainRow>(
            "SELECT seq, entry_id AS EntryId, version, prev_hash AS PrevHash, hash FROM audit.seals ORDER BY seq")).AsList();
    }

    /// <summary>What a superuser (or the table owner) can do: switch the append-only trigger off for one change.</summary>
    private static async Task TamperAsync(NpgsqlDataSource db, string table, string change, object args)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync($"ALTER TABLE {table} DISABLE TRIGGER ALL", transaction: tx);
        Assert.Equal(1, await connection.ExecuteAsync(change, args, tx));
        await connection.ExecuteAsync($"ALTER TABLE {table} ENABLE TRIGGER ALL", transaction: tx);
        await tx.CommitAsync();
    }
}

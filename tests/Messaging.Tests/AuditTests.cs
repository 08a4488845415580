using System.Data;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Procedures.Messaging.Audit;
using Procedures.Messaging.Migrations;
using Procedures.TestInfrastructure;

namespace Procedures.Messaging.Tests;

[Collection(InfrastructureCollection.Name)]
public sealed class AuditTests(InfrastructureFixture infra)
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 10, 1, 0, 0, TimeSpan.Zero);
    private static readonly AuditActor Clerk = new("intake-web", "000.00.01.H29", "citizen asked at the counter", "4bf92f3577b34da6a3ce929d0e0e4736");

    private sealed record ChainRow(long Id, byte[]? PrevHash, byte[] Hash);

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

        var all = await AuditLog.QueryAsync(db, new AuditQuery(), CancellationToken.None);
        var read = all[1];
        Assert.Equal(2, read.Detail!.Value.GetProperty("n").GetInt32());
        Assert.Equal(("c-2", "A2", "dossier.read", "D-1", true), (read.ClientId, read.Agency, read.Action, read.Resource, read.PersonalData));
        Assert.Equal(("appeal review", "trace-2"), (read.Reason, read.TraceId));
        Assert.Equal(T0.AddHours(1), read.At);
        Assert.Matches("^[0-9a-f]{64}$", read.Hash);
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

        var entries = await AuditLog.QueryAsync(db, new AuditQuery(), CancellationToken.None);
        Assert.Equal(["kept-2", "kept-1"], entries.Select(e => e.Resource));
        Assert.Equal(entries[1].Hash, entries[0].PrevHash);
        Assert.Equal(new AuditVerification(true, 2, null), await AuditLog.VerifyAsync(db, CancellationToken.None));
    }

    [Fact]
    public async Task Concurrent_appenders_build_one_intact_chain()
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
        start.SetResult();
        await Task.WhenAll(appenders);

        Assert.Equal(new AuditVerification(true, 50, null), await AuditLog.VerifyAsync(db, CancellationToken.None));
        var chain = await ChainAsync(db);
        Assert.Equal(50, chain.Count);
        Assert.Null(chain[0].PrevHash);
        for (var i = 1; i < chain.Count; i++) Assert.Equal(chain[i - 1].Hash, chain[i].PrevHash);
        Assert.Equal(50, chain.Select(r => Convert.ToHexString(r.Hash)).Distinct().Count());
    }

    [Theory]
    [InlineData("UPDATE audit.entries SET resource = 'changed'", "UPDATE")]
    [InlineData("UPDATE audit.entries SET resource = 'changed' WHERE false", "UPDATE")]
    [InlineData("DELETE FROM audit.entries", "DELETE")]
    [InlineData("DELETE FROM audit.entries WHERE id < 0", "DELETE")]
    [InlineData("TRUNCATE audit.entries", "TRUNCATE")]
    public async Task Database_refuses_to_change_or_remove_entries(string statement, string operation)
    {
        await using var db = await NewLogAsync();
        await AppendAsync(db, Clerk, new AuditEntry("dossier.read", "D-1", true), T0);

        await using var connection = await db.OpenConnectionAsync();
        var refused = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(statement));

        Assert.Contains("append-only", refused.MessageText);
        Assert.Contains(operation, refused.MessageText);
        var stored = Assert.Single(await AuditLog.QueryAsync(db, new AuditQuery(), CancellationToken.None));
        Assert.Equal("D-1", stored.Resource);
        Assert.True((await AuditLog.VerifyAsync(db, CancellationToken.None)).Intact);
    }

    [Fact]
    public async Task Entry_changed_behind_the_disabled_trigger_is_the_first_broken_one()
    {
        await using var db = await NewLogAsync();
        Assert.Equal(new AuditVerification(true, 0, null), await AuditLog.VerifyAsync(db, CancellationToken.None));
        for (var n = 1; n <= 5; n++)
            await AppendAsync(db, Clerk, new AuditEntry("dossier.read", "D-" + n, true), T0.AddMinutes(n));
        var victim = (await ChainAsync(db))[2].Id;

        await TamperAsync(db, "UPDATE audit.entries SET resource = 'D-someone-else' WHERE id = @victim", new { victim });

        Assert.Equal(new AuditVerification(false, 5, victim), await AuditLog.VerifyAsync(db, CancellationToken.None));
    }

    [Fact]
    public async Task Entry_removed_behind_the_disabled_trigger_breaks_the_link_of_its_successor()
    {
        await using var db = await NewLogAsync();
        for (var n = 1; n <= 4; n++)
            await AppendAsync(db, Clerk, new AuditEntry("dossier.read", "D-" + n, true), T0.AddMinutes(n));
        var chain = await ChainAsync(db);

        await TamperAsync(db, "DELETE FROM audit.entries WHERE id = @id", new { id = chain[1].Id });
        Assert.Equal(new AuditVerification(false, 3, chain[2].Id), await AuditLog.VerifyAsync(db, CancellationToken.None));

        await TamperAsync(db, "DELETE FROM audit.entries WHERE id = @id", new { id = chain[0].Id });
        Assert.Equal(new AuditVerification(false, 2, chain[2].Id), await AuditLog.VerifyAsync(db, CancellationToken.None));
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

        Assert.Equal(new AuditVerification(true, 2, null), await AuditLog.VerifyAsync(db, CancellationToken.None));
        var entries = await AuditLog.QueryAsync(db, new AuditQuery(), CancellationToken.None);
        Assert.Equal(at.AddTicks(-7), entries[1].At);
        Assert.Equal("Nguyễn Văn A \"quoted\"\n", entries[1].Detail!.Value.GetProperty("a").GetString());
        Assert.Equal(1.50m, entries[1].Detail!.Value.GetProperty("zeta").GetDecimal());
        Assert.Equal("", entries[0].Reason);
        Assert.Equal("plain string", entries[0].Detail!.Value.GetString());
    }

    [Fact]
    public async Task Append_in_a_repeatable_read_transaction_is_refused()
    {
        await using var db = await NewLogAsync();
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            AuditLog.AppendAsync(tx, Clerk, new AuditEntry("dossier.read", "D-1", true), T0, CancellationToken.None));
    }

    private async Task<NpgsqlDataSource> NewLogAsync()
    {
        DapperTypes.Register();
        var connectionString = infra.NewDatabase("audit");
        await DatabaseMigrator.MigrateAsync(connectionString, typeof(AuditTests).Assembly, NullLogger.Instance);
        return NpgsqlDataSource.Create(connectionString);
    }

    private static async Task AppendAsync(NpgsqlDataSource db, AuditActor actor, AuditEntry entry, DateTimeOffset at, bool commit = true)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await AuditLog.AppendAsync(tx, actor, entry, at, CancellationToken.None);
        if (commit) await tx.CommitAsync(); else await tx.RollbackAsync();
    }

    /// <summary>The found entries' detail numbers, in the order returned.</summary>
    private static async Task<string> FindAsync(NpgsqlDataSource db, AuditQuery query)
        => string.Join(",", (await AuditLog.QueryAsync(db, query, CancellationToken.None)).Select(r => r.Detail!.Value.GetProperty("n").GetInt32()));

    private static async Task<List<ChainRow>> ChainAsync(NpgsqlDataSource db)
    {
        await using var connection = await db.OpenConnectionAsync();
        return (await connection.QueryAsync<ChainRow>("SELECT id, prev_hash AS PrevHash, hash FROM audit.entries ORDER BY id")).AsList();
    }

    /// <summary>What a superuser (or the table owner) can do: switch the append-only trigger off for one change.</summary>
    private static async Task TamperAsync(NpgsqlDataSource db, string change, object args)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("ALTER TABLE audit.entries DISABLE TRIGGER ALL", transaction: tx);
        Assert.Equal(1, await connection.ExecuteAsync(change, args, tx));
        await connection.ExecuteAsync("ALTER TABLE audit.entries ENABLE TRIGGER ALL", transaction: tx);
        await tx.CommitAsync();
    }
}

public sealed class AuditQueryParsingTests
{
    [Theory]
    [InlineData("from", "31/01/2025")]
    [InlineData("to", "yesterday")]
    [InlineData("limit", "0")]
    [InlineData("limit", "1001")]
    [InlineData("limit", "-5")]
    [InlineData("limit", "ten")]
    [InlineData("beforeId", "0")]
    [InlineData("beforeId", "abc")]
    [InlineData("agency", "x")] // made too long below
    public void Bad_query_parameter_is_named_in_the_errors(string field, string value)
    {
        if (field == "agency") value = new string('x', 257);
        string? Get(string name) => name == field ? value : null;

        var query = AuditEndpoints.ParseQuery(Get("from"), Get("to"), Get("agency"), Get("resource"), Get("action"), Get("clientId"),
            Get("limit"), Get("beforeId"), out var errors);

        Assert.Null(query);
        Assert.Equal([field], errors.Keys);
    }

    [Fact]
    public void To_before_from_is_refused_on_to()
    {
        Assert.Null(AuditEndpoints.ParseQuery("2025-02-01", "2025-01-01", null, null, null, null, null, null, out var errors));
        Assert.Equal(["to"], errors.Keys);
    }

    [Fact]
    public void Valid_parameters_become_a_query_with_instants_in_utc()
    {
        // "+07:00" left unencoded in a URL arrives as " 07:00".
        var query = AuditEndpoints.ParseQuery("2025-01-31T08:00:00 07:00", "2025-02-01", "A1", "D-1", "dossier.read", "c-1", "50", "900", out var errors);

        Assert.Empty(errors);
        Assert.Equal(new AuditQuery(new DateTimeOffset(2025, 1, 31, 1, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 2, 1, 0, 0, 0, TimeSpan.Zero),
            "A1", "D-1", "dossier.read", "c-1", 50, 900), query);
        Assert.Equal(new AuditQuery(), AuditEndpoints.ParseQuery(null, "", null, " ", null, null, null, null, out _));
    }
}

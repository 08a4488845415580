using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Procedures.Messaging.Audit;
using Procedures.Messaging.Migrations;
using Procedures.TestInfrastructure;

namespace Procedures.Messaging.Tests;

/// <summary>
/// The migrator as an owner role granting a separate login its run-time rights (issue 20), on a real Postgres: the login
/// works its own tables and appends to the audit trail, and is refused everything that would let it rewrite or switch
/// off the trail, create objects or read the migration journal; a table added later is covered by the next run.
/// (LeastPrivilegeTests in the end-to-end suite checks the same with the running system's accounts.)
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class RuntimeGrantsTests(InfrastructureFixture infra)
{
    [Fact]
    public async Task The_login_gets_dml_on_its_tables_and_only_select_and_insert_on_the_audit_trail()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (database, owner, login) = ($"grants_{suffix}", $"grants_owner_{suffix}", $"grants_login_{suffix}");
        await using (var admin = new NpgsqlConnection(infra.PostgresServer + ";Database=postgres"))
        {
            await admin.ExecuteAsync($"CREATE ROLE {owner} LOGIN PASSWORD 'owner-pw'");
            await admin.ExecuteAsync($"CREATE ROLE {login} LOGIN PASSWORD 'login-pw'");
            await admin.ExecuteAsync($"CREATE DATABASE {database} OWNER {owner}");
        }
        var server = new NpgsqlConnectionStringBuilder(infra.PostgresServer);
        string As(string user, string password) => new NpgsqlConnectionStringBuilder(server.ConnectionString)
            { Username = user, Password = password, Database = database, Pooling = false }.ConnectionString;

        await DatabaseMigrator.MigrateAsync(As(owner, "owner-pw"), typeof(RuntimeGrantsTests).Assembly, NullLogger.Instance, login, default);
        // A table a later script adds is covered by the next run's grants, with no grant in the script.
        await using (var ownerDb = new NpgsqlConnection(As(owner, "owner-pw")))
            await ownerDb.ExecuteAsync("CREATE TABLE added_later (id int)");
        await DatabaseMigrator.MigrateAsync(As(owner, "owner-pw"), typeof(RuntimeGrantsTests).Assembly, NullLogger.Instance, login, default);

        await using var db = new NpgsqlConnection(As(login, "login-pw"));
        await db.OpenAsync();
        await db.ExecuteAsync("INSERT INTO business_rows (id, note) VALUES (gen_random_uuid(), 'x')");
        await db.ExecuteAsync("UPDATE business_rows SET note = 'y'");
        await db.ExecuteAsync("DELETE FROM business_rows");
        await db.ExecuteAsync("INSERT INTO added_later VALUES (1)");
        // Appended the way every service appends (the product's statement, every column filled), not a copy of it.
        await using (var tx = await db.BeginTransactionAsync())
        {
            await AuditLog.AppendAsync(tx, new AuditActor("c", "a", "kiểm tra quyền / grants check", "trace-1"),
                new AuditEntry("test", "r", PersonalData: false, Detail: new { step = 1 }), DateTimeOffset.UtcNow, CancellationToken.None);
            await tx.CommitAsync();
        }
        Assert.Equal(1, await db.ExecuteScalarAsync<int>("SELECT count(*) FROM audit.entries"));
        await db.ExecuteAsync("DELETE FROM audit.pending WHERE false");

        foreach (var sql in new[]
                 {
                     "ALTER TABLE audit.entries DISABLE TRIGGER ALL",
                     "ALTER TABLE audit.seals DISABLE TRIGGER seals_append_only",
                     "UPDATE audit.entries SET action = 'changed'",
                     "DELETE FROM audit.entries",
                     "TRUNCATE audit.seals",
                     "UPDATE audit.pending SET entry_id = entry_id",
                     "SELECT count(*) FROM schemaversions",
                     "CREATE TABLE mine (id int)",
                     "CREATE SCHEMA mine",
                 })
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => db.ExecuteAsync(sql));
            Assert.True(refused.SqlState == PostgresErrorCodes.InsufficientPrivilege, $"'{sql}': {refused.SqlState} {refused.MessageText}");
        }

        // CONNECT is the login's alone: PUBLIC lost it, so any other role is turned away at the door.
        var stranger = $"grants_stranger_{suffix}";
        await using (var admin = new NpgsqlConnection(infra.PostgresServer + ";Database=postgres"))
            await admin.ExecuteAsync($"CREATE ROLE {stranger} LOGIN PASSWORD 'stranger-pw'");
        await using var other = new NpgsqlConnection(As(stranger, "stranger-pw"));
        var denied = await Assert.ThrowsAsync<PostgresException>(() => other.OpenAsync());
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
    }

    [Theory]
    [InlineData("Username=svc", null, null, "Username=svc", null)]                          // one account: nothing granted
    [InlineData("Username=svc", "Username=svc_owner", null, "Username=svc_owner", "svc")]   // owner migrates, login granted
    [InlineData(null, "Username=svc_owner", "svc", "Username=svc_owner", "svc")]            // init container: no login secret
    [InlineData("Username=svc_owner", "Username=svc_owner", null, "Username=svc_owner", null)]
    public void Migrations_run_as_the_owner_when_it_is_configured_and_grant_the_services_login(
        string? runtime, string? migrations, string? namedLogin, string expectedConnection, string? expectedLogin)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:svcdb"] = runtime,
            ["ConnectionStrings:svcdb-migrations"] = migrations,
            ["Database:RuntimeLogin"] = namedLogin,
        }).Build();

        var settings = MigrationSettings.From(configuration, "svcdb", "svcdb-migrations");

        Assert.Equal((expectedConnection, expectedLogin), (settings.ConnectionString, settings.RuntimeLogin));
    }
}

using Aspire.Hosting.Testing;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using Procedures.AppHost;
using Procedures.Contracts;
using Procedures.TestInfrastructure;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace Procedures.EndToEnd.Tests;

/// <summary>
/// Issue 20, least privilege, checked with the accounts the running system really uses (the AppHost's connection
/// strings): each service's Postgres login cannot switch off or rewrite its audit trail nor enter another service's
/// database, and each service's broker user can neither bind nor consume another service's queue nor use the management
/// API; only Notifications' management account is an administrator. Each refusal comes with its positive control.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class LeastPrivilegeTests(SystemFixture system)
{
    private const string PermissionDenied = "42501"; // insufficient_privilege, also "must be owner of table"

    private async Task<string> ConnectionStringAsync(string name)
        => await system.App.GetConnectionStringAsync(name) ?? throw new InvalidOperationException($"no connection string {name}");

    [Fact]
    public async Task A_services_login_cannot_disable_or_rewrite_its_audit_trail_nor_connect_to_another_services_database()
    {
        var checkedRefusals = 0;
        foreach (var service in LocalAccounts.Services)
        {
            var login = await ConnectionStringAsync(ResourceNames.Database(service));
            Assert.Equal(LocalAccounts.Login(service), new NpgsqlConnectionStringBuilder(login).Username);
            await using var db = new NpgsqlConnection(login);
            await db.OpenAsync();

            // Positive control: the login reads and appends to the audit trail and may change its own tables' rows.
            await ExecuteAsync(db, "SELECT count(*) FROM audit.entries");
            await ExecuteAsync(db, "SELECT count(*) FROM audit.seals");
            await ExecuteAsync(db, "UPDATE messaging.outbox SET sent_at = sent_at WHERE false");
            await ExecuteAsync(db, "DELETE FROM audit.pending WHERE false"); // the chainer's work queue
            // The migrations ran as the owner role: it owns the audit table, the login owns nothing.
            Assert.Equal(LocalAccounts.Owner(service),
                await ScalarAsync(db, "SELECT tableowner::text FROM pg_tables WHERE schemaname = 'audit' AND tablename = 'entries'"));
            Assert.Equal(0L, await ScalarAsync(db, "SELECT count(*) FROM pg_class WHERE relowner = current_user::regrole"));

            foreach (var sql in new[]
                     {
                         "ALTER TABLE audit.entries DISABLE TRIGGER ALL",
                         "ALTER TABLE audit.entries DISABLE TRIGGER entries_append_only",
                         "DROP TRIGGER entries_append_only ON audit.entries",
                         "UPDATE audit.entries SET action = action WHERE false",
                         "DELETE FROM audit.entries WHERE false",
                         "TRUNCATE audit.entries",
                         "UPDATE audit.seals SET hash = hash WHERE false",
                         "DELETE FROM audit.seals WHERE false",
                         "CREATE TABLE sneaky (id int)",
                         "DELETE FROM schemaversions WHERE false",
                     })
            {
                var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(db, sql));
                Assert.True(refused.SqlState == PermissionDenied, $"{service}: '{sql}' failed with {refused.SqlState} {refused.MessageText}, not a refused privilege");
                checkedRefusals++;
            }

            foreach (var other in LocalAccounts.Services.Where(s => s != service))
            {
                await using var foreign = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(login) { Database = other, Pooling = false }.ConnectionString);
                var refused = await Assert.ThrowsAsync<PostgresException>(() => foreign.OpenAsync());
                Assert.Equal(PermissionDenied, refused.SqlState);
                checkedRefusals++;
            }
        }
        Procedures.TestInfrastructure.Contract.CoverageLines.Record($"least privilege (Postgres): {LocalAccounts.Services.Count} logins, {checkedRefusals} refusals checked");
    }

    [Fact]
    public async Task A_services_broker_user_cannot_bind_or_consume_another_services_queue_nor_use_the_management_api()
    {
        using var management = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{system.RabbitMqManagementPort}") };
        var queues = (await GetAsync(management, "/api/queues", LocalAccounts.Operator, LocalAccounts.Operator))
            .EnumerateArray().Select(q => q.GetProperty("name").GetString()!).ToList();

        // Every queue of ours carries its service's prefix, error queues included, or its service's user could not use it
        // (the bus's temporary queue, made only when first needed, is named with the prefix as well).
        var unowned = queues.Where(q => !q.StartsWith("agency-", StringComparison.Ordinal) // the public stream's agency queues
                                        && !LocalAccounts.Services.Any(s => q.StartsWith(s + "-", StringComparison.Ordinal))).ToList();
        Assert.True(unowned.Count == 0, "queues without a service prefix: " + string.Join(", ", unowned));

        // Only the operator and Notifications' management account are administrators; no service's own user has a tag.
        var tagged = (await GetAsync(management, "/api/users", LocalAccounts.Operator, LocalAccounts.Operator)).EnumerateArray()
            .Where(u => u.GetProperty("tags").EnumerateArray().Any()).Select(u => u.GetProperty("name").GetString()!).Order().ToList();
        Assert.Equal(new[] { LocalAccounts.Operator, LocalAccounts.StreamAdmin }.Order(), tagged);

        var refusals = 0;
        foreach (var service in LocalAccounts.Services)
        {
            var uri = new Uri(await ConnectionStringAsync(LocalAccounts.BrokerConnectionName(service)));
            var (user, password) = (Uri.UnescapeDataString(uri.UserInfo.Split(':')[0]), Uri.UnescapeDataString(uri.UserInfo.Split(':')[1]));
            Assert.Equal(service, user);
            using (var request = new HttpRequestMessage(HttpMethod.Get, "/api/overview"))
            {
                request.Headers.Authorization = Basic(user, password);
                using var answer = await management.SendAsync(request);
                Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode); // "Not management user"
                refusals++;
            }

            await using var connection = await new ConnectionFactory { Uri = uri }.CreateConnectionAsync();
            var foreign = queues.First(q => !q.StartsWith(service + "-", StringComparison.Ordinal)
                                            && LocalAccounts.Services.Any(s => q.StartsWith(s + "-", StringComparison.Ordinal)));
            const string exchange = "Procedures.Contracts:DossierSubmitted";

            // Positive control: it may declare a queue of its own and bind it to a contract's exchange.
            await using var ownChannel = await connection.CreateChannelAsync();
            var own = $"{service}-privilege-probe-{Guid.NewGuid():N}";
            await ownChannel.QueueDeclareAsync(own, durable: false, exclusive: true, autoDelete: true);
            await ownChannel.ExchangeDeclarePassiveAsync(exchange);
            await ownChannel.QueueBindAsync(own, exchange, "");

            foreach (var (what, attempt) in new (string, Func<IChannel, Task>)[]
                     {
                         ($"bind {foreign}", c => c.QueueBindAsync(foreign, exchange, "")),
                         ($"consume {foreign}", c => c.BasicConsumeAsync(foreign, autoAck: false, new AsyncEventingBasicConsumer(c))),
                         ($"read {foreign}", c => c.BasicGetAsync(foreign, autoAck: false)),
                         ($"declare {foreign}-x", c => c.QueueDeclareAsync(foreign + "-x", durable: true, exclusive: false, autoDelete: false)),
                         ($"purge {foreign}", c => c.QueuePurgeAsync(foreign)),
                         // MassTransit's exchange in front of the other queue: tapping its messages into a queue of one's own.
                         ($"bind {own} to {foreign}'s exchange", c => c.QueueBindAsync(own, foreign, "")),
                     })
            {
                await using var channel = await connection.CreateChannelAsync();
                var refused = await Assert.ThrowsAsync<OperationInterruptedException>(() => attempt(channel));
                Assert.True(refused.ShutdownReason?.ReplyCode == 403, $"{service} {what}: {refused.ShutdownReason}");
                refusals++;
            }
        }
        Procedures.TestInfrastructure.Contract.CoverageLines.Record($"least privilege (RabbitMQ): {LocalAccounts.Services.Count} users, {queues.Count} queues, {refusals} refusals checked");
    }

    private static AuthenticationHeaderValue Basic(string user, string password)
        => new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)));

    private static async Task<JsonElement> GetAsync(HttpClient management, string path, string user, string password)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = Basic(user, password);
        using var answer = await management.SendAsync(request);
        answer.EnsureSuccessStatusCode();
        return await answer.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task ExecuteAsync(NpgsqlConnection db, string sql)
    {
        await using var command = new NpgsqlCommand(sql, db);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection db, string sql)
    {
        await using var command = new NpgsqlCommand(sql, db);
        return await command.ExecuteScalarAsync();
    }
}

/// <summary>deploy/k8s gives each service's broker user the same rights as local mode: one rule, checked, not copied.</summary>
public sealed class KubernetesBrokerPermissionTests
{
    [Fact]
    public void The_kubernetes_broker_permissions_are_the_local_rule()
    {
        var documents = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "deploy/k8s/base/rabbitmq.yaml")).Split("\n---\n");
        foreach (var service in LocalAccounts.Services)
        {
            var permission = Assert.Single(documents, d => d.Contains("kind: Permission\n", StringComparison.Ordinal)
                                                           && d.Contains($"\n  name: {service}\n", StringComparison.Ordinal));
            foreach (var kind in new[] { "configure", "write", "read" })
                Assert.Contains($"    {kind}: '{LocalAccounts.BrokerPermission(service)}'\n", permission + "\n", StringComparison.Ordinal);
        }
    }
}

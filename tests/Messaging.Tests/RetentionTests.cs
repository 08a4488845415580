using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Procedures.Messaging.Migrations;
using Procedures.TestInfrastructure;

namespace Procedures.Messaging.Tests;

[Collection(InfrastructureCollection.Name)]
public sealed class RetentionTests(InfrastructureFixture infra)
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 3, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Rows_past_their_retention_are_deleted_in_batches_and_nothing_unsent_recent_or_in_flight()
    {
        DapperTypes.Register();
        var connectionString = infra.NewDatabase("retention");
        await DatabaseMigrator.MigrateAsync(connectionString, typeof(RetentionTests).Assembly, NullLogger.Instance);
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using (var c = await db.OpenConnectionAsync())
        {
            // Outbox: five sent 8 days ago (past 7), one sent 6 days ago, one never sent though created 60 days ago.
            await c.ExecuteAsync("""
                INSERT INTO messaging.outbox (message_id, message_type, body, created_at, sent_at)
                SELECT gen_random_uuid(), 'old-sent', '{}', @now - interval '8 days', @now - interval '8 days' FROM generate_series(1, 5);
                INSERT INTO messaging.outbox (message_id, message_type, body, created_at, sent_at)
                VALUES (gen_random_uuid(), 'recent-sent', '{}', @now - interval '6 days', @now - interval '6 days'),
                       (gen_random_uuid(), 'unsent', '{}', @now - interval '60 days', NULL);
                INSERT INTO messaging.inbox (message_id, consumer, processed_at)
                VALUES (gen_random_uuid(), 'old', @now - interval '31 days'), (gen_random_uuid(), 'old', @now - interval '40 days'),
                       (gen_random_uuid(), 'recent', @now - interval '29 days');
                INSERT INTO messaging.idempotency (client_id, key, request_hash, state, locked_until, created_at) VALUES
                    ('c', 'old-completed', '\x00', 'completed', @now - interval '31 days', @now - interval '31 days'),
                    ('c', 'recent-completed', '\x00', 'completed', @now - interval '29 days', @now - interval '29 days'),
                    ('c', 'old-still-leased', '\x00', 'in-flight', @now + interval '10 seconds', @now - interval '31 days');
                """, new { now = Now });
        }
        var retention = new MessagingRetention(db, new TestClock(Now), Options.Create(new RetentionOptions { Batch = 2 }),
            NullLogger<MessagingRetention>.Instance);

        var pruned = await retention.PruneAsync(CancellationToken.None);

        // Five old outbox rows at two per statement: the pass went on until a statement found fewer than a batch.
        Assert.Equal(new MessagingRetention.Pruned(5, 2, 1), pruned);
        await using var check = await db.OpenConnectionAsync();
        Assert.Equal(["recent-sent", "unsent"], await check.QueryAsync<string>("SELECT message_type FROM messaging.outbox ORDER BY message_type"));
        Assert.Equal(["recent"], await check.QueryAsync<string>("SELECT consumer FROM messaging.inbox"));
        Assert.Equal(["old-still-leased", "recent-completed"], await check.QueryAsync<string>("SELECT key FROM messaging.idempotency ORDER BY key"));
        Assert.Equal(new MessagingRetention.Pruned(0, 0, 0), await retention.PruneAsync(CancellationToken.None));
    }
}

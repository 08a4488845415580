using System.Collections.Concurrent;
using System.Diagnostics;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Procedures.Messaging.Audit;
using Procedures.Messaging.Outbox;
using Procedures.TestInfrastructure;

namespace Procedures.Messaging.Tests;

/// <summary>
/// Issue 23: a background pass that finds nothing starts no trace. An ActivityListener that records every source (as an
/// exporter would, whatever the sampling) watches the service-shaped host's own database while its relay and audit
/// chainer pass over empty tables; only activities about this host's database or its messages count (other test
/// classes run in parallel in this process).
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class IdleTracingTests(InfrastructureFixture infra)
{
    private static readonly ActivitySource TestSource = new("Procedures.Tests.IdleTracing");

    [Fact]
    public async Task Idle_relay_and_audit_passes_record_no_activity_while_work_inside_an_operation_is_traced()
    {
        await using var host = await MessagingHost.StartAsync(infra);
        var database = new NpgsqlConnectionStringBuilder(host.ConnectionString).Database!;
        var relay = host.Host.Services.GetServices<IHostedService>().OfType<OutboxRelay>().Single();
        using var recorded = new Recorder(database);

        // Idle passes, called here so they certainly ran inside the window (the host's own loops pass too meanwhile).
        Assert.Equal(0, await relay.RelayBatchAsync(CancellationToken.None));
        Assert.Equal(0, await AuditChain.SealAsync(host.Db, AuditChainer.Batch, CancellationToken.None));
        Assert.Empty(recorded.OfDatabase);

        // The listener does see this database's commands when they run inside an operation.
        using (TestSource.StartActivity("an operation"))
        await using (var connection = await host.Db.OpenConnectionAsync())
            await connection.ExecuteScalarAsync<int>("SELECT 1");
        Assert.Single(recorded.OfDatabase);
    }

    [Fact]
    public async Task A_relay_pass_that_finds_a_row_records_its_activity()
    {
        await using var host = await MessagingHost.StartAsync(infra);
        var database = new NpgsqlConnectionStringBuilder(host.ConnectionString).Database!;
        using var recorded = new Recorder(database);

        var ping = await host.PublishPingAsync("traced");
        await host.WaitForEffectAsync(ping);

        await using var connection = await host.Db.OpenConnectionAsync();
        var messageId = await connection.ExecuteScalarAsync<Guid>("SELECT message_id FROM messaging.outbox WHERE body->>'id' = @id", new { id = ping.ToString() });
        await Eventually.Until(() => Task.FromResult(recorded.All.Any(a => a.OperationName == "outbox relay"
                && a.GetTagItem("messaging.message.id")?.ToString() == messageId.ToString())),
            TimeSpan.FromSeconds(10), "the relay's activity for the row");
    }

    /// <summary>Every activity of every source, sampled and recorded, as an exporter with AlwaysOn sampling sees them.</summary>
    private sealed class Recorder : IDisposable
    {
        private readonly ActivityListener _listener;
        private readonly string _database;

        public ConcurrentQueue<Activity> All { get; } = new();

        public Recorder(string database)
        {
            _database = database;
            _listener = new ActivityListener
            {
                ShouldListenTo = _ => true,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStarted = All.Enqueue,
            };
            ActivitySource.AddActivityListener(_listener);
        }

        /// <summary>Database activities whose tags name this host's database.</summary>
        public IReadOnlyList<Activity> OfDatabase => All.Where(a => a.Source.Name == "Npgsql"
            && a.TagObjects.Any(t => t.Value is string v && v.Contains(_database, StringComparison.Ordinal))).ToList();

        public void Dispose() => _listener.Dispose();
    }
}

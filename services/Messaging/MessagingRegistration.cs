using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Procedures.Messaging.Audit;
using Procedures.Messaging.Inbox;
using Procedures.Messaging.Migrations;
using Procedures.Messaging.Outbox;

namespace Procedures.Messaging;

public static class MessagingRegistration
{
    /// <summary>
    /// The service's own database (migrated at start-up), MassTransit on RabbitMQ with quorum queues,
    /// the outbox relay and the inbox consumer services, the audit chainer and retention. A service calls it through
    /// ServiceDefaults' <c>AddServiceMessaging</c>, which names the connections and adds the HTTP pieces kept in this
    /// database (request audit, Idempotency-Key).
    /// </summary>
    /// <param name="service">Short service name: prefixes its queue names so services never share a queue.</param>
    /// <param name="databaseName">Connection-string name of the service's database (AppHost resource name).</param>
    /// <param name="scripts">Assembly whose embedded Sql/*.sql files are the service's migrations.</param>
    /// <param name="migrationsConnectionName">Connection-string name of the owner role that migrates (see <see cref="MigrationSettings"/>);
    /// none: the service's own connection migrates (test fixtures).</param>
    public static IHostApplicationBuilder AddProceduresMessaging(
        this IHostApplicationBuilder builder, string service, string databaseName, System.Reflection.Assembly scripts,
        Action<IBusRegistrationConfigurator>? consumers = null, string? migrationsConnectionName = null)
    {
        var migration = MigrationSettings.From(builder.Configuration, databaseName, migrationsConnectionName);
        if (builder.Configuration.GetValue<bool>("Database:MigrateOnly"))
            MigrationSettings.MigrateAndExit(migration, scripts); // k8s init container
        var connectionString = builder.Configuration.GetConnectionString(databaseName)
            ?? throw new InvalidOperationException($"Connection string '{databaseName}' is missing.");
        var rabbit = builder.Configuration.GetConnectionString("rabbitmq")
            ?? throw new InvalidOperationException("Connection string 'rabbitmq' is missing.");

        DapperTypes.Register();
        builder.Services.Configure<MessagingOptions>(builder.Configuration.GetSection("Messaging"));
        builder.Services.Configure<RetentionOptions>(builder.Configuration.GetSection("Messaging:Retention"));
        builder.Services.AddSingleton(_ =>
        {
            var source = new NpgsqlDataSourceBuilder(connectionString).TraceOnlyWithinOperations();
            // No session reset when a connection goes back to the pool: the reset is a DISCARD ALL on the connection's next
            // use, one per open (~175 of the ~1,420 statements of a dossier's lifecycle in pg_stat_statements). Nothing of
            // ours needs it: Npgsql still rolls back a transaction left open, advisory locks are transaction-scoped
            // (pg_advisory_xact_lock), SET is only SET TRANSACTION, and the connections that do keep session state (the
            // ChannelListener's LISTEN, the Notifications StreamPublisher's LISTEN and session lock) end it through
            // PooledSession before they go back.
            source.ConnectionStringBuilder.NoResetOnClose = true;
            // Every instance of every service shares one server: bound each pool (unless the connection string does), so
            // twelve instances under load queue for a connection in process instead of exhausting max_connections
            // (53300 "too many clients" surfaced with two replicas of every service). Requests that wait too long get 503.
            if (!connectionString.Contains("Pool Size", StringComparison.OrdinalIgnoreCase))
                source.ConnectionStringBuilder.MaxPoolSize = builder.Configuration.GetValue("Database:MaxPoolSize", 40);
            return source.Build();
        });
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ConsumerServices>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");

        // Registered before the bus so tables exist before any consumer or the relay runs.
        // Database:MigrateOnStart=false where an init container has migrated (k8s): the service's login may not migrate.
        if (builder.Configuration.GetValue("Database:MigrateOnStart", true))
            builder.Services.AddHostedService(sp => new MigrationHostedService(migration, scripts,
                sp.GetRequiredService<ILogger<MigrationHostedService>>()));

        builder.Services.AddMassTransit(x =>
        {
            x.SetEndpointNameFormatter(new KebabCaseEndpointNameFormatter(service, includeNamespace: false));
            consumers?.Invoke(x);
            x.AddConfigureEndpointsCallback((context, _, endpoint) =>
            {
                var options = context.GetRequiredService<Microsoft.Extensions.Options.IOptions<MessagingOptions>>().Value;
                if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbitEndpoint)
                {
                    rabbitEndpoint.SetQuorumQueue();
                    rabbitEndpoint.SetQueueArgument("x-delivery-limit", options.QueueDeliveryLimit);
                    rabbitEndpoint.PrefetchCount = options.PrefetchCount;
                }
            });
            x.UsingRabbitMq((context, cfg) =>
            {
                var nodes = BrokerNodes.From(builder.Configuration);
                cfg.Host(new Uri(rabbit), h =>
                {
                    if (nodes.Count > 0) h.UseCluster(c => { foreach (var (host, port) in nodes) c.Node($"{host}:{port}"); });
                });
                // The bus's own temporary queue carries the service prefix too: the service's broker user may only touch
                // queues and exchanges named with it (issue 20).
                cfg.OverrideDefaultBusEndpointQueueName($"{service}-bus-{NewId.NextGuid():N}");
                cfg.ConfigureEndpoints(context);
            });
        });
        // Start-up completes only once the receive endpoints are bound: a message published before its
        // queue is bound to the exchange would be dropped by the broker.
        builder.Services.Configure<MassTransitHostOptions>(o =>
        {
            o.WaitUntilStarted = true;
            o.StartTimeout = TimeSpan.FromSeconds(90);
            o.StopTimeout = TimeSpan.FromSeconds(30);
        });
        builder.Services.AddHostedService<OutboxRelay>();
        builder.Services.AddHostedService<Audit.AuditChainer>();
        builder.Services.AddHostedService<MessagingRetention>();
        return builder;
    }
}

internal sealed class MigrationHostedService(MigrationSettings migration, System.Reflection.Assembly scripts, ILogger logger)
    : IHostedService
{
    /// <summary>Waits (up to about a minute) for the database server, which may still be starting beside us.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await DatabaseMigrator.MigrateAsync(migration.ConnectionString, scripts, logger, migration.RuntimeLogin, cancellationToken);
                return;
            }
            catch (Exception ex) when (attempt < 60 && DatabaseFailures.ShouldRetryLater(ex)) // e.g. 57P03: the database system is starting up
            {
                logger.LogWarning("Database not reachable yet (attempt {Attempt}): {Reason}", attempt, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Procedures.Messaging;
using Procedures.Messaging.Inbox;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests;

/// <summary>
/// A service's consumers on a real database migrated with its scripts, driven through MassTransit's test harness (which
/// stands in for the transport only: what is under test is each consumer's effect, inbox and outbox rows).
/// </summary>
internal sealed class ConsumerHarness : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    private ConsumerHarness(NpgsqlDataSource db, ServiceProvider provider)
        => (Db, _provider, Harness) = (db, provider, provider.GetRequiredService<ITestHarness>());

    public NpgsqlDataSource Db { get; }
    public ITestHarness Harness { get; }

    /// <param name="services">The consumers' own dependencies (options, providers) beyond the database, clock and inbox.</param>
    public static async Task<ConsumerHarness> StartAsync(InfrastructureFixture infra, string prefix, System.Reflection.Assembly scripts,
        Action<IBusRegistrationConfigurator> consumers, Action<IServiceCollection>? services = null)
    {
        var db = await ServiceDatabase.CreateAsync(infra, prefix, scripts);
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddSingleton(db);
        collection.AddSingleton(TimeProvider.System);
        collection.Configure<MessagingOptions>(o => o.ImmediateRetries = 0);
        collection.AddSingleton<ConsumerServices>();
        services?.Invoke(collection);
        collection.AddMassTransitTestHarness(consumers);
        var harness = new ConsumerHarness(db, collection.BuildServiceProvider(validateScopes: true));
        await harness.Harness.Start();
        return harness;
    }

    public async ValueTask DisposeAsync()
    {
        await Harness.Stop();
        await _provider.DisposeAsync();
        await Db.DisposeAsync();
    }
}

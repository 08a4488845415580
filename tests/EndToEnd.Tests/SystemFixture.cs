using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Procedures.Contracts;
using Procedures.TestInfrastructure;

namespace Procedures.EndToEnd.Tests;

/// <summary>
/// The whole system through the real AppHost (Aspire.Hosting.Testing): every service, Postgres and RabbitMQ as
/// the run command starts them, but on free ports and a fresh data folder. One app per test collection,
/// because starting and stopping it costs tens of seconds.
/// </summary>
public sealed class SystemFixture : IAsyncLifetime
{
    public static readonly string[] Services =
    [
        ResourceNames.Intake, ResourceNames.Processing, ResourceNames.Payment, ResourceNames.PortalSync,
        ResourceNames.Reporting, ResourceNames.Notifications, ResourceNames.Sandbox,
    ];

    private readonly string _data = Path.Combine(Path.GetTempPath(), "procedures-e2e-" + Guid.NewGuid().ToString("N")[..8]);

    public DistributedApplication App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
        [
            $"Infrastructure:DataDir={_data}",
            $"Infrastructure:PostgresPort={FreePort.Next()}",
            $"Infrastructure:RabbitMqPort={FreePort.Next()}",
            $"Infrastructure:RabbitMqManagementPort={FreePort.Next()}",
            $"Infrastructure:RabbitMqDistributionPort={FreePort.Next()}",
            // The fuzz test sends thousands of requests from one address; rate limiting is not what it tests.
            "Hardening:RequestsPerMinutePerClient=1000000",
        ]);
        App = await builder.BuildAsync();
        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await App.StartAsync(startup.Token);
        foreach (var service in Services)
            await App.ResourceNotifications.WaitForResourceHealthyAsync(service, startup.Token);
    }

    public HttpClient Client(string service) => App.CreateHttpClient(service);

    public async Task DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        try { Directory.Delete(_data, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class SystemCollection : ICollectionFixture<SystemFixture>
{
    public const string Name = "system";
}

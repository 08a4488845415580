using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Procedures.Contracts;
using Procedures.TestInfrastructure;

namespace Procedures.EndToEnd.Tests;

/// <summary>
/// The whole system through the real AppHost (Aspire.Hosting.Testing): every service, Postgres and RabbitMQ as
/// the run command starts them, but on free ports and a fresh data folder. One app per test collection,
/// because starting and stopping it costs tens of seconds.
/// </summary>
public class SystemFixture : IAsyncLifetime
{
    public static readonly string[] Services =
    [
        ResourceNames.Intake, ResourceNames.Processing, ResourceNames.Payment, ResourceNames.PortalSync,
        ResourceNames.Reporting, ResourceNames.Notifications, ResourceNames.Sandbox,
    ];

    private readonly string _data = Path.Combine(Path.GetTempPath(), "procedures-e2e-" + Guid.NewGuid().ToString("N")[..8]);

    public DistributedApplication App { get; private set; } = null!;

    /// <summary>This system's private Postgres (password "procedures-dev") and RabbitMQ management (guest) ports.</summary>
    public int PostgresPort { get; } = FreePort.Next();
    public int RabbitMqPort { get; } = FreePort.Next();
    public int RabbitMqManagementPort { get; } = FreePort.Next();

    /// <summary>Changes to single resources for a variant of the system (e.g. faster payment reconciliation).</summary>
    protected virtual void Customize(IDistributedApplicationTestingBuilder builder) { }

    /// <summary>More AppHost settings for a variant of the system (e.g. every service as two replicas).</summary>
    protected virtual IEnumerable<string> ExtraArguments => [];

    /// <summary>E2E_REPLICAS=2 runs every end-to-end system with that many instances of each service (the scale-out check).</summary>
    private static IEnumerable<string> ReplicaArguments
        => int.TryParse(Environment.GetEnvironmentVariable("E2E_REPLICAS"), out var replicas) ? [$"Infrastructure:Replicas={replicas}"] : [];

    /// <summary>Every log line every resource wrote since start-up (for checks on what logs may carry).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Logs { get; } = new();


    public async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
        [
            $"Infrastructure:DataDir={_data}",
            $"Infrastructure:PostgresPort={PostgresPort}",
            $"Infrastructure:RabbitMqPort={RabbitMqPort}",
            $"Infrastructure:RabbitMqManagementPort={RabbitMqManagementPort}",
            $"Infrastructure:RabbitMqDistributionPort={FreePort.Next()}",
            // The fuzz test sends thousands of requests from one address; rate limiting is not what it tests.
            "Hardening:RequestsPerMinutePerClient=1000000",
            "Hardening:PublicLookupsPerMinutePerAddress=1000000",
            .. ReplicaArguments,
            .. ExtraArguments,
        ]);
        Customize(builder);
        // Aspire forwards every resource's console output to the host's loggers: keep a copy of each line.
        builder.Services.AddLogging(logging => logging.AddProvider(new CapturingLoggerProvider(Logs)));
        App = await builder.BuildAsync();
        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await App.StartAsync(startup.Token);
        foreach (var service in Services)
            await App.ResourceNotifications.WaitForResourceHealthyAsync(service, startup.Token);

        // Healthy is not yet answering on a starved machine (the first request JIT-compiles the path): ask again,
        // each attempt bounded, until the catalogue answers or the start-up budget is spent.
        using var intake = Client(ResourceNames.Intake);
        intake.Timeout = TimeSpan.FromSeconds(30);
        var procedure = await Eventually.Until(async () =>
        {
            try
            {
                return await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.JsonElement?>(
                    intake, $"/api/v1/procedures/{Submissions.ProcedureCode}", startup.Token);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !startup.IsCancellationRequested) { return null; }
        }, p => p is not null, TimeSpan.FromMinutes(3), "Intake's catalogue to answer");
        Submissions.RequiredComponents = procedure!.Value.GetProperty("current").GetProperty("documents").EnumerateArray()
            .Where(d => d.GetProperty("required").GetBoolean()).Select(d => d.GetProperty("code").GetString()!).ToList();
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

/// <summary>Keeps every formatted log line (resource output arrives as log entries of the test host).</summary>
internal sealed class CapturingLoggerProvider(System.Collections.Concurrent.ConcurrentQueue<string> lines) : Microsoft.Extensions.Logging.ILoggerProvider
{
    public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

    public void Dispose() { }

    private sealed class Logger(string category, System.Collections.Concurrent.ConcurrentQueue<string> lines) : Microsoft.Extensions.Logging.ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state,
            Exception? exception, Func<TState, Exception?, string> formatter)
            => lines.Enqueue($"{category}: {formatter(state, exception)} {exception}");
    }
}

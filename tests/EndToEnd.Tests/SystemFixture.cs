using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Procedures.Contracts;
using Procedures.TestInfrastructure;
using Procedures.TestInfrastructure.Contract;

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

    private string _data = NewDataFolder();

    public DistributedApplication App { get; private set; } = null!;

    /// <summary>This system's private Postgres (password "procedures-dev") and RabbitMQ management (guest) ports.</summary>
    public int PostgresPort { get; private set; } = FreePort.Next();
    public int RabbitMqPort { get; private set; } = FreePort.Next();
    public int RabbitMqManagementPort { get; private set; } = FreePort.Next();

    /// <summary>Changes to single resources for a variant of the system (e.g. faster payment reconciliation).</summary>
    protected virtual void Customize(IDistributedApplicationTestingBuilder builder) { }

    /// <summary>How long a start may take before it is described and tried again.</summary>
    protected virtual TimeSpan StartBudget => TimeSpan.FromMinutes(4);

    /// <summary>More AppHost settings for a variant of the system (e.g. every service as two replicas).</summary>
    protected virtual IEnumerable<string> ExtraArguments => [];

    /// <summary>E2E_REPLICAS=2 runs every end-to-end system with that many instances of each service (the scale-out check).</summary>
    private static IEnumerable<string> ReplicaArguments
        => int.TryParse(Environment.GetEnvironmentVariable("E2E_REPLICAS"), out var replicas) ? [$"Infrastructure:Replicas={replicas}"] : [];

    /// <summary>Every log line every resource wrote since start-up (for checks on what logs may carry).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> Logs { get; } = new();

    private static string NewDataFolder() => Path.Combine(Path.GetTempPath(), "procedures-e2e-" + Guid.NewGuid().ToString("N")[..8]);

    public async Task InitializeAsync()
    {
        // A start that does not finish is described (every resource's state and its last lines) and tried once more on
        // new ports and a new data folder: the machine is shared, and one stuck server process should not fail every test.
        // A second failure fails the collection with both descriptions.
        try
        {
            await StartAsync();
        }
        catch (StartFailed first)
        {
            Console.Error.WriteLine(first.Message);
            await StopAsync();
            (PostgresPort, RabbitMqPort, RabbitMqManagementPort, _data) = (FreePort.Next(), FreePort.Next(), FreePort.Next(), NewDataFolder());
            try
            {
                await StartAsync();
            }
            catch (StartFailed second)
            {
                throw new InvalidOperationException(first.Message + "\n" + second.Message, second.InnerException);
            }
        }
    }

    private async Task StartAsync()
    {
        Logs.Clear();
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
            // Every refused request of the tests is audited (the per-caller budget of security events would suppress some).
            "Hardening:SecurityEventsAuditedPerMinute=1000000",
            .. ReplicaArguments,
            .. ExtraArguments,
        ]);
        Customize(builder);
        // Every answer a test gets from one of our services is checked against that service's committed OpenAPI
        // document (ContractCheckingHandler): one named client per service, pooled by the factory like the default one.
        foreach (var service in Services)
            builder.Services.AddHttpClient(ContractClientName(service)).AddHttpMessageHandler(() => new ContractCheckingHandler(service));
        // Aspire forwards every resource's console output to the host's loggers: keep a copy of each line.
        builder.Services.AddLogging(logging => logging.AddProvider(new CapturingLoggerProvider(Logs)));
        App = await builder.BuildAsync();
        var states = new System.Collections.Concurrent.ConcurrentDictionary<string, CustomResourceSnapshot>();
        using var watching = new CancellationTokenSource();
        var watcher = Watch(App.ResourceNotifications, states, watching.Token);
        var budget = StartBudget;
        using var startup = new CancellationTokenSource(budget);
        var phase = "the AppHost to start its resources (Postgres and RabbitMQ ready, the sandbox running)";
        try
        {
            await App.StartAsync(startup.Token);
            foreach (var service in Services)
            {
                phase = $"{service} to report healthy";
                await App.ResourceNotifications.WaitForResourceHealthyAsync(service, startup.Token);
            }
            phase = "Intake's catalogue to answer";
            await FetchRequiredComponentsAsync(startup.Token);
            phase = "the sandbox portal to store the citizens' reusable result";
            using (var sandbox = Client(ResourceNames.Sandbox))
                foreach (var citizen in Submissions.Citizens)
                    await Submissions.StoreResultAsync(sandbox, citizen);
            phase = "Reporting to receive the register of agencies (Intake publishes it at start)";
            using (var reporting = Client(ResourceNames.Reporting))
                await Eventually.Until(async () =>
                {
                    using var r = await reporting.GetAsync("/api/v1/kpi/index?agency=26740.H29", startup.Token);
                    return r.StatusCode;
                }, s => s == System.Net.HttpStatusCode.OK, TimeSpan.FromMinutes(2), "Reporting to know agency 26740.H29");
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            throw new StartFailed($"The system did not start within {budget.TotalMinutes:0.#} min: it was waiting for {phase}.\n{Describe(states)}", e);
        }
        finally
        {
            await watching.CancelAsync();
            await watcher;
        }
    }

    private static async Task Watch(ResourceNotificationService notifications,
        System.Collections.Concurrent.ConcurrentDictionary<string, CustomResourceSnapshot> states, CancellationToken stop)
    {
        try
        {
            await foreach (var change in notifications.WatchAsync(stop))
                states[change.ResourceId] = change.Snapshot;
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>
    /// One line with every process's state (and health, exit code), then the last lines of each that is in trouble:
    /// ended, failed to start, or running and not healthy. Short, because CI shows only the tail of its output.
    /// </summary>
    private string Describe(System.Collections.Concurrent.ConcurrentDictionary<string, CustomResourceSnapshot> states)
    {
        static string Name(string id) => id[..(id.LastIndexOf('-') is > 0 and var dash ? dash : id.Length)];
        var processes = states.Where(s => !s.Value.IsHidden && s.Value.ResourceType is not ("Parameter" or "ConnectionString"))
            .OrderBy(s => s.Key).ToList();
        var text = new System.Text.StringBuilder("  ");
        text.AppendLine(string.Join("; ", processes
            .GroupBy(p => (p.Value.State?.Text ?? "-") + (p.Value.HealthStatus is { } health ? $"/{health}" : "")
                + (p.Value.ExitCode is { } code ? $" exit {code}" : ""))
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(p => Name(p.Key)))}")));
        var lines = Logs.ToArray();
        foreach (var (id, snapshot) in processes)
        {
            var inTrouble = snapshot.State?.Text is "Exited" or "FailedToStart" or "Finished"
                || (snapshot.State?.Text == "Running" && snapshot.HealthStatus is not (null or Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy));
            if (!inTrouble) continue;
            foreach (var report in snapshot.HealthReports.Where(r => r.Status != Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy))
                text.AppendLine($"    {Name(id)} {report.Name}: {report.Status} {report.Description ?? report.ExceptionText}");
            foreach (var line in lines.Where(l => l.StartsWith($"AppHost.Resources.{Name(id)}:", StringComparison.Ordinal)).TakeLast(10))
                text.AppendLine("    | " + line.Trim());
        }
        return text.ToString();
    }

    private sealed class StartFailed(string message, Exception inner) : Exception(message, inner);

    private async Task FetchRequiredComponentsAsync(CancellationToken startup)
    {
        // Healthy is not yet answering on a starved machine (the first request JIT-compiles the path): ask again,
        // each attempt bounded, until the catalogue answers or the start-up budget is spent.
        using var intake = Client(ResourceNames.Intake);
        intake.Timeout = TimeSpan.FromSeconds(30);
        var procedure = await Eventually.Until(async () =>
        {
            try
            {
                return await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.JsonElement?>(
                    intake, $"/api/v1/procedures/{Submissions.ProcedureCode}", startup);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !startup.IsCancellationRequested) { return null; }
        }, p => p is not null, TimeSpan.FromMinutes(3), "Intake's catalogue to answer");
        Submissions.RequiredComponents = procedure!.Value.GetProperty("current").GetProperty("documents").EnumerateArray()
            .Where(d => d.GetProperty("required").GetBoolean()).Select(d => d.GetProperty("code").GetString()!).ToList();
    }

    /// <summary>
    /// A client of one of our services, on its endpoint as CreateHttpClient picks it, whose every answer is checked
    /// against the service's committed OpenAPI document (a violation fails the request's test; CONTRACT_CHECK=report
    /// records it instead).
    /// </summary>
    public HttpClient Client(string service)
    {
        var client = App.Services.GetRequiredService<IHttpClientFactory>().CreateClient(ContractClientName(service));
        client.BaseAddress = App.GetEndpoint(service);
        return client;
    }

    private static string ContractClientName(string service) => "contract-checked-" + service;

    public Task DisposeAsync() => StopAsync();

    private async Task StopAsync()
    {
        if (App is not null)
        {
            using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            try { await App.StopAsync(patience.Token); }
            catch (OperationCanceledException) { Console.Error.WriteLine("The system did not stop within 2 minutes; disposing it."); }
            await App.DisposeAsync();
        }
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

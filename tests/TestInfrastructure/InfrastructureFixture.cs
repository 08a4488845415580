using Npgsql;
using RabbitMQ.Client;
using Xunit;

namespace Procedures.TestInfrastructure;

/// <summary>
/// Real PostgreSQL and RabbitMQ for integration tests: private instances on free ports, started through the
/// project's own deploy/local scripts in a temporary folder; or existing ones named by the environment
/// (PROCEDURES_TEST_POSTGRES = a Npgsql connection string without database, PROCEDURES_TEST_RABBITMQ = an amqp URI).
/// Broker restarts are only possible on an instance the fixture started.
/// </summary>
public sealed class InfrastructureFixture : IAsyncLifetime
{
    private const string Password = "procedures-test";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "procedures-test-" + Guid.NewGuid().ToString("N")[..8]);
    private ServerProcess? _postgres;
    private ServerProcess? _rabbit;
    private int _amqpPort;
    private string[] _rabbitArgs = [];

    public string PostgresServer { get; private set; } = "";
    public Uri RabbitMq { get; private set; } = null!;

    /// <summary>The broker's management API (PROCEDURES_TEST_RABBITMQ_MANAGEMENT for an existing broker), or null if unknown.</summary>
    public Uri? RabbitMqManagement { get; private set; }
    public bool OwnsBroker => _rabbit is not null;

    public async Task InitializeAsync()
    {
        var pg = Environment.GetEnvironmentVariable("PROCEDURES_TEST_POSTGRES");
        var rabbit = Environment.GetEnvironmentVariable("PROCEDURES_TEST_RABBITMQ");
        var starts = new List<Task>();
        if (string.IsNullOrEmpty(pg)) starts.Add(StartPostgresAsync()); else PostgresServer = pg;
        if (string.IsNullOrEmpty(rabbit)) starts.Add(StartRabbitAsync()); else RabbitMq = new Uri(rabbit);
        if (Environment.GetEnvironmentVariable("PROCEDURES_TEST_RABBITMQ_MANAGEMENT") is { Length: > 0 } management) RabbitMqManagement = new Uri(management);
        await Task.WhenAll(starts);
    }

    private async Task StartPostgresAsync()
    {
        var port = FreePort.Next();
        _postgres = new ServerProcess("postgres", "run-postgres.sh", Path.Combine(_dir, "postgres"), port.ToString());
        Environment.SetEnvironmentVariable("PROCEDURES_PG_PASSWORD", Password);
        _postgres.Start();
        PostgresServer = $"Host=127.0.0.1;Port={port};Username=postgres;Password={Password}";
        await _postgres.WaitUntilReadyAsync(async ct =>
        {
            await using var c = new NpgsqlConnection(PostgresServer + ";Database=postgres;Pooling=false;Timeout=2");
            await c.OpenAsync(ct);
            return true;
        }, TimeSpan.FromSeconds(60));
    }

    private async Task StartRabbitAsync()
    {
        _amqpPort = FreePort.Next();
        _rabbitArgs = [Path.Combine(_dir, "rabbitmq"), _amqpPort.ToString(), FreePort.Next().ToString(), FreePort.Next().ToString()];
        RabbitMq = new Uri($"amqp://guest:guest@127.0.0.1:{_amqpPort}/");
        RabbitMqManagement = new Uri($"http://127.0.0.1:{_rabbitArgs[2]}/");
        await StartBrokerAsync();
    }

    private async Task StartBrokerAsync()
    {
        _rabbit = new ServerProcess("rabbitmq", "run-rabbitmq.sh", _rabbitArgs);
        _rabbit.Start();
        await _rabbit.WaitUntilReadyAsync(async ct =>
        {
            await using var connection = await new ConnectionFactory { Uri = RabbitMq }.CreateConnectionAsync(ct);
            return connection.IsOpen;
        }, TimeSpan.FromSeconds(90));
    }

    /// <summary>Stops the broker (clean shutdown, as in an outage or a restart); its data stays.</summary>
    public async Task StopBrokerAsync()
    {
        if (_rabbit is null) throw new InvalidOperationException("The broker was not started by this fixture.");
        await _rabbit.StopAsync(TimeSpan.FromSeconds(30));
        await _rabbit.DisposeAsync();
    }

    /// <summary>Starts the broker again on the same port and data (its durable queues and messages survive).</summary>
    public Task RestartBrokerAsync() => StartBrokerAsync();

    /// <summary>A connection string to a database of its own, so tests never see each other's rows.</summary>
    public string NewDatabase(string prefix = "test")
        => $"{PostgresServer};Database={prefix}_{Guid.NewGuid():N}";

    public async Task DisposeAsync()
    {
        var stops = new List<Task>();
        if (_rabbit is not null) stops.Add(_rabbit.DisposeAsync().AsTask());
        if (_postgres is not null) stops.Add(_postgres.DisposeAsync().AsTask());
        await Task.WhenAll(stops);
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

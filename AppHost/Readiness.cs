using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using RabbitMQ.Client;

namespace Procedures.AppHost;

/// <summary>Ready means "answers a real client", not "port open": Postgres opens its port while still recovering.</summary>
internal static class Readiness
{
    public static async Task<HealthCheckResult> PostgresAsync(int port, string password, CancellationToken ct)
    {
        try
        {
            await using var connection = new NpgsqlConnection(
                $"Host=127.0.0.1;Port={port};Username=postgres;Password={password};Database=postgres;Pooling=false;Timeout=3");
            await connection.OpenAsync(ct);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
    }

    public static async Task<HealthCheckResult> RabbitMqAsync(int port, CancellationToken ct)
    {
        try
        {
            var factory = new ConnectionFactory { HostName = "127.0.0.1", Port = port, RequestedConnectionTimeout = TimeSpan.FromSeconds(3) };
            await using var connection = await factory.CreateConnectionAsync(ct);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
    }
}

using Microsoft.Extensions.Hosting;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Procedures.ServiceDefaults;
using Procedures.Contracts;
using Procedures.TestInfrastructure;
using Procedures.TestInfrastructure.Contract;

namespace Procedures.Services.Tests;

/// <summary>
/// A request whose transaction waits on a lock past the command timeout (what a queue of writers on one row looks like
/// on a starved machine) answers 503 with Retry-After through the shared problem handler, not 500, and writes nothing.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class DatabaseBusyTests(InfrastructureFixture infra)
{
    [Fact]
    public async Task A_lock_wait_past_the_command_timeout_answers_503_with_retry_after_and_writes_nothing()
    {
        var connectionString = new NpgsqlConnectionStringBuilder(infra.NewDatabase("busy")) { CommandTimeout = 1 }.ConnectionString;
        await Procedures.Messaging.Migrations.DatabaseMigrator.MigrateAsync(connectionString, typeof(Procedures.Messaging.Outbox.Outbox).Assembly,
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance); // creates the database
        await using var db = NpgsqlDataSource.Create(connectionString);
        await db.OpenConnection().ExecuteAsync("CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL); INSERT INTO counters VALUES (1, 0)");

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddProceduresProblems();
        await using var app = builder.Build();
        app.UseExceptionHandler();
        app.MapPost("/next", async () =>
        {
            await using var connection = await db.OpenConnectionAsync();
            await using var tx = await connection.BeginTransactionAsync();
            await connection.ExecuteAsync("UPDATE counters SET n = n + 1 WHERE id = 1", transaction: tx);
            await tx.CommitAsync();
            return Results.Ok();
        });
        await app.StartAsync();
        // /next stands in for a real write: its 503 is what the shared problem handler gives Intake's submission, so the
        // answer is checked against that operation in Intake's OpenAPI document.
        using var http = ContractCheckingHandler.Client(ResourceNames.Intake,
            new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()), standIn: ("POST", "/api/v1/dossiers"));

        // Another writer holds the row for longer than the command timeout.
        await using var holder = await db.OpenConnectionAsync();
        await using var held = await holder.BeginTransactionAsync();
        await holder.ExecuteAsync("SELECT n FROM counters WHERE id = 1 FOR UPDATE", transaction: held);

        using var response = await http.PostAsync("/next", null);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(Problems.TypePrefix + "database-busy", problem.GetProperty("type").GetString());
        Assert.Contains("Idempotency-Key", problem.GetProperty("title_vi").GetString());
        Assert.Contains("retry", problem.GetProperty("title_en").GetString());
        await held.RollbackAsync();
        Assert.Equal(0, await holder.ExecuteScalarAsync<int>("SELECT n FROM counters WHERE id = 1"));
        await app.StopAsync();
    }
}

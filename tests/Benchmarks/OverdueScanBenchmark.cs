using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Procedures.Calendar;
using Procedures.Messaging;
using Procedures.Messaging.Migrations;
using Procedures.Processing.Calendar;
using Procedures.Processing.Dossiers;
using Procedures.TestInfrastructure;

namespace Procedures.Benchmarks;

/// <summary>
/// Issue 5's figure: the cost of one clock-scan pass over N open dossiers (default 1,000,000) in a real Processing
/// database, (a) catching up on D dossiers that came due at once, (b) in the steady state, when nothing new is due.
/// The table is bulk-loaded with COPY in the shape Processing writes (due moment and at-risk moment precomputed).
/// </summary>
public static class OverdueScanBenchmark
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-07T09:00:00+07:00");

    public static async Task RunAsync(Options options)
    {
        var total = options.Int("dossiers", 1_000_000);
        var due = options.Int("due", 10_000);
        // The scan needs Postgres only; the fixture would otherwise start a broker too.
        Environment.SetEnvironmentVariable("PROCEDURES_TEST_RABBITMQ", "amqp://unused:unused@127.0.0.1:1/");
        var infra = new InfrastructureFixture();
        await infra.InitializeAsync();
        try
        {
            DapperTypes.Register();
            var connectionString = infra.NewDatabase("bench");
            await DatabaseMigrator.MigrateAsync(connectionString, typeof(ClockScan).Assembly, NullLogger.Instance);
            await using var db = NpgsqlDataSource.Create(connectionString);

            var load = Stopwatch.StartNew();
            await LoadAsync(db, total, due);
            Console.WriteLine($"loaded {total:N0} open dossiers in {load.Elapsed.TotalSeconds:F1} s");

            var time = new TestClock(Now);
            var scan = new ClockScan(db, new CalendarProvider(db, time), Microsoft.Extensions.Options.Options.Create(new ClockSettings()), time, NullLogger<ClockScan>.Instance);
            var first = Stopwatch.StartNew();
            var caught = await scan.RunOnceAsync(default);
            first.Stop();
            var steady = new List<double>();
            for (var i = 0; i < 20; i++)
            {
                var sw = Stopwatch.StartNew();
                var pass = await scan.RunOnceAsync(default);
                steady.Add(sw.Elapsed.TotalMilliseconds);
                if (pass.Total != 0) throw new InvalidOperationException("A steady-state pass found work: the partial indexes are wrong");
            }
            steady.Sort();
            var result = new
            {
                scenario = "overdue-scan", openDossiers = total, cameDue = due, raised = caught.AtRisk + caught.Overdue,
                catchUpPassMs = Math.Round(first.Elapsed.TotalMilliseconds, 1),
                steadyPassMsP50 = Math.Round(steady[steady.Count / 2], 2), steadyPassMsMax = Math.Round(steady[^1], 2),
            };
            if (caught.AtRisk != due || caught.Overdue != due)
                throw new InvalidOperationException($"Expected {due} at-risk and {due} overdue, got {caught.AtRisk} and {caught.Overdue}");
            Console.WriteLine($"| open dossiers | came due | events raised | catch-up pass | steady pass p50 | steady pass max |");
            Console.WriteLine($"| {total:N0} | {due:N0} | {result.raised:N0} | {result.catchUpPassMs:N0} ms | {result.steadyPassMsP50} ms | {result.steadyPassMsMax} ms |");
            if (options.Text("json") is { } file) await File.WriteAllTextAsync(file, JsonSerializer.Serialize(result));
        }
        finally
        {
            await infra.DisposeAsync();
        }
    }

    /// <summary>N dossiers in processing; <paramref name="due"/> of them already past due, the rest due over the next 60 days.</summary>
    private static async Task LoadAsync(NpgsqlDataSource db, int total, int due)
    {
        var calendar = WorkingCalendar.Default;
        var random = new Random(766);
        await using var connection = await db.OpenConnectionAsync();
        await using (var writer = await connection.BeginBinaryImportAsync("""
            COPY dossiers (code, procedure_code, receiving_unit, channel, status, sequence, submitted_at, updated_at, deciding_agency,
                           received_at, appointment_at, original_appointment_at, due_at, at_risk_at)
            FROM STDIN (FORMAT BINARY)
            """))
        {
            var progress = Stopwatch.StartNew();
            for (var i = 0; i < total; i++)
            {
                var dueAt = i < due
                    ? Now.AddMinutes(-random.Next(1, 24 * 60))
                    : Now.AddDays(3).AddMinutes(random.Next(0, 57 * 24 * 60));
                var atRisk = calendar.WorkingDaysBefore(dueAt, 1);
                if (i >= due && atRisk <= Now) atRisk = Now.AddMinutes(1);
                var received = dueAt.AddDays(-10);
                await writer.StartRowAsync();
                await writer.WriteAsync($"BENCH-{i:D7}", NpgsqlDbType.Text);
                await writer.WriteAsync("1.003677", NpgsqlDbType.Text);
                await writer.WriteAsync($"{26700 + i % 168}.H29", NpgsqlDbType.Text);
                await writer.WriteAsync((short)2, NpgsqlDbType.Smallint);
                await writer.WriteAsync((short)4, NpgsqlDbType.Smallint);
                await writer.WriteAsync(3L, NpgsqlDbType.Bigint);
                await writer.WriteAsync(received.UtcDateTime, NpgsqlDbType.TimestampTz);
                await writer.WriteAsync(received.UtcDateTime, NpgsqlDbType.TimestampTz);
                await writer.WriteAsync($"{26700 + i % 168}.H29", NpgsqlDbType.Text);
                await writer.WriteAsync(received.UtcDateTime, NpgsqlDbType.TimestampTz);
                await writer.WriteAsync(dueAt.UtcDateTime, NpgsqlDbType.TimestampTz);
                await writer.WriteAsync(dueAt.UtcDateTime, NpgsqlDbType.TimestampTz);
                await writer.WriteAsync(dueAt.UtcDateTime, NpgsqlDbType.TimestampTz);
                await writer.WriteAsync(atRisk.UtcDateTime, NpgsqlDbType.TimestampTz);
                if ((i + 1) % 100_000 == 0)
                {
                    var rate = (i + 1) / progress.Elapsed.TotalSeconds;
                    Console.Write($"\rloading: {i + 1:N0}/{total:N0} at {rate:N0}/s, {progress.Elapsed.TotalSeconds:F0} s elapsed, ~{(total - i - 1) / rate:F0} s left   ");
                }
            }
            await writer.CompleteAsync();
            Console.WriteLine();
        }
        await using var analyze = new NpgsqlCommand("ANALYZE dossiers", connection);
        await analyze.ExecuteNonQueryAsync();
    }

}

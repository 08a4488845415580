using Dapper;
using Npgsql;
using Procedures.Contracts;
using Procedures.Intake.Dossiers;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests;

[Collection(InfrastructureCollection.Name)]
public sealed class DossierCodesTests(InfrastructureFixture infra)
{
    private const string Unit = "38.98.H29";

    // 10:00 in Vietnam on 29 Nov 2025.
    private static readonly DateTimeOffset Morning = new(2025, 11, 29, 3, 0, 0, TimeSpan.Zero);

    private Task<NpgsqlDataSource> IntakeDbAsync() => ServiceDatabase.CreateAsync(infra, "intake", typeof(Submit).Assembly);

    private static async Task<DossierCode> TakeAsync(NpgsqlDataSource db, string unit, DateTimeOffset now, bool commit = true)
    {
        await using var connection = await db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var code = await DossierCodes.NextAsync(tx, unit, now, CancellationToken.None);
        if (commit) await tx.CommitAsync(); else await tx.RollbackAsync();
        return code;
    }

    [Fact]
    public async Task Concurrent_submissions_of_one_unit_and_day_get_consecutive_codes_without_duplicates_or_gaps()
    {
        await using var db = await IntakeDbAsync();
        const int submissions = 300;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var takes = Enumerable.Range(0, submissions).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            return await TakeAsync(db, Unit, Morning);
        })).ToArray();
        start.SetResult();
        var codes = (await Task.WhenAll(takes)).Select(c => c.Value).ToList();

        Assert.Equal(submissions, codes.Distinct().Count());
        var expected = Enumerable.Range(1, submissions).Select(n => $"{Unit}-251129-{n:D4}").ToList();
        Assert.Equal(expected, codes.Order(StringComparer.Ordinal).ToList());
        await using var connection = await db.OpenConnectionAsync();
        Assert.Equal(submissions, await connection.ExecuteScalarAsync<long>(
            "SELECT last_sequence FROM dossier_code_counters WHERE receiving_unit = @Unit", new { Unit }));
    }

    [Fact]
    public async Task Number_of_a_rolled_back_submission_is_reused_by_the_next_commit()
    {
        await using var db = await IntakeDbAsync();

        var first = await TakeAsync(db, Unit, Morning);
        var rolledBack = await TakeAsync(db, Unit, Morning, commit: false);
        var next = await TakeAsync(db, Unit, Morning);

        Assert.Equal($"{Unit}-251129-0001", first.Value);
        Assert.Equal($"{Unit}-251129-0002", rolledBack.Value);
        Assert.Equal($"{Unit}-251129-0002", next.Value);
    }

    [Fact]
    public async Task Submission_waiting_behind_a_rolled_back_one_takes_its_number()
    {
        await using var db = await IntakeDbAsync();
        await TakeAsync(db, Unit, Morning);

        await using var holder = await db.OpenConnectionAsync();
        await using var holderTx = await holder.BeginTransactionAsync();
        var held = await DossierCodes.NextAsync(holderTx, Unit, Morning, CancellationToken.None);
        var waiterPid = 0;
        var waiter = Task.Run(async () =>
        {
            await using var connection = await db.OpenConnectionAsync();
            Volatile.Write(ref waiterPid, connection.ProcessID);
            await using var tx = await connection.BeginTransactionAsync();
            var code = await DossierCodes.NextAsync(tx, Unit, Morning, CancellationToken.None);
            await tx.CommitAsync();
            return code;
        });
        await using (var observer = await db.OpenConnectionAsync())
        {
            await Eventually.Until(async () => Volatile.Read(ref waiterPid) != 0 && await observer.ExecuteScalarAsync<bool>(
                "SELECT coalesce(wait_event_type = 'Lock', false) FROM pg_stat_activity WHERE pid = @pid", new { pid = Volatile.Read(ref waiterPid) }),
                TimeSpan.FromSeconds(10), "the second submission to wait for the counter row lock");
        }
        await holderTx.RollbackAsync();

        Assert.Equal($"{Unit}-251129-0002", held.Value);
        Assert.Equal($"{Unit}-251129-0002", (await waiter).Value);
    }

    [Fact]
    public async Task Each_receiving_unit_has_its_own_sequence()
    {
        await using var db = await IntakeDbAsync();

        var a1 = await TakeAsync(db, "38.98.H29", Morning);
        var a2 = await TakeAsync(db, "38.98.H29", Morning);
        var b1 = await TakeAsync(db, "26734", Morning);
        var a3 = await TakeAsync(db, "38.98.H29", Morning);
        var b2 = await TakeAsync(db, "26734", Morning);

        Assert.Equal(["38.98.H29-251129-0001", "38.98.H29-251129-0002", "38.98.H29-251129-0003"], new[] { a1, a2, a3 }.Select(c => c.Value));
        Assert.Equal(["26734-251129-0001", "26734-251129-0002"], new[] { b1, b2 }.Select(c => c.Value));
    }

    [Fact]
    public async Task Sequence_restarts_at_midnight_Vietnam_time_not_UTC()
    {
        await using var db = await IntakeDbAsync();
        var lastVietnamSecondOf28th = new DateTimeOffset(2025, 11, 28, 16, 59, 59, TimeSpan.Zero);
        var firstVietnamSecondOf29th = new DateTimeOffset(2025, 11, 28, 17, 0, 0, TimeSpan.Zero); // still 28 Nov in UTC

        var late1 = await TakeAsync(db, Unit, lastVietnamSecondOf28th);
        var late2 = await TakeAsync(db, Unit, lastVietnamSecondOf28th);
        var early = await TakeAsync(db, Unit, firstVietnamSecondOf29th);
        var laterThatDay = await TakeAsync(db, Unit, Morning);

        Assert.Equal($"{Unit}-251128-0001", late1.Value);
        Assert.Equal($"{Unit}-251128-0002", late2.Value);
        Assert.Equal($"{Unit}-251129-0001", early.Value);
        Assert.Equal($"{Unit}-251129-0002", laterThatDay.Value);
        await using var connection = await db.OpenConnectionAsync();
        var days = (await connection.QueryAsync<(DateTime Day, long Last)>(
            "SELECT vietnam_date, last_sequence FROM dossier_code_counters WHERE receiving_unit = @Unit ORDER BY vietnam_date", new { Unit }))
            .Select(r => (DateOnly.FromDateTime(r.Day), r.Last)).ToList();
        Assert.Equal([(new DateOnly(2025, 11, 28), 2L), (new DateOnly(2025, 11, 29), 2L)], days);
    }

    [Fact]
    public async Task Ten_thousandth_code_of_a_day_has_five_digits()
    {
        await using var db = await IntakeDbAsync();
        // The day's first 9,999 numbers taken through the product's own counter, in one transaction.
        await db.InTransactionAsync(async tx =>
        {
            for (var n = 1; n <= 9999; n++) await DossierCodes.NextAsync(tx, Unit, Morning, CancellationToken.None);
        });

        var tenThousandth = await TakeAsync(db, Unit, Morning);
        var next = await TakeAsync(db, Unit, Morning);

        Assert.Equal($"{Unit}-251129-10000", tenThousandth.Value);
        Assert.Equal($"{Unit}-251129-10001", next.Value);
        Assert.True(DossierCode.TryParse(tenThousandth.Value, out var parsed));
        Assert.Equal(tenThousandth, parsed);
    }
}

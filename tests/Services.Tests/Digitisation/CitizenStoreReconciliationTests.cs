using System.Diagnostics.Metrics;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Procedures.Contracts;
using Procedures.PortalSync.Ledger;
using Procedures.PortalSync.Portal;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests.Digitisation;

/// <summary>
/// The citizen-store reconciliation, backlog and counters on a real PortalSync database: results of returned dossiers that
/// were never queued are found and queued once; stored, waiting and rejected ones are counted, not touched.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class CitizenStoreReconciliationTests(InfrastructureFixture infra) : IAsyncLifetime
{
    private static readonly DateOnly Day = new(2026, 12, 4);
    private static readonly DateTimeOffset ReturnedAt = new(2026, 12, 4, 10, 0, 0, TimeSpan.FromHours(7));
    private readonly StoreStandIn _portal = new();
    private NpgsqlDataSource _db = null!;
    private CitizenStoreReconciliation _reconciliation = null!;

    public async Task InitializeAsync()
    {
        _db = await ServiceDatabase.CreateAsync(infra, "portalsync", typeof(CitizenStoreReconciliation).Assembly);
        _reconciliation = new CitizenStoreReconciliation(_db, TimeProvider.System, Options.Create(new CitizenStoreReconciliationOptions()),
            NullLogger<CitizenStoreReconciliation>.Instance);
    }

    public async Task DisposeAsync()
    {
        _reconciliation.Dispose();
        _portal.Dispose();
        await _db.DisposeAsync();
    }

    /// <summary>The portal's citizen store at the HTTP boundary, answering what the test says.</summary>
    private sealed class StoreStandIn : HttpMessageHandler
    {
        public string ErrorCode { get; set; } = "0";

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Assert.Equal("/portal/citizen-store", request.RequestUri!.AbsolutePath);
            return Task.FromResult(FakePortal.Answer(ErrorCode, ErrorCode == "0" ? "Thành công" : "Bận"));
        }
    }

    /// <summary>The returning status event (sequence 3) as PortalSync keeps it, and the dossier synced up to it.</summary>
    private async Task<DossierStatusChanged> ReturnedAsync(string code, DateTimeOffset at, params string?[] resultCodes)
    {
        var change = new DossierStatusChanged(code, 3, DossierStatus.Returned, at, "Trả kết quả",
            Results: [.. resultCodes.Select((r, i) => new ResultDocument($"Kết quả {i + 1}", r, r is null ? null : $"kq/{r}.pdf"))]);
        await using var c = await _db.OpenConnectionAsync();
        await using var tx = await c.BeginTransactionAsync();
        await LedgerStore.RecordStatusEventAsync(tx, change, DateTimeOffset.UtcNow, CancellationToken.None);
        await c.ExecuteAsync("""
            UPDATE sync_dossiers SET has_data = true, applicant_id_number = '079203001234', applicant_kind = 1, last_seq_acked = 3
            WHERE code = @code
            """, new { code }, tx);
        await tx.CommitAsync();
        return change;
    }

    /// <summary>What QueueCitizenStore does on the same event.</summary>
    private async Task QueuedAsync(DossierStatusChanged change, string resultCode, string? outcome = null)
    {
        await using var c = await _db.OpenConnectionAsync();
        await using var tx = await c.BeginTransactionAsync();
        await LedgerStore.QueueCitizenStoreAsync(tx, change, change.Results!.Single(r => r.ElectronicResultCode == resultCode), CancellationToken.None);
        if (outcome is not null)
            await c.ExecuteAsync($"UPDATE citizen_store_pushes SET {outcome} WHERE dossier_code = @code AND result_code = @resultCode",
                new { code = change.DossierCode, resultCode }, tx);
        await tx.CommitAsync();
    }

    [Fact]
    public async Task Results_never_queued_are_queued_once_and_the_day_is_counted()
    {
        var lost = await ReturnedAsync("26740.H29-261204-0001", ReturnedAt, "KQ-1", "KQ-2", null); // the queueing delivery never came
        var stored = await ReturnedAsync("26740.H29-261204-0002", ReturnedAt.AddHours(1), "KQ-3");
        await QueuedAsync(stored, "KQ-3", "stored_at = now()");
        var rejected = await ReturnedAsync("26740.H29-261204-0003", ReturnedAt.AddHours(2), "KQ-4");
        await QueuedAsync(rejected, "KQ-4", "failed = true, last_error = 'E1: sai chủ sở hữu'");
        await ReturnedAsync("26740.H29-261205-0001", ReturnedAt.AddDays(1), "KQ-5"); // another day: not this pass's

        var report = await _reconciliation.ReconcileAsync(Day, CancellationToken.None);

        Assert.Equal(new CitizenStoreReport(Day, Expected: 4, Stored: 1, Waiting: 2, Rejected: 1, Requeued: 2), report);
        await using var c = await _db.OpenConnectionAsync();
        var queued = (await c.QueryAsync<(string Result, long Sequence, string Name, string? File)>("""
            SELECT result_code, sequence, name, file_reference FROM citizen_store_pushes WHERE dossier_code = @DossierCode ORDER BY result_code
            """, new { lost.DossierCode })).ToList();
        Assert.Equal([("KQ-1", 3L, "Kết quả 1", "kq/KQ-1.pdf"), ("KQ-2", 3L, "Kết quả 2", "kq/KQ-2.pdf")], queued);
        Assert.Equal("E1: sai chủ sở hữu", await c.ExecuteScalarAsync<string>(
            "SELECT last_error FROM citizen_store_pushes WHERE result_code = 'KQ-4' AND failed")); // left for a person

        // Again: nothing more to queue; the late original delivery finds the row and adds nothing.
        Assert.Equal(report with { Requeued = 0 }, await _reconciliation.ReconcileAsync(Day, CancellationToken.None));
        await QueuedAsync(lost, "KQ-1");
        Assert.Equal(2, await c.ExecuteScalarAsync<long>("SELECT count(*) FROM citizen_store_pushes WHERE dossier_code = @DossierCode", new { lost.DossierCode }));
        // The backlog: the two waiting results of that day and the one of the next day's dossier, never queued either.
        Assert.Equal(2, await _reconciliation.ObserveBacklogAsync(CancellationToken.None));
        await _reconciliation.ReconcileAsync(Day.AddDays(1), CancellationToken.None);
        Assert.Equal(3, await _reconciliation.ObserveBacklogAsync(CancellationToken.None));
        Assert.Equal(3, CitizenStoreMetrics.Backlog);
    }

    [Fact]
    public async Task Each_push_is_counted_as_pushed_or_failed_by_kind()
    {
        var change = await ReturnedAsync("26740.H29-261204-0011", ReturnedAt, "KQ-11");
        await QueuedAsync(change, "KQ-11");
        var counted = new List<(string Name, long Value, string? Kind)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SyncMetrics.Meter.Name && instrument.Name.StartsWith("procedures.citizen_store.", StringComparison.Ordinal))
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? kind = null;
            foreach (var tag in tags) if (tag.Key == "kind") kind = tag.Value as string;
            lock (counted) counted.Add((instrument.Name, value, kind));
        });
        listener.Start();
        using var worker = new CitizenStoreWorker(_db, new PortalClient(new HttpClient(_portal, disposeHandler: false) { BaseAddress = new Uri("http://portal.test") }),
            TimeProvider.System, Options.Create(new SyncOptions()), NullLogger<CitizenStoreWorker>.Instance);

        _portal.ErrorCode = "503";
        Assert.True(await worker.PushNextAsync(CancellationToken.None));
        await using (var c = await _db.OpenConnectionAsync())
            await c.ExecuteAsync("UPDATE citizen_store_pushes SET next_attempt_at = now() WHERE result_code = 'KQ-11'");
        _portal.ErrorCode = "0";
        Assert.True(await worker.PushNextAsync(CancellationToken.None));

        Assert.Equal([("procedures.citizen_store.failed", 1L, "transient"), ("procedures.citizen_store.pushed", 1L, null)],
            counted.Where(m => m.Name != "procedures.citizen_store.requeued"));
    }
}

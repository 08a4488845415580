using Dapper;
using Procedures.Contracts;
using Procedures.PortalSync.Ledger;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests;

/// <summary>PortalSync's status totals per agency (agency isolation of GET /api/v1/sync/status), on a real migrated database.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class SyncStatusIsolationTests(InfrastructureFixture infra)
{
    [Fact]
    public async Task An_agency_counts_only_the_dossiers_it_received_or_decides_and_a_status_event_tells_a_data_less_row_its_unit()
    {
        await using var host = await ConsumerHarness.StartAsync(infra, "portalsync", typeof(RecordStatusEvent).Assembly, _ => { });
        var now = DateTimeOffset.UtcNow;
        await using var c = await host.Db.OpenConnectionAsync();
        // Synced, failed with a step unsent, synced and decided by Sai Gon, pending: each as the consumers and the worker leave it.
        foreach (var (code, unit, deciding, known, acked, failed) in new[]
                 {
                     ("26740.H29-261207-0001", "26740.H29", (string?)null, 1L, 1L, false),
                     ("26740.H29-261207-0002", "26740.H29", null, 2L, 1L, true),
                     ("26737.H29-261207-0001", "26737.H29", "26740.H29", 1L, 1L, false),
                     ("26737.H29-261207-0002", "26737.H29", null, 1L, 0L, false),
                 })
        {
            await LedgerSeed.SubmittedAsync(host.Db, LedgerSeed.Submission(code, now, receivingUnit: unit, decidingAgency: deciding));
            await LedgerSeed.StepsAsync(host.Db, code, known, acked, now);
            if (failed) await LedgerSeed.RejectedAsync(host.Db, code, "12: Mã thủ tục không tồn tại", now);
        }
        // Known only from a status event (its submission still on the way): the event names its unit.
        await using (var tx = await c.BeginTransactionAsync())
        {
            await RecordStatusEvent.RecordAsync(tx, new DossierStatusChanged("26737.H29-261207-0003", 1, DossierStatus.Submitted, now, null,
                ReceivingUnit: "26737.H29"), now, CancellationToken.None);
            await RecordStatusEvent.RecordAsync(tx, new DossierStatusChanged("26750.H29-261207-0001", 1, DossierStatus.Submitted, now, null), now,
                CancellationToken.None);
            await tx.CommitAsync();
        }
        Assert.Equal("26737.H29", await c.ExecuteScalarAsync<string>("SELECT receiving_unit FROM sync_dossiers WHERE code = '26737.H29-261207-0003'"));

        var saiGon = await SyncStatus.TotalsAsync(c, now, CancellationToken.None, agency: "26740.H29");
        var tanDinh = await SyncStatus.TotalsAsync(c, now, CancellationToken.None, agency: "26737.H29");
        var city = await SyncStatus.TotalsAsync(c, now, CancellationToken.None);
        // Sai Gon: its two, and the one it decides; Tan Dinh: its three; the city: all six, the unit-less one included.
        Assert.Equal((3L, 2L, 0L, 1L), (saiGon.Dossiers, saiGon.FullySynced, saiGon.Pending, saiGon.Failed));
        Assert.Equal((3L, 1L, 2L, 0L), (tanDinh.Dossiers, tanDinh.FullySynced, tanDinh.Pending, tanDinh.Failed));
        Assert.Equal((6L, 2L, 3L, 1L), (city.Dossiers, city.FullySynced, city.Pending, city.Failed));
    }
}

using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Procedures.Contracts;
using Procedures.PortalSync.Ledger;
using Procedures.PortalSync.Portal;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests;

/// <summary>PortalSync's status-event consumer and the sync worker, on a real migrated database through MassTransit's test harness.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class RecordStatusEventTests(InfrastructureFixture infra)
{
    private static readonly DateTimeOffset SubmittedAt = new(2025, 11, 28, 17, 30, 15, TimeSpan.Zero);

    [Fact]
    public async Task The_step_a_gap_held_back_makes_its_dossier_due_at_once_and_a_dossier_backing_off_keeps_its_backoff()
    {
        await using var host = await ConsumerHarness.StartAsync(infra, "portalsync", typeof(RecordStatusEvent).Assembly, x => x.AddConsumer<RecordStatusEvent>());
        using var portal = new FakePortal();
        var worker = portal.Worker(host.Db, new SyncOptions());
        const string code = "38.98.H29-251129-0041";
        await LedgerSeed.SubmittedAsync(host.Db, LedgerSeed.Submission(code, SubmittedAt));
        var consumed = 0;
        async Task ArrivesAsync(long sequence, DossierStatus status)
        {
            await host.Harness.Bus.Publish(new DossierStatusChanged(code, sequence, status, SubmittedAt.AddHours(sequence), null));
            var expected = ++consumed;
            await Eventually.Until(async () =>
            {
                await using var c = await host.Db.OpenConnectionAsync();
                return await c.ExecuteScalarAsync<long>("SELECT count(*) FROM messaging.inbox") == expected;
            }, TimeSpan.FromSeconds(20), $"step {sequence} recorded");
        }

        await ArrivesAsync(1, DossierStatus.Submitted);
        Assert.True(await worker.SyncNextAsync(CancellationToken.None));
        await ArrivesAsync(3, DossierStatus.InProcessing); // 2 is still on its way
        Assert.True(await worker.SyncNextAsync(CancellationToken.None)); // nothing to send: the dossier is postponed
        Assert.False(await worker.SyncNextAsync(CancellationToken.None));

        await ArrivesAsync(2, DossierStatus.Received);
        Assert.True(await worker.SyncNextAsync(CancellationToken.None)); // due again without waiting out the postponement
        Assert.Equal([1L, 2L, 3L], portal.Calls.Where(c => c.Operation == "history").Select(c => long.Parse(c.IdempotencyKey!.Split(':')[1])));

        // The portal fails: the dossier backs off, and the next step does not cut the backoff short.
        portal.Respond = _ => Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable));
        await ArrivesAsync(4, DossierStatus.AwaitingPayment);
        Assert.True(await worker.SyncNextAsync(CancellationToken.None));
        await ArrivesAsync(5, DossierStatus.InProcessing);
        Assert.False(await worker.SyncNextAsync(CancellationToken.None));
    }
}

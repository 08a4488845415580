using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Procedures.Contracts;
using Procedures.Messaging;
using Procedures.PortalSync.CatchUp;
using Procedures.PortalSync.Ledger;
using Procedures.PortalSync.Portal;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests;

/// <summary>
/// PortalSync compares Processing's digest of newest sequences with its ledger, on a real migrated PortalSync database
/// through MassTransit's test harness, and the sync worker then asks for what was lost.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class CompareHeadsTests(InfrastructureFixture infra)
{
    [Fact]
    public async Task A_lost_newest_step_is_found_by_the_digest_and_asked_for_again_and_an_unknown_dossier_shows_in_the_backlog()
    {
        await using var host = await ConsumerHarness.StartAsync(infra, "portalsync", typeof(CompareHeads).Assembly, x => x.AddConsumer<CompareHeads>());
        using var portal = new FakePortal();
        var worker = portal.Worker(host.Db, new SyncOptions { GapGrace = TimeSpan.Zero });
        // "returned" reached status 10 at Processing (sequence 3) but that last event never arrived here; "current" is up to date.
        var now = DateTimeOffset.UtcNow;
        foreach (var (code, steps) in new[] { ("returned", 2L), ("current", 4L) })
        {
            await LedgerSeed.SubmittedAsync(host.Db, LedgerSeed.Submission(code, now));
            await LedgerSeed.StepsAsync(host.Db, code, steps, acked: steps, now);
        }
        var digest = new DossierHeadsDigest([new("current", 4), new("returned", 3), new("unknown", 1)], DateTimeOffset.UtcNow.AddMinutes(-7),
            DateTimeOffset.UtcNow.AddMinutes(-2));

        await host.Harness.Bus.Publish(digest);
        await Eventually.Until(async () => await CountAsync(host, "SELECT count(*) FROM messaging.inbox") == 1, TimeSpan.FromSeconds(20), "the digest consumed");

        Assert.Equal([("current", 4L, 4L, false, true), ("returned", 3L, 2L, true, true), ("unknown", 1L, 0L, true, false)], await LedgerAsync(host));

        // The gap is past its grace (zero here): the worker asks Processing for step 3, and sends nothing meanwhile.
        while (await worker.SyncNextAsync(CancellationToken.None)) if ((await OutboxMessages.ReadAsync<DossierHistoryRequested>(host.Db)).Count > 0) break;
        var request = Assert.Single(await OutboxMessages.ReadAsync<DossierHistoryRequested>(host.Db));
        Assert.Equal(("returned", 3L, 3L), (request.DossierCode, request.FromSequence, request.ToSequence));
        Assert.Empty(portal.Calls);

        // The same digest again (a re-covered window) raises nothing more.
        await host.Harness.Bus.Publish(digest);
        await Eventually.Until(async () => await CountAsync(host, "SELECT count(*) FROM messaging.inbox") == 2, TimeSpan.FromSeconds(20), "the copy consumed");
        Assert.Equal([("current", 4L, 4L, false, true), ("returned", 3L, 2L, true, true), ("unknown", 1L, 0L, true, false)], await LedgerAsync(host));
    }

    private static async Task<long> CountAsync(ConsumerHarness host, string sql)
    {
        await using var c = await host.Db.OpenConnectionAsync();
        return await c.ExecuteScalarAsync<long>(sql);
    }

    private static async Task<List<(string Code, long Known, long Acked, bool Pending, bool HasData)>> LedgerAsync(ConsumerHarness host)
    {
        await using var c = await host.Db.OpenConnectionAsync();
        return (await c.QueryAsync<(string, long, long, bool, bool)>(
            "SELECT code, last_seq_known, last_seq_acked, pending_since IS NOT NULL, has_data FROM sync_dossiers ORDER BY code")).ToList();
    }
}

using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Procedures.Contracts;
using Procedures.Intake.CatchUp;
using Procedures.Intake.Dossiers;
using Procedures.Messaging;
using Procedures.Messaging.CatchUp;
using Procedures.PortalSync.CatchUp;
using Procedures.PortalSync.Ledger;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests;

/// <summary>
/// A DossierSubmitted lost on the way: Intake's digest of submitted codes shows it missing at Processing and PortalSync, they
/// ask for it, and Intake sends it again under its first message id. Each on its service's real migrated database.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class SubmissionCatchUpTests(InfrastructureFixture infra)
{
    private static readonly DossierSubmitted Submitted = new("26740.H29-261129-0042", "1.000948.H29", "26740.H29", SubmissionChannel.Online,
        "Lê Văn Cường", new DateTimeOffset(2026, 11, 29, 2, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Intake_announces_each_submitted_code_once_behind_the_lag_and_sends_a_submission_again_under_its_first_id()
    {
        await using var host = await ConsumerHarness.StartAsync(infra, "intake", typeof(ResendSubmission).Assembly, x => x.AddConsumer<ResendSubmission>());
        var firstId = Guid.NewGuid();
        await DatabaseClock.BackdateAsync(host.Db, "submission_digest", "covered_to", TimeSpan.FromHours(1));
        // Through Intake's own store: the first kept with its event, as a submission keeps it; the other two as dossiers
        // recorded before events were kept (Sql/0006_submission_catch_up.sql). Each then recorded the given time ago on the
        // database's clock, which the digest's window counts on.
        foreach (var (code, applicant, ago) in new[]
                 {
                     (Submitted.DossierCode, "Lê Văn Cường", TimeSpan.FromMinutes(30)),
                     ("26740.H29-261129-0043", "Trần Thị Mai", TimeSpan.FromMinutes(20)),
                     ("26740.H29-261129-0044", "Phạm Văn Nam", TimeSpan.FromSeconds(30)),
                 })
        {
            await host.Db.InTransactionAsync(async tx =>
            {
                await DossierStore.InsertAsync(tx, new NewDossier(code, "1.000948.H29", "26740.H29", SubmissionChannel.Online, applicant,
                    DateTimeOffset.UtcNow, "26740.H29"), CancellationToken.None);
                if (code == Submitted.DossierCode)
                    await WriteBatch.ExecuteAsync(tx, b => DossierStore.KeepSubmission(b, [], Submitted, firstId), CancellationToken.None);
            });
            await DatabaseClock.BackdateAsync(host.Db, "dossiers", "recorded_at", ago, "code = @code", new { code });
        }
        var digest = new SubmissionDigest(host.Db, new DigestSettings(), TimeProvider.System, NullLogger<SubmissionDigest>.Instance);

        // The two recorded over two minutes ago; the third may belong to a transaction still open elsewhere, so it waits.
        Assert.Equal(2, await digest.RunOnceAsync(CancellationToken.None));
        Assert.Equal(0, await digest.RunOnceAsync(CancellationToken.None));
        Assert.Equal([Submitted.DossierCode, "26740.H29-261129-0043"],
            Assert.Single(await OutboxMessages.ReadAsync<DossiersSubmittedDigest>(host.Db)).Codes);

        await host.Harness.Bus.Publish(new DossierSubmissionRequested(Submitted.DossierCode, ResourceNames.PortalSync, DateTimeOffset.UtcNow));
        await host.Harness.Bus.Publish(new DossierSubmissionRequested("26740.H29-261129-0043", ResourceNames.PortalSync, DateTimeOffset.UtcNow));
        await Eventually.Until(async () => await CountAsync(host.Db, "SELECT count(*) FROM messaging.inbox") == 2, TimeSpan.FromSeconds(20),
            "both requests consumed");

        // As first published, under the first id (consumers that applied it skip it); one kept without its event sends nothing.
        var (id, resent) = Assert.Single(await OutboxMessages.ReadWithIdsAsync<DossierSubmitted>(host.Db));
        Assert.Equal(firstId, id);
        Assert.Equal(Submitted, resent);
    }

    [Fact]
    public async Task PortalSync_counts_a_code_it_never_received_as_not_synced_and_asks_Intake_after_the_grace_and_again_after_the_retry_period()
    {
        await using var host = await ConsumerHarness.StartAsync(infra, "portalsync", typeof(CompareSubmissions).Assembly, x =>
        {
            x.AddConsumer<CompareSubmissions>();
            x.AddConsumer<ProjectDossier>();
        });
        var known = LedgerSeed.Submission("26740.H29-261129-0041", DateTimeOffset.UtcNow, "Trần Thị Mai", "26740.H29");
        await LedgerSeed.SubmittedAsync(host.Db, known);
        await LedgerSeed.StepsAsync(host.Db, known.DossierCode, 1, acked: 1, DateTimeOffset.UtcNow);
        var digest = new DossiersSubmittedDigest(["26740.H29-261129-0041", Submitted.DossierCode], DateTimeOffset.UtcNow.AddMinutes(-7),
            DateTimeOffset.UtcNow.AddMinutes(-2));

        await host.Harness.Bus.Publish(digest);
        await Eventually.Until(async () => await CountAsync(host.Db, "SELECT count(*) FROM messaging.inbox") == 1, TimeSpan.FromSeconds(20),
            "the digest consumed");

        await using (var c = await host.Db.OpenConnectionAsync())
        {
            var totals = await SyncStatus.TotalsAsync(c, DateTimeOffset.UtcNow, CancellationToken.None);
            Assert.Equal((2L, 1L, 1L), (totals.Dossiers, totals.FullySynced, totals.Pending)); // not hidden from the ratio
        }
        var clock = new TestClock(DateTimeOffset.UtcNow);
        var catchUp = new SubmissionCatchUp(host.Db, clock, Options.Create(new SyncOptions()), NullLogger<SubmissionCatchUp>.Instance);
        Assert.Equal(0, await catchUp.RequestDueAsync(CancellationToken.None)); // may still be in flight or in redelivery
        clock.Now = clock.Now.AddMinutes(2);
        Assert.Equal(1, await catchUp.RequestDueAsync(CancellationToken.None));
        Assert.Equal(0, await catchUp.RequestDueAsync(CancellationToken.None));
        clock.Now = clock.Now.AddMinutes(6);
        Assert.Equal(1, await catchUp.RequestDueAsync(CancellationToken.None));
        Assert.All(await OutboxMessages.ReadAsync<DossierSubmissionRequested>(host.Db),
            r => Assert.Equal((Submitted.DossierCode, ResourceNames.PortalSync), (r.DossierCode, r.RequestedBy)));

        // Intake's answer arrives: the dossier has its data and nothing more is asked.
        await host.Harness.Bus.Publish(Submitted);
        await Eventually.Until(async () => await CountAsync(host.Db, "SELECT count(*) FROM sync_dossiers WHERE has_data") == 2,
            TimeSpan.FromSeconds(20), "the submission applied");
        clock.Now = clock.Now.AddHours(1);
        Assert.Equal(0, await catchUp.RequestDueAsync(CancellationToken.None));
        Assert.Equal(2, (await OutboxMessages.ReadAsync<DossierSubmissionRequested>(host.Db)).Count);
    }

    [Theory]
    [InlineData("processing")]
    [InlineData("payment")]
    public async Task Processing_and_Payment_ask_Intake_for_each_submitted_code_they_do_not_hold(string service)
    {
        var (assembly, requester) = service == "processing"
            ? (typeof(Procedures.Processing.CatchUp.CompareSubmittedWithDossiers).Assembly, ResourceNames.Processing)
            : (typeof(Procedures.Payment.CatchUp.CompareSubmittedWithFees).Assembly, ResourceNames.Payment);
        // The one code each holds, recorded through its own store (Processing's submission, Payment's fees).
        var known = DossierSeed.Submission("26740.H29-261129-0041", DateTimeOffset.UtcNow, "26740.H29", "Trần Thị Mai");
        await using var host = await ConsumerHarness.StartAsync(infra, service, assembly, x =>
        {
            if (service == "processing") x.AddConsumer<Procedures.Processing.CatchUp.CompareSubmittedWithDossiers>();
            else x.AddConsumer<Procedures.Payment.CatchUp.CompareSubmittedWithFees>();
        });
        if (service == "processing") await DossierSeed.SubmittedAsync(host.Db, known);
        else await host.Db.InTransactionAsync(tx => Procedures.Payment.Ledger.RecordFees.StoreAsync(tx, known, CancellationToken.None));

        await host.Harness.Bus.Publish(new DossiersSubmittedDigest(["26740.H29-261129-0041", Submitted.DossierCode],
            DateTimeOffset.UtcNow.AddMinutes(-7), DateTimeOffset.UtcNow.AddMinutes(-2)));
        // Applied under the name the consumer had before its rename, so digests applied earlier stay applied.
        await Eventually.Until(async () => await CountAsync(host.Db, "SELECT count(*) FROM messaging.inbox WHERE consumer = 'CompareSubmissions'") == 1,
            TimeSpan.FromSeconds(20), "the digest consumed");

        var request = Assert.Single(await OutboxMessages.ReadAsync<DossierSubmissionRequested>(host.Db));
        Assert.Equal((Submitted.DossierCode, requester), (request.DossierCode, request.RequestedBy));
    }

    private static async Task<long> CountAsync(NpgsqlDataSource db, string sql)
    {
        await using var c = await db.OpenConnectionAsync();
        return await c.ExecuteScalarAsync<long>(sql);
    }
}

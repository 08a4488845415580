using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Procedures.Contracts;
using Procedures.PortalSync.Ledger;
using Procedures.PortalSync.Portal;
using Procedures.Sandbox.Faults;
using Procedures.Sandbox.Portal;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests.Digitisation;

/// <summary>
/// Results to the citizen's data store: PortalSync's ledger on a real database against the sandbox's own store logic
/// and faults (called in process at the HTTP boundary). Exactly one entry per result however the portal fails.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class CitizenStoreTests(InfrastructureFixture infra) : IAsyncLifetime
{
    private const string Owner = "079203001234";
    private readonly SandboxHandler _sandbox = new(new CitizenDataStore());
    private NpgsqlDataSource _db = null!;
    private CitizenStoreWorker _worker = null!;

    private CitizenDataStore Store => _sandbox.Store;

    public async Task InitializeAsync()
    {
        _db = await ServiceDatabase.CreateAsync(infra, "portalsync", typeof(CitizenStoreWorker).Assembly);
        _worker = NewWorker(new SyncOptions());
    }

    private CitizenStoreWorker NewWorker(SyncOptions options)
        => new(_db, new PortalClient(new HttpClient(_sandbox, disposeHandler: false) { BaseAddress = new Uri("http://portal.test") }),
            TimeProvider.System, Options.Create(options), NullLogger<CitizenStoreWorker>.Instance);

    public async Task DisposeAsync()
    {
        _worker.Dispose();
        _sandbox.Dispose();
        await _db.DisposeAsync();
    }

    /// <summary>The sandbox's POST /portal/citizen-store, in process, with its switchable faults.</summary>
    private sealed class SandboxHandler(CitizenDataStore store) : HttpMessageHandler
    {
        public CitizenDataStore Store => store;
        public PortalFaults Faults { get; set; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Assert.Equal("/portal/citizen-store", request.RequestUri!.AbsolutePath);
            var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(ct))!.AsObject();
            var (status, answer) = await CitizenStoreEndpoints.ApplyAsync(body, request.Headers.GetValues("Idempotency-Key").Single(), store, Faults, ct);
            return new HttpResponseMessage((HttpStatusCode)status)
            {
                Content = new StringContent(JsonSerializer.Serialize(answer), Encoding.UTF8, "application/json"),
            };
        }
    }

    /// <summary>
    /// A citizen's dossier returned at sequence 5 with electronic results, the portal's acknowledgement up to
    /// <paramref name="acked"/>: as PortalSync's consumers (ProjectDossier, RecordStatusEvent, QueueCitizenStore) and the sync
    /// worker leave the ledger.
    /// </summary>
    private async Task ReturnedAsync(string code, long acked, params string[] results)
    {
        var now = DateTimeOffset.UtcNow;
        await LedgerSeed.SubmittedAsync(_db, LedgerSeed.Submission(code, now.AddDays(-3), applicant: new ApplicantIdentity(1, Owner, null, null, false)));
        await LedgerSeed.StepsAsync(_db, code, 4, acked: 0, now);
        var returned = new DossierStatusChanged(code, 5, DossierStatus.Returned, now, null,
            Results: [.. results.Select(r => new ResultDocument("Giấy khai sinh (bản điện tử)", r, null))]);
        await LedgerSeed.StatusAsync(_db, returned, now);
        foreach (var result in returned.Results!) await LedgerSeed.ResultQueuedAsync(_db, returned, result);
        if (acked > 0) await LedgerSeed.AcknowledgedAsync(_db, code, acked, acked == 5 ? DossierStatus.Returned : DossierStatus.Received, now);
    }

    /// <summary>
    /// The worker's next push once one is due again: a backoff counts on the database's clock, so the test waits it out (the
    /// first attempts' backoff is under a second) rather than moving the ledger's clock.
    /// </summary>
    private Task PushWhenDueAsync()
        => Eventually.Until(() => _worker.PushNextAsync(CancellationToken.None), TimeSpan.FromSeconds(20), "a push due again and made");

    private async Task<long> CountAsync(string sql)
    {
        await using var c = await _db.OpenConnectionAsync();
        return await c.ExecuteScalarAsync<long>(sql);
    }

    [Fact]
    public async Task A_result_waits_for_the_portal_to_acknowledge_the_return_then_is_stored_once()
    {
        await ReturnedAsync("D1", acked: 4, "KQ-1");
        Assert.False(await _worker.PushNextAsync(CancellationToken.None));
        Assert.Empty(Store.Entries(null));

        await LedgerSeed.AcknowledgedAsync(_db, "D1", 5, DossierStatus.Returned, DateTimeOffset.UtcNow);
        Assert.True(await _worker.PushNextAsync(CancellationToken.None));
        var entry = Assert.Single(Store.Entries(Owner));
        Assert.Equal(("D1", "KQ-1", "D1:KQ-1:citizen-store"), (entry["MaHoSo"]!.ToString(), entry["MaGiayToKetQua"]!.ToString(), entry["IdempotencyKey"]!.ToString()));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM messaging.outbox WHERE message_type LIKE '%ResultStoredForCitizen%'"));
        Assert.False(await _worker.PushNextAsync(CancellationToken.None));
    }

    [Fact]
    public async Task An_outage_then_a_lost_acknowledgement_still_store_exactly_once()
    {
        await ReturnedAsync("D2", acked: 5, "KQ-2");
        _sandbox.Faults = new PortalFaults { Down = true };
        Assert.True(await _worker.PushNextAsync(CancellationToken.None));
        Assert.Empty(Store.Entries(null));
        Assert.Equal(1, await CountAsync("SELECT attempts FROM citizen_store_pushes WHERE stored_at IS NULL AND NOT failed"));
        Assert.False(await _worker.PushNextAsync(CancellationToken.None)); // backing off

        _sandbox.Faults = new PortalFaults { AckLossRate = 1 };
        await PushWhenDueAsync();
        Assert.Single(Store.Entries(null)); // applied, but the acknowledgement was lost
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM citizen_store_pushes WHERE stored_at IS NOT NULL"));

        _sandbox.Faults = new PortalFaults();
        await PushWhenDueAsync();
        Assert.Single(Store.Entries(null)); // the retry under the same key was a no-op
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM citizen_store_pushes WHERE stored_at IS NOT NULL"));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM messaging.outbox WHERE message_type LIKE '%ResultStoredForCitizen%'"));
    }

    [Fact]
    public async Task Random_errors_and_lost_acknowledgements_leave_every_result_stored_exactly_once()
    {
        var results = Enumerable.Range(1, 12).Select(i => $"KQ-R{i}").ToArray();
        await ReturnedAsync("D3", acked: 5, results);
        _sandbox.Faults = new PortalFaults { ErrorRate = 0.3, AckLossRate = 0.4 };
        // A backoff ceiling of 20 ms, so the many retries are due again at once rather than over minutes.
        using var worker = NewWorker(new SyncOptions { MaxBackoff = TimeSpan.FromMilliseconds(20) });
        await Eventually.Until(async () =>
        {
            while (await worker.PushNextAsync(CancellationToken.None)) { }
            return await CountAsync("SELECT count(*) FROM citizen_store_pushes WHERE stored_at IS NULL") == 0;
        }, TimeSpan.FromSeconds(60), "every result stored");
        var stored = Store.Entries(Owner).Select(e => e["MaGiayToKetQua"]!.ToString()).ToList();
        Assert.Equal(results.Order(), stored.Order());
        Assert.Equal(results.Length, await CountAsync("SELECT count(*) FROM messaging.outbox WHERE message_type LIKE '%ResultStoredForCitizen%'"));
    }

    [Fact]
    public async Task A_rejected_result_is_marked_failed_not_retried()
    {
        await ReturnedAsync("D4", acked: 5, "KQ-4");
        _sandbox.Faults = new PortalFaults { RejectCodes = ["D4"] };
        Assert.True(await _worker.PushNextAsync(CancellationToken.None));
        // Due by time (a rejection sets no backoff): only its being failed keeps it from the worker.
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM citizen_store_pushes WHERE next_attempt_at <= now()"));
        Assert.False(await _worker.PushNextAsync(CancellationToken.None));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM citizen_store_pushes WHERE failed"));
        Assert.Empty(Store.Entries(null));
    }
}

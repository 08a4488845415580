using System.Net;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging;
using Procedures.PortalSync.CatchUp;
using Procedures.PortalSync.Ledger;
using Procedures.PortalSync.Portal;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests;

[Collection(InfrastructureCollection.Name)]
public sealed class SyncWorkerTests(InfrastructureFixture infra) : IAsyncLifetime
{
    private static readonly DateTimeOffset SubmittedAt = new(2025, 11, 28, 17, 30, 15, TimeSpan.Zero); // 00:30:15 on 29 Nov in Vietnam

    private readonly FakePortal _portal = new();
    private NpgsqlDataSource _db = null!;
    private SyncWorker _worker = null!;

    public async Task InitializeAsync()
    {
        _db = await ServiceDatabase.CreateAsync(infra, "portalsync", typeof(SyncWorker).Assembly);
        _worker = NewWorker();
    }

    public async Task DisposeAsync()
    {
        _worker.Dispose();
        await _db.DisposeAsync();
        _portal.Dispose();
    }

    private PortalClient Client() => _portal.Client();

    private SyncWorker NewWorker() => _portal.Worker(_db);

    private sealed record Ledger(long LastSeqKnown, long LastSeqAcked, int Attempts, string? LastError, bool Failed,
        DateTimeOffset NextAttemptAt, DateTimeOffset? AckedAt);

    /// <summary>DossierSubmitted as PortalSync's consumer records it (ProjectDossier's own statement).</summary>
    private Task SubmittedAsync(string code) => LedgerSeed.SubmittedAsync(_db, LedgerSeed.Submission(code, SubmittedAt));

    /// <summary>A status event as PortalSync's consumer records it (RecordStatusEvent's own statements), arriving at <paramref name="now"/>.</summary>
    private Task StatusAsync(string code, long sequence, DossierStatus status, string? content = null, DateTimeOffset? now = null)
        => LedgerSeed.StatusAsync(_db, new DossierStatusChanged(code, sequence, status, SubmittedAt.AddHours(sequence), content),
            now ?? DateTimeOffset.UtcNow);

    private async Task<Ledger> LedgerAsync(string code)
    {
        await using var c = await _db.OpenConnectionAsync();
        return await c.QuerySingleAsync<Ledger>("""
            SELECT last_seq_known AS LastSeqKnown, last_seq_acked AS LastSeqAcked, attempts, last_error AS LastError, failed,
                   next_attempt_at AS NextAttemptAt, acked_at AS AckedAt
            FROM sync_dossiers WHERE code = @code
            """, new { code });
    }

    /// <summary>
    /// The worker's next pass once the dossier is due again: a postponement or backoff counts on the database's clock, so
    /// the test waits it out (at most the backoff ceiling of the attempt, a second here) rather than moving the ledger's clock.
    /// </summary>
    private static Task PassWhenDueAsync(SyncWorker worker)
        => Eventually.Until(() => worker.SyncNextAsync(CancellationToken.None), TimeSpan.FromSeconds(20), "the dossier due again and a pass made");

    private async Task<DateTimeOffset> DatabaseClockAsync()
    {
        await using var c = await _db.OpenConnectionAsync();
        return await c.QuerySingleAsync<DateTimeOffset>("SELECT clock_timestamp()");
    }

    private async Task<List<DossierSynced>> SyncedEventsAsync()
    {
        await using var c = await _db.OpenConnectionAsync();
        var rows = await c.QueryAsync<(string Type, string Body)>("SELECT message_type, body::text FROM messaging.outbox ORDER BY id");
        return rows.Select(r =>
        {
            Assert.Equal(MessageJson.TypeName(typeof(DossierSynced)), r.Type);
            return JsonSerializer.Deserialize<DossierSynced>(r.Body, MessageJson.Options)!;
        }).ToList();
    }

    private static long[] HistoryStatuses(PortalCall history)
        => history.Body.GetProperty("QuaTrinhXuLy").EnumerateArray().Select(e => (long)e.GetProperty("TrangThai").GetInt32()).ToArray();

    [Fact]
    public async Task Accepted_dossier_is_acknowledged_and_DossierSynced_is_queued_in_the_outbox()
    {
        const string code = "38.98.H29-251129-0001";
        await SubmittedAsync(code);
        await StatusAsync(code, 1, DossierStatus.Submitted, "Tiếp nhận hồ sơ nộp mới");
        var before = await DatabaseClockAsync();

        Assert.True(await _worker.SyncNextAsync(CancellationToken.None));

        var calls = _portal.Calls;
        Assert.Equal(["create", "history"], calls.Select(c => c.Operation));
        Assert.Equal([$"{code}:1:record", $"{code}:1:history"], calls.Select(c => c.IdempotencyKey));
        var record = calls[0].Body;
        Assert.Equal(code, record.GetProperty("MaHoSo").GetString());
        Assert.Equal("1.000948.H29", record.GetProperty("MaTTHC").GetString());
        Assert.Equal(2, record.GetProperty("KenhThucHien").GetInt32());
        Assert.Equal("Lê Văn Cường", record.GetProperty("ChuHoSo").GetString());
        Assert.Equal("38.98.H29", record.GetProperty("NoiNopHoSo").GetString());
        Assert.Equal("20251129003015", record.GetProperty("NgayNopHoSo").GetString());
        Assert.Equal(1, record.GetProperty("TrangThaiHoSo").GetInt32());
        var row = Assert.Single(calls[1].Body.GetProperty("QuaTrinhXuLy").EnumerateArray());
        Assert.Equal("20251129013015", row.GetProperty("ThoiDiemXuLy").GetString()); // submitted + 1 h, Vietnam time
        Assert.Equal("Tiếp nhận hồ sơ nộp mới", row.GetProperty("NoiDungXuLy").GetString());

        var ledger = await LedgerAsync(code);
        Assert.Equal(1, ledger.LastSeqAcked);
        Assert.Equal(0, ledger.Attempts);
        Assert.Null(ledger.LastError);
        Assert.NotNull(ledger.AckedAt);
        var synced = Assert.Single(await SyncedEventsAsync());
        Assert.Equal(code, synced.DossierCode);
        Assert.Equal(1, synced.Sequence);
        Assert.Equal(ledger.AckedAt!.Value, synced.AcknowledgedAt, TimeSpan.FromMilliseconds(1)); // Postgres keeps microseconds
        Assert.True(synced.AcknowledgedAt >= before.AddSeconds(-5), $"acknowledged at {synced.AcknowledgedAt:O}, started at {before:O}");

        Assert.False(await _worker.SyncNextAsync(CancellationToken.None)); // nothing more is due
        Assert.Equal(2, _portal.Calls.Count);
    }

    [Fact]
    public async Task A_new_step_wakes_the_running_workers_without_waiting_for_their_poll()
    {
        // A five-minute poll: only the ledger's NOTIFY can explain each step reaching the portal within seconds.
        using var worker = _portal.Worker(_db, new SyncOptions { PollInterval = TimeSpan.FromMinutes(5), Workers = 2 });
        await worker.StartAsync(CancellationToken.None);
        try
        {
            const string code = "38.98.H29-251129-0031";
            await SubmittedAsync(code);
            await StatusAsync(code, 1, DossierStatus.Submitted);
            await Eventually.Until(async () => (await LedgerAsync(code)).LastSeqAcked == 1, TimeSpan.FromSeconds(20), "step 1 acknowledged");

            // By now the workers have gone back to waiting; the next step must wake one.
            await StatusAsync(code, 2, DossierStatus.Received);
            await Eventually.Until(async () => (await LedgerAsync(code)).LastSeqAcked == 2, TimeSpan.FromSeconds(20), "step 2 acknowledged");
            Assert.Equal(["create", "history", "update", "history"], _portal.Calls.Select(c => c.Operation));
        }
        finally
        {
            await worker.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Acknowledgement_and_DossierSynced_commit_together_or_not_at_all()
    {
        const string code = "38.98.H29-251129-0002";
        await SubmittedAsync(code);
        await StatusAsync(code, 1, DossierStatus.Submitted);
        await using (var c = await _db.OpenConnectionAsync())
        {
            await c.ExecuteAsync("""
                CREATE FUNCTION refuse_outbox() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'outbox unavailable'; END $$;
                CREATE TRIGGER refuse_outbox BEFORE INSERT ON messaging.outbox FOR EACH ROW EXECUTE FUNCTION refuse_outbox();
                """);
        }

        await Assert.ThrowsAsync<PostgresException>(() => _worker.SyncNextAsync(CancellationToken.None));

        Assert.Equal(2, _portal.Calls.Count); // the portal did accept it...
        var ledger = await LedgerAsync(code);
        Assert.Equal(0, ledger.LastSeqAcked); // ...but without its DossierSynced the acknowledgement is not kept either
        Assert.Null(ledger.AckedAt);
        Assert.Empty(await SyncedEventsAsync());
    }

    [Fact]
    public async Task A_record_the_portal_took_is_updated_next_time_even_when_the_history_call_failed()
    {
        const string code = "38.98.H29-251129-0011";
        await SubmittedAsync(code);
        await StatusAsync(code, 1, DossierStatus.Submitted);
        _portal.Respond = call => Task.FromResult(call.Operation == "history"
            ? new HttpResponseMessage(System.Net.HttpStatusCode.ServiceUnavailable) : FakePortal.Answer("0", null));
        Assert.True(await _worker.SyncNextAsync(CancellationToken.None));

        // Meanwhile the dossier moved on; the portal already holds the record, so "create" would be refused as a duplicate.
        await StatusAsync(code, 2, DossierStatus.Received);
        _portal.Respond = _ => Task.FromResult(FakePortal.Answer("0", null));
        await PassWhenDueAsync(_worker);

        Assert.Equal(["create", "history", "update", "history", "history"], _portal.Calls.Select(c => c.Operation));
        Assert.Equal([$"{code}:1:history", $"{code}:2:history"], _portal.Calls.TakeLast(2).Select(c => c.IdempotencyKey));
        Assert.Equal(2, (await LedgerAsync(code)).LastSeqAcked);
    }

    [Fact]
    public async Task Gap_in_sequences_sends_only_the_run_before_the_gap()
    {
        const string code = "38.98.H29-251129-0003";
        await SubmittedAsync(code);
        await StatusAsync(code, 1, DossierStatus.Submitted);
        await StatusAsync(code, 3, DossierStatus.InProcessing); // sequence 2 is still in flight

        Assert.True(await _worker.SyncNextAsync(CancellationToken.None));

        var calls = _portal.Calls;
        Assert.Equal(["create", "history"], calls.Select(c => c.Operation));
        Assert.Equal((int)DossierStatus.Submitted, calls[0].Body.GetProperty("TrangThaiHoSo").GetInt32());
        Assert.Equal([(long)DossierStatus.Submitted], HistoryStatuses(calls[1]));
        Assert.Equal($"{code}:1:record", calls[0].IdempotencyKey);
        var ledger = await LedgerAsync(code);
        Assert.Equal((3L, 1L), (ledger.LastSeqKnown, ledger.LastSeqAcked));
        Assert.Equal([1L], (await SyncedEventsAsync()).Select(s => s.Sequence));

        // With only sequence 3 beyond the acknowledged 1, nothing can be sent: the dossier waits for 2.
        Assert.True(await _worker.SyncNextAsync(CancellationToken.None));
        Assert.Equal(2, _portal.Calls.Count);
        Assert.Equal(1, (await LedgerAsync(code)).LastSeqAcked);
    }

    [Fact]
    public async Task Gap_that_does_not_fill_asks_Processing_for_the_missing_events_once_per_retry_period()
    {
        // The grace and retry periods count on the application's clock (when the steps arrived, when the worker asked):
        // the test moves it, so the ledger is only ever written by the consumer's and the worker's own statements.
        var start = DateTimeOffset.UtcNow;
        var clock = new TestClock(start);
        using var worker = _portal.Worker(_db, time: clock);
        const string code = "38.98.H29-251129-0013";
        await SubmittedAsync(code);
        await StatusAsync(code, 1, DossierStatus.Submitted, now: clock.Now);
        Assert.True(await worker.SyncNextAsync(CancellationToken.None));
        await StatusAsync(code, 3, DossierStatus.InProcessing, now: clock.Now);
        await StatusAsync(code, 4, DossierStatus.AwaitingPayment, now: clock.Now); // 2 was lost on the way: 3 and 4 wait behind it

        // Younger than the grace period (an event still in flight or in redelivery): nothing is asked.
        clock.Now = start.AddSeconds(10);
        Assert.True(await worker.SyncNextAsync(CancellationToken.None));
        Assert.Empty(await OutboxMessages.ReadAsync<DossierHistoryRequested>(_db));

        // Past it: Processing is asked for everything after the acknowledged step, once.
        clock.Now = start.AddMinutes(2);
        await PassWhenDueAsync(worker);
        var request = Assert.Single(await OutboxMessages.ReadAsync<DossierHistoryRequested>(_db));
        Assert.Equal((code, 2L, 4L, ResourceNames.PortalSync), (request.DossierCode, request.FromSequence, request.ToSequence, request.RequestedBy));
        await PassWhenDueAsync(worker);
        Assert.Single(await OutboxMessages.ReadAsync<DossierHistoryRequested>(_db));

        // Still open six minutes after the request (past the retry period): asked again. Nothing reached the portal past
        // step 1 meanwhile.
        clock.Now = start.AddMinutes(8);
        await PassWhenDueAsync(worker);
        Assert.Equal(2, (await OutboxMessages.ReadAsync<DossierHistoryRequested>(_db)).Count);
        Assert.Equal(2, _portal.Calls.Count);

        // The replayed 2 arrives: 2, 3 and 4 go as one run, and nothing more is asked.
        await StatusAsync(code, 2, DossierStatus.Received, now: clock.Now);
        await PassWhenDueAsync(worker);
        Assert.Equal([(long)DossierStatus.Received, (long)DossierStatus.InProcessing, (long)DossierStatus.AwaitingPayment],
            _portal.Calls.Skip(2).Where(c => c.Operation == "history").SelectMany(HistoryStatuses));
        Assert.Equal(4, (await LedgerAsync(code)).LastSeqAcked);
        Assert.Equal(2, (await OutboxMessages.ReadAsync<DossierHistoryRequested>(_db)).Count);
    }

    [Fact]
    public async Task Reconciliation_does_not_send_again_steps_a_worker_acknowledged_while_the_portal_was_listing()
    {
        const string code = "38.98.H29-251129-0014";
        await SubmittedAsync(code);
        await StatusAsync(code, 1, DossierStatus.Submitted);
        Assert.True(await _worker.SyncNextAsync(CancellationToken.None));
        await StatusAsync(code, 2, DossierStatus.Received);
        var reconciliation = new Reconciliation(_db, Client(), TimeProvider.System, Options.Create(new ReconciliationOptions()),
            NullLogger<Reconciliation>.Instance);
        var workerSentDuringListing = false;
        // The portal composes its answer (step 1 held), then a worker tries to send step 2 before the answer is read.
        _portal.List = async () =>
        {
            IReadOnlyList<object> listing = [new PortalListing(code, (int)DossierStatus.Submitted, 1)];
            workerSentDuringListing = await NewWorker().SyncNextAsync(CancellationToken.None);
            return listing;
        };

        var report = await reconciliation.ReconcileAsync(SubmittedAt.VietnamDate(), CancellationToken.None);

        // The dossier under comparison is locked: the worker could not acknowledge it meanwhile, so the answer is not stale.
        Assert.False(workerSentDuringListing);
        Assert.Equal((1, 0, 0), (report.Checked, report.Missing, report.Stale));
        Assert.True(await _worker.SyncNextAsync(CancellationToken.None));
        var history = _portal.Calls.Where(c => c.Operation == "history").Select(c => c.IdempotencyKey).ToList();
        Assert.Equal([$"{code}:1:history", $"{code}:2:history"], history); // each step once, first generation
        Assert.Equal(2, (await LedgerAsync(code)).LastSeqAcked);
    }

    [Fact]
    public async Task Steps_the_portal_applied_whose_acknowledgement_was_lost_are_completed_under_the_same_keys_not_sent_as_a_new_generation()
    {
        const string code = "38.98.H29-251129-0016";
        await SubmittedAsync(code);
        await StatusAsync(code, 1, DossierStatus.Submitted);
        await StatusAsync(code, 2, DossierStatus.Received);
        Assert.True(await _worker.SyncNextAsync(CancellationToken.None));
        await StatusAsync(code, 3, DossierStatus.InProcessing);
        await StatusAsync(code, 4, DossierStatus.AwaitingPayment);
        // The portal applies the record and both new steps, but the answer to the last one never comes back.
        _portal.Respond = call => Task.FromResult(call.IdempotencyKey == $"{code}:4:history"
            ? new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) : FakePortal.Answer("0", "Thành công"));
        await PassWhenDueAsync(_worker);
        Assert.Equal(2, (await LedgerAsync(code)).LastSeqAcked);
        _portal.Respond = _ => Task.FromResult(FakePortal.Answer("0", "Thành công"));
        _portal.List = () => Task.FromResult<IReadOnlyList<object>>([new PortalListing(code, (int)DossierStatus.AwaitingPayment, 4)]);
        var reconciliation = new Reconciliation(_db, Client(), TimeProvider.System, Options.Create(new ReconciliationOptions()),
            NullLogger<Reconciliation>.Instance);

        var report = await reconciliation.ReconcileAsync(SubmittedAt.VietnamDate(), CancellationToken.None);
        await PassWhenDueAsync(_worker);

        Assert.Equal((0, 0), (report.Missing, report.Stale));
        Assert.Equal("ahead", Assert.Single(report.Differences).Kind);
        // Steps 3 and 4 go again under their first keys (the portal recognises them); a new generation would apply them twice.
        Assert.Equal([$"{code}:1:history", $"{code}:2:history", $"{code}:3:history", $"{code}:4:history", $"{code}:3:history", $"{code}:4:history"],
            _portal.Calls.Where(c => c.Operation == "history").Select(c => c.IdempotencyKey));
        Assert.Equal(4, (await LedgerAsync(code)).LastSeqAcked);
    }

    [Fact]
    public async Task Create_applied_with_its_acknowledgement_lost_then_retried_with_newer_steps_updates_the_record()
    {
        const string code = "38.98.H29-251129-0015";
        await SubmittedAsync(code);
        await StatusAsync(code, 1, DossierStatus.Submitted);
        var created = false;
        _portal.Respond = call =>
        {
            if (call.Operation != "create") return Task.FromResult(FakePortal.Answer("0", "Thành công"));
            if (created) return Task.FromResult(FakePortal.Answer(PortalAnswer.RecordExists, "Hồ sơ đã tồn tại / The dossier already exists"));
            created = true; // applied, but the acknowledgement is lost on the way back
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        };
        Assert.True(await _worker.SyncNextAsync(CancellationToken.None));
        await StatusAsync(code, 2, DossierStatus.Received); // the retry carries step 2, so its key is new

        await PassWhenDueAsync(_worker);

        Assert.Equal(["create", "create", "update", "history", "history"], _portal.Calls.Select(c => c.Operation));
        Assert.Equal((int)DossierStatus.Received, _portal.Calls[2].Body.GetProperty("TrangThaiHoSo").GetInt32());
        var ledger = await LedgerAsync(code);
        Assert.False(ledger.Failed, ledger.LastError);
        Assert.Equal(2, ledger.LastSeqAcked);
    }

    [Theory]
    [InlineData(null, null, false)]   // nothing waiting
    [InlineData(30, null, false)]     // waiting 30 s: may still be in flight
    [InlineData(90, null, true)]      // past the grace period, never asked
    [InlineData(90, 60, false)]       // asked a minute ago
    [InlineData(900, 360, true)]      // asked six minutes ago and still open
    public void Gap_is_asked_for_after_the_grace_period_and_again_after_the_retry_period(int? waitingSeconds, int? askedSecondsAgo, bool due)
    {
        var now = new DateTimeOffset(2026, 11, 29, 3, 0, 0, TimeSpan.Zero);
        Assert.Equal(due, GapCatchUp.IsDue(waitingSeconds is { } w ? now.AddSeconds(-w) : null,
            askedSecondsAgo is { } a ? now.AddSeconds(-a) : null, now, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public async Task Missing_sequence_arriving_late_releases_the_rest_as_one_update_with_a_history_row_per_step()
    {
        const string code = "38.98.H29-251129-0004";
        await SubmittedAsync(code);
        await StatusAsync(code, 1, DossierStatus.Submitted);
        await StatusAsync(code, 3, DossierStatus.InProcessing);
        Assert.True(await _worker.SyncNextAsync(CancellationToken.None));

        await StatusAsync(code, 2, DossierStatus.Received);
        await PassWhenDueAsync(_worker);

        var calls = _portal.Calls;
        Assert.Equal(["create", "history", "update", "history", "history"], calls.Select(c => c.Operation));
        // Each step under its own key: a retry that re-sends a step the portal already has is a no-op there.
        Assert.Equal([$"{code}:3:record", $"{code}:2:history", $"{code}:3:history"], calls.Skip(2).Select(c => c.IdempotencyKey));
        Assert.Equal((int)DossierStatus.InProcessing, calls[2].Body.GetProperty("TrangThaiHoSo").GetInt32());
        Assert.Equal([(long)DossierStatus.Received], HistoryStatuses(calls[3]));
        Assert.Equal([(long)DossierStatus.InProcessing], HistoryStatuses(calls[4]));
        Assert.Equal(3, (await LedgerAsync(code)).LastSeqAcked);
        Assert.Equal([1L, 3L], (await SyncedEventsAsync()).Select(s => s.Sequence));
    }

    [Theory]
    [InlineData("create", "12", "Mã thủ tục không tồn tại")]
    [InlineData("history", "7", "Thiếu ThoiDiemXuLy")]
    [InlineData("create", "-1", null)]
    public async Task Portal_rejection_marks_the_dossier_failed_with_the_reason_and_is_not_retried(string rejectedOperation, string errorCode, string? reason)
    {
        const string code = "38.98.H29-251129-0005";
        await SubmittedAsync(code);
        await StatusAsync(code, 1, DossierStatus.Submitted);
        _portal.Respond = call => Task.FromResult(call.Operation == rejectedOperation
            ? FakePortal.Answer(errorCode, reason)
            : FakePortal.Answer("0", null));

        Assert.True(await _worker.SyncNextAsync(CancellationToken.None));

        var ledger = await LedgerAsync(code);
        Assert.True(ledger.Failed);
        Assert.Equal($"{errorCode}: {reason}", ledger.LastError);
        Assert.Equal(0, ledger.LastSeqAcked);
        Assert.Equal(1, ledger.Attempts);
        Assert.Empty(await SyncedEventsAsync());
        var callsAfterRejection = _portal.Calls.Count;

        // Due by time (a rejection sets no backoff): only its being failed keeps it from the worker.
        Assert.True((await LedgerAsync(code)).NextAttemptAt <= await DatabaseClockAsync());
        _portal.Respond = _ => Task.FromResult(FakePortal.Answer("0", null));
        Assert.False(await _worker.SyncNextAsync(CancellationToken.None)); // a person must look at it; no retry
        Assert.Equal(callsAfterRejection, _portal.Calls.Count);
    }

    public static TheoryData<string, Func<HttpResponseMessage>, string> TransientAnswers => new()
    {
        { "http 503", () => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable), "http-503: Service Unavailable" },
        { "error_code 503", () => FakePortal.Answer("503", "Hệ thống đang bận"), "503: Hệ thống đang bận" },
    };

    [Theory]
    [MemberData(nameof(TransientAnswers))]
    public async Task Portal_unavailable_postpones_with_growing_backoff_and_keeps_the_dossier_pending(
        string answerKind, Func<HttpResponseMessage> unavailable, string expectedError)
    {
        var code = "38.98.H29-251129-" + (answerKind.StartsWith("http", StringComparison.Ordinal) ? "0006" : "0007");
        await SubmittedAsync(code);
        await StatusAsync(code, 1, DossierStatus.Submitted);
        _portal.Respond = _ => Task.FromResult(unavailable());

        // First failure: attempts 0 → 1, next try 250–500 ms later (half to full of 500 ms).
        var t0 = await DatabaseClockAsync();
        Assert.True(await _worker.SyncNextAsync(CancellationToken.None));
        var t1 = await DatabaseClockAsync();
        var first = await LedgerAsync(code);
        Assert.Equal((1, false, 0L), (first.Attempts, first.Failed, first.LastSeqAcked));
        Assert.Equal(expectedError, first.LastError);
        Assert.InRange(first.NextAttemptAt, t0.AddMilliseconds(249), t1.AddMilliseconds(501));

        // Second failure: attempts 1 → 2, the ceiling doubles to 1 s.
        t0 = await DatabaseClockAsync();
        await PassWhenDueAsync(_worker); // not before the first backoff has passed, so still after t0 + 499 ms below
        t1 = await DatabaseClockAsync();
        var second = await LedgerAsync(code);
        Assert.Equal((2, false, 0L), (second.Attempts, second.Failed, second.LastSeqAcked));
        Assert.InRange(second.NextAttemptAt, t0.AddMilliseconds(499), t1.AddMilliseconds(1001));
        Assert.Empty(await SyncedEventsAsync());

        // The portal is back: the pending dossier goes through and the failure bookkeeping is cleared.
        _portal.Respond = _ => Task.FromResult(FakePortal.Answer("0", null));
        await PassWhenDueAsync(_worker);
        var synced = await LedgerAsync(code);
        Assert.Equal((1L, 0, (string?)null, false), (synced.LastSeqAcked, synced.Attempts, synced.LastError, synced.Failed));
        Assert.Equal([1L], (await SyncedEventsAsync()).Select(s => s.Sequence));
    }

    [Fact]
    public async Task The_procedure_s_field_from_the_submission_reaches_the_portal_as_MaLinhVuc_and_TenLinhVuc()
    {
        const string code = "38.98.H29-251129-0021";
        await using (var c = await _db.OpenConnectionAsync())
        await using (var tx = await c.BeginTransactionAsync())
        {
            await LedgerStore.ProjectSubmissionAsync(tx, new DossierSubmitted(code, "1.004222", "38.98.H29", SubmissionChannel.InPerson,
                "Lê Văn Cường", SubmittedAt, ProcedureName: "Đăng ký thường trú", FieldCode: "BCA-CUTRU", FieldName: "Đăng ký, quản lý cư trú"),
                CancellationToken.None);
            await tx.CommitAsync();
        }
        await StatusAsync(code, 1, DossierStatus.Submitted);

        Assert.True(await _worker.SyncNextAsync(CancellationToken.None));

        var record = _portal.Calls[0].Body;
        Assert.Equal(("BCA-CUTRU", "Đăng ký, quản lý cư trú", "Đăng ký thường trú"), (record.GetProperty("MaLinhVuc").GetString(),
            record.GetProperty("TenLinhVuc").GetString(), record.GetProperty("TenTTHC").GetString()));
        // What the stand-in portal checks of a record, it finds here.
        Assert.Null(Procedures.Sandbox.Portal.PortalRules.ValidateRecord(System.Text.Json.Nodes.JsonNode.Parse(record.GetRawText())!.AsObject()));
    }

    [Fact]
    public async Task Dossier_known_only_from_status_events_waits_for_its_submission_facts()
    {
        const string code = "38.98.H29-251129-0008";
        await StatusAsync(code, 1, DossierStatus.Submitted); // DossierStatusChanged overtook DossierSubmitted

        Assert.False(await _worker.SyncNextAsync(CancellationToken.None));
        Assert.Empty(_portal.Calls);

        await LedgerSeed.SubmittedAsync(_db, LedgerSeed.Submission(code, SubmittedAt, "Phạm Thị Dung", channel: SubmissionChannel.InPerson));
        Assert.True(await _worker.SyncNextAsync(CancellationToken.None));
        Assert.Equal(["create", "history"], _portal.Calls.Select(c => c.Operation));
        Assert.Equal("Phạm Thị Dung", _portal.Calls[0].Body.GetProperty("ChuHoSo").GetString());
    }

    [Fact]
    public async Task Dossier_being_sent_by_one_worker_is_skipped_by_another_not_sent_twice()
    {
        const string busy = "38.98.H29-251129-0009";
        const string other = "38.98.H29-251129-0010";
        await SubmittedAsync(busy);
        await StatusAsync(busy, 1, DossierStatus.Submitted);
        await SubmittedAsync(other);
        await StatusAsync(other, 1, DossierStatus.Submitted);
        // Recorded first, so due first: the first worker claims it.
        Assert.True((await LedgerAsync(busy)).NextAttemptAt < (await LedgerAsync(other)).NextAttemptAt);

        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _portal.Respond = async call =>
        {
            if (call.DossierCode == busy && call.Operation == "create")
            {
                entered.TrySetResult();
                await release.Task;
            }
            return FakePortal.Answer("0", null);
        };
        using var secondWorker = NewWorker();

        var slow = _worker.SyncNextAsync(CancellationToken.None);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        try
        {
            // While the first worker holds the busy dossier, the second takes the other one, then finds nothing due.
            Assert.True(await secondWorker.SyncNextAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.False(await secondWorker.SyncNextAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));
        }
        finally
        {
            release.TrySetResult();
        }
        Assert.True(await slow);

        var calls = _portal.Calls;
        Assert.Equal(["create", "history"], calls.Where(c => c.DossierCode == busy).Select(c => c.Operation));
        Assert.Equal(["create", "history"], calls.Where(c => c.DossierCode == other).Select(c => c.Operation));
        Assert.Equal(1, (await LedgerAsync(busy)).LastSeqAcked);
        Assert.Equal(1, (await LedgerAsync(other)).LastSeqAcked);
        Assert.Equal([busy, other], (await SyncedEventsAsync()).Select(s => s.DossierCode).Order(StringComparer.Ordinal));
    }
}

using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging;
using Procedures.Messaging.CatchUp;
using Procedures.Processing.CatchUp;
using Procedures.Processing.Dossiers;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests;

/// <summary>Processing's periodic digest of dossiers' newest sequences, on a real migrated Processing database.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class HistoryDigestTests(InfrastructureFixture infra)
{
    [Fact]
    public async Task Each_dossier_whose_history_grew_is_announced_once_at_its_newest_sequence_and_the_last_minutes_wait()
    {
        await using var db = await ServiceDatabase.CreateAsync(infra, "processing", typeof(HistoryDigest).Assembly);
        await CoveredToAsync(db, TimeSpan.FromHours(1));
        await DossierAsync(db, "A", (1, TimeSpan.FromMinutes(50)), (2, TimeSpan.FromMinutes(40)));
        await DossierAsync(db, "B", (1, TimeSpan.FromHours(2))); // announced before the covered point
        await DossierAsync(db, "C", (1, TimeSpan.FromMinutes(70)), (2, TimeSpan.FromMinutes(10)));
        await DossierAsync(db, "D", (1, TimeSpan.FromSeconds(30))); // within the lag: its transaction may still be open elsewhere
        var digest = Digest(db);

        Assert.Equal(2, await digest.RunOnceAsync(CancellationToken.None));

        var sent = Assert.Single(await OutboxMessages.ReadAsync<DossierHeadsDigest>(db));
        Assert.Equal([new DossierHead("A", 2), new DossierHead("C", 2)], sent.Heads);
        Assert.True(sent.To - sent.From > TimeSpan.FromMinutes(55) && sent.To - sent.From < TimeSpan.FromMinutes(59), $"{sent.From:O} → {sent.To:O}");

        // Caught up: nothing more until new history or the lag passes. New history is announced at the dossier's newest
        // sequence, and the dossier that was within the lag comes with it (a digest without lag stands in for time passing).
        Assert.Equal(0, await digest.RunOnceAsync(CancellationToken.None));
        await DossierAsync(db, "A", (3, TimeSpan.Zero));
        Assert.Equal(2, await Digest(db, lag: TimeSpan.Zero).RunOnceAsync(CancellationToken.None));
        Assert.Equal([new DossierHead("A", 3), new DossierHead("D", 1)], (await OutboxMessages.ReadAsync<DossierHeadsDigest>(db))[^1].Heads);
        Assert.Equal(2, (await OutboxMessages.ReadAsync<DossierHeadsDigest>(db)).Count);
    }

    [Fact]
    public async Task A_busy_window_is_split_into_messages_and_a_long_outage_into_windows_of_an_hour()
    {
        await using var db = await ServiceDatabase.CreateAsync(infra, "processing", typeof(HistoryDigest).Assembly);
        await CoveredToAsync(db, TimeSpan.FromHours(3));
        foreach (var n in Enumerable.Range(1, 5)) await DossierAsync(db, $"E{n}", (1, TimeSpan.FromMinutes(170)));
        await DossierAsync(db, "F", (1, TimeSpan.FromMinutes(30)));

        Assert.Equal(6, await Digest(db, headsPerMessage: 2).RunOnceAsync(CancellationToken.None));

        var sent = await OutboxMessages.ReadAsync<DossierHeadsDigest>(db);
        Assert.Equal([2, 2, 1, 1], sent.Select(d => d.Heads.Count));
        Assert.Equal(["E1", "E2", "E3", "E4", "E5", "F"], sent.SelectMany(d => d.Heads).Select(h => h.DossierCode));
        Assert.All(sent, d => Assert.True(d.To - d.From <= TimeSpan.FromHours(1)));
        Assert.Equal(sent[0].To, sent[2].To); // one window's messages share it
    }

    private static HistoryDigest Digest(NpgsqlDataSource db, int headsPerMessage = 2000, TimeSpan? lag = null)
        => new(db, new DigestSettings { Lag = lag ?? TimeSpan.FromMinutes(2), ItemsPerMessage = headsPerMessage }, TimeProvider.System,
            NullLogger<HistoryDigest>.Instance);

    /// <summary>How far the digest has covered, the given time ago (the cursor counts on the database's clock).</summary>
    private static Task CoveredToAsync(NpgsqlDataSource db, TimeSpan ago) => DatabaseClock.BackdateAsync(db, "history_digest", "covered_to", ago);

    /// <summary>
    /// A dossier's steps, each recorded through Processing's own decisions and store (submission, then acceptance, then the
    /// start of processing) and then dated the given time ago on the database's clock.
    /// </summary>
    private static async Task DossierAsync(NpgsqlDataSource db, string code, params (long Sequence, TimeSpan Ago)[] steps)
    {
        foreach (var (sequence, ago) in steps)
        {
            var now = DateTimeOffset.UtcNow;
            await (sequence switch
            {
                1 => DossierSeed.SubmittedAsync(db, DossierSeed.Submission(code, now)),
                2 => DossierSeed.ActedAsync(db, code, DossierAction.Accept, now),
                3 => DossierSeed.ActedAsync(db, code, DossierAction.StartProcessing, now),
                _ => throw new ArgumentOutOfRangeException(nameof(steps), sequence, "The tests take a dossier to step 3 at most"),
            });
            if (ago > TimeSpan.Zero)
                await DatabaseClock.BackdateAsync(db, "dossier_history", "recorded_at", ago, "dossier_code = @code AND sequence = @sequence",
                    new { code, sequence });
        }
    }
}

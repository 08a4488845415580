using System.Diagnostics.Metrics;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Procedures.Contracts;
using Procedures.Intake.Dossiers;
using Procedures.Intake.Failover;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests.Failover;

/// <summary>
/// Issue 26: a dossier answered 201 whose commit the promoted primary does not have is reported, not silently missing.
/// On Intake's real migrated database; the failover itself is the identity the check reads changing (a new timeline),
/// the lost commit a code accepted but absent from the table (the cluster run shows the real thing: docs/operations.md).
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class LostAtFailoverTests(InfrastructureFixture infra)
{
    [Fact]
    public async Task After_the_primary_changes_the_accepted_dossiers_it_does_not_have_are_recorded_logged_and_counted_once()
    {
        await using var db = await ServiceDatabase.CreateAsync(infra, "intake", typeof(DossierStore).Assembly);
        var accepted = new RecentlyAccepted(100);
        string[] kept = ["26740.H29-261207-0001", "26740.H29-261207-0002"];
        const string lost = "26740.H29-261207-0003";
        foreach (var code in kept)
            await db.InTransactionAsync(tx => DossierStore.InsertAsync(tx, new NewDossier(code, "1.000948.H29", "26740.H29",
                SubmissionChannel.Online, "Lê Văn Cường", DateTimeOffset.UtcNow, "26740.H29"), CancellationToken.None));
        foreach (var code in kept.Append(lost)) accepted.Add(code);
        var check = new LostAtFailoverCheck(db, accepted, Options.Create(new FailoverOptions()), TimeProvider.System,
            NullLogger<LostAtFailoverCheck>.Instance);
        long counted = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) => { if (i.Name == "procedures.dossiers.lost_at_failover") l.EnableMeasurementEvents(i); };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref counted, value));
        listener.Start();
        await using var connection = await db.OpenConnectionAsync();

        // The real server's identity: a primary on its first timeline.
        var before = await LostAtFailoverCheck.ReadIdentityAsync(connection, CancellationToken.None);
        Assert.Equal(1, before.Timeline);
        Assert.NotEqual(0, before.SystemIdentifier);
        Assert.Empty(await check.ObserveAsync(connection, before, CancellationToken.None)); // the first look only remembers
        Assert.Empty(await check.ObserveAsync(connection, before, CancellationToken.None)); // no change, no check

        var promoted = before with { Timeline = 2, Server = "127.0.0.1:55433" };
        Assert.Equal([lost], await check.ObserveAsync(connection, promoted, CancellationToken.None));
        var row = await connection.QuerySingleAsync<(string Code, int Timeline, string Server)>(
            "SELECT dossier_code, timeline, server FROM lost_at_failover");
        Assert.Equal((lost, 2, "127.0.0.1:55433"), row);
        listener.RecordObservableInstruments();
        Assert.Equal(1, Interlocked.Read(ref counted));
        Assert.DoesNotContain(lost, accepted.Snapshot()); // reported once: a later failover does not report it again

        Assert.Empty(await check.ObserveAsync(connection, promoted with { Timeline = 3 }, CancellationToken.None));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM lost_at_failover"));
    }

    [Fact]
    public void A_new_timeline_or_system_is_a_primary_change_another_address_alone_is_not()
    {
        var seen = new PrimaryIdentity(7000000000000000001, 2, "127.0.0.1:55432");
        Assert.False(PrimaryIdentity.Changed(null, seen));
        Assert.False(PrimaryIdentity.Changed(seen, seen with { Server = "10.0.0.5:5432" }));
        Assert.True(PrimaryIdentity.Changed(seen, seen with { Timeline = 3 }));
        Assert.True(PrimaryIdentity.Changed(seen, seen with { SystemIdentifier = 7000000000000000002 }));
    }

    [Fact]
    public void The_window_keeps_the_most_recent_codes_up_to_its_capacity()
    {
        var accepted = new RecentlyAccepted(3);
        foreach (var code in new[] { "a", "b", "b", "c", "d" }) accepted.Add(code);
        Assert.Equal(["b", "c", "d"], accepted.Snapshot());
        accepted.Forget(["c", "x"]);
        Assert.Equal(["b", "d"], accepted.Snapshot());
        accepted.Add("a"); // forgotten codes made room again; "a" had left the window, so it counts as new
        Assert.Equal(["b", "d", "a"], accepted.Snapshot());
        accepted.Add("e");
        Assert.Equal(["d", "a", "e"], accepted.Snapshot());
    }
}

using Microsoft.Extensions.DependencyInjection;
using System.Net.Http.Json;
using System.Text.Json;
using Procedures.Contracts;
using Procedures.TestInfrastructure;

namespace Procedures.EndToEnd.Tests;

/// <summary>The whole system with every service as two replicas (Infrastructure:Replicas=2), as issue 12's scale-out asks.</summary>
public sealed class ReplicatedSystemFixture : SystemFixture
{
    protected override IEnumerable<string> ExtraArguments => ["Infrastructure:Replicas=2"];
}

[CollectionDefinition(Name)]
public sealed class ReplicatedSystemCollection : ICollectionFixture<ReplicatedSystemFixture>
{
    public const string Name = "replicated-system";
}

/// <summary>
/// Two instances of every service compete for the same queues and run the same background jobs (outbox relays, clock
/// scans, sync workers, reconciliations): every dossier still ends with one status history at the portal, each call
/// applied once, and the sync backlog drains.
/// </summary>
[Collection(ReplicatedSystemCollection.Name)]
public sealed class ReplicatedSystemTests(ReplicatedSystemFixture system)
{
    private static readonly int Dossiers = int.TryParse(Environment.GetEnvironmentVariable("REPLICATED_DOSSIERS"), out var n) ? n : 40;

    [Fact]
    public async Task With_two_replicas_of_every_service_lifecycles_sync_in_order_and_each_call_is_applied_once()
    {
        var sandbox = system.Client(ResourceNames.Sandbox);
        Assert.Equal(2, system.App.Services.GetRequiredService<Aspire.Hosting.ApplicationModel.DistributedApplicationModel>()
            .Resources.OfType<Aspire.Hosting.ApplicationModel.ProjectResource>().Single(r => r.Name == ResourceNames.Processing)
            .Annotations.OfType<Aspire.Hosting.ApplicationModel.ReplicaAnnotation>().Single().Replicas);
        var clerk = await Tokens.ForClientAsync(sandbox, "phuong-sai-gon");
        var admin = await Tokens.ForClientAsync(sandbox, "dev-admin");
        var drive = new Lifecycles(system);
        (await sandbox.PutAsJsonAsync("/sandbox/faults/portal", new { errorRate = 0.2, ackLossRate = 0.05 })).EnsureSuccessStatusCode();
        string[] codes;
        try
        {
            using var gate = new SemaphoreSlim(8);
            codes = await Task.WhenAll(Enumerable.Range(0, Dossiers).Select(async _ =>
            {
                await gate.WaitAsync();
                try { return await drive.LiveAsync(clerk); }
                finally { gate.Release(); }
            }));
        }
        finally
        {
            (await sandbox.PutAsJsonAsync("/sandbox/faults/portal", new { })).EnsureSuccessStatusCode();
        }

        foreach (var code in codes)
        {
            var portal = await Eventually.Until(() => drive.PortalAsync(code), Lifecycles.Final, TimeSpan.FromSeconds(90),
                $"{code}'s final status and history at the portal");
            Assert.Equal([1, 2, 4, 9, 10], portal!.Value.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("TrangThai").GetInt32()));
            var applied = portal.Value.GetProperty("applied").EnumerateArray().Select(a => a.GetString()).ToList();
            Assert.Equal(applied.Count, applied.Distinct().Count());
        }
        await Eventually.Until(() => drive.SyncStatusAsync(admin), s => s.GetProperty("totals").GetProperty("pending").GetInt64() == 0,
            TimeSpan.FromSeconds(60), "an empty sync backlog");
        Assert.Equal(Dossiers, codes.Distinct().Count());
    }
}

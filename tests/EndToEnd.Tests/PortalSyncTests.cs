using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Procedures.Contracts;
using Procedures.TestInfrastructure;

namespace Procedures.EndToEnd.Tests;

/// <summary>
/// Issue 7's proof through the real system: full lifecycles while the sandbox portal fails, lags and goes down; afterwards
/// every dossier's final state and ordered history at the portal, each (dossier, sequence) applied once; rejected payloads
/// parked with the portal's reason; a dossier the portal lost found and sent again by the reconciliation.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class PortalSyncTests(SystemFixture system)
{
    private static readonly int Dossiers = int.TryParse(Environment.GetEnvironmentVariable("SYNC_DOSSIERS"), out var n) ? n : 200;
    private HttpClient Sandbox => system.Client(ResourceNames.Sandbox);
    private HttpClient Processing => system.Client(ResourceNames.Processing);

    private Lifecycles Drive => new(system);

    private async Task SetFaultsAsync(object faults)
        => (await Sandbox.PutAsJsonAsync("/sandbox/faults/portal", faults)).EnsureSuccessStatusCode();

    private Task<string> LiveAsync(string token) => Drive.LiveAsync(token);

    private Task<string> SubmitAsync(string token) => Drive.SubmitAsync(token);

    private Task<JsonElement> SyncStatusAsync(string admin) => Drive.SyncStatusAsync(admin);

    private Task<JsonElement?> PortalAsync(string code) => Drive.PortalAsync(code);

    private static bool Final(JsonElement? portal) => Lifecycles.Final(portal);

    [Fact]
    public async Task Lifecycles_through_errors_latency_and_an_outage_end_fully_synced_in_order_and_applied_once()
    {
        var clerk = await Tokens.ForClientAsync(Sandbox, "phuong-sai-gon");
        var admin = await Tokens.ForClientAsync(Sandbox, "dev-admin");
        var codes = new System.Collections.Concurrent.ConcurrentBag<string>();
        try
        {
            await SetFaultsAsync(new { errorRate = 0.3, latencyRate = 0.1, latencyMs = 2000, ackLossRate = 0.05 });
            using var gate = new SemaphoreSlim(8);
            var outage = Task.CompletedTask;
            var lives = Enumerable.Range(0, Dossiers).Select(async i =>
            {
                await gate.WaitAsync();
                try
                {
                    codes.Add(await LiveAsync(clerk));
                }
                finally
                {
                    gate.Release();
                }
            }).ToList();
            // Half-way through the traffic, the portal goes fully down for 30 s (the scenario's outage, not a wait for readiness).
            await Task.WhenAny(Task.WhenAll(lives), Eventually.Until(() => Task.FromResult(codes.Count >= Dossiers / 2),
                TimeSpan.FromMinutes(5), "half of the lifecycles"));
            await SetFaultsAsync(new { errorRate = 0.3, latencyRate = 0.1, latencyMs = 2000, ackLossRate = 0.05, down = true });
            await Task.Delay(TimeSpan.FromSeconds(30));
            await SetFaultsAsync(new { errorRate = 0.3, latencyRate = 0.1, latencyMs = 2000, ackLossRate = 0.05 });
            await Task.WhenAll(lives);
        }
        finally
        {
            await SetFaultsAsync(new { });
        }
        var recovery = Stopwatch.StartNew();
        var behind = codes.ToList();
        try
        {
            await Eventually.Until(async () =>
            {
                var still = new List<string>();
                foreach (var code in behind)
                    if (!Final(await PortalAsync(code))) still.Add(code);
                behind = still;
                return behind.Count == 0;
            }, TimeSpan.FromMinutes(2), "every dossier's final status and full history at the portal within 2 minutes of the faults ending");
        }
        catch (TimeoutException e)
        {
            var sample = behind.Take(3).Select(async c => $"{c}: {await PortalAsync(c)}");
            throw new TimeoutException($"{e.Message}\n{behind.Count} behind; sync status {await SyncStatusAsync(admin)}\n"
                + string.Join("\n", await Task.WhenAll(sample)) + "\n"
                + string.Join("\n", system.Logs.Where(l => l.Contains("portal", StringComparison.OrdinalIgnoreCase)).TakeLast(10)), e);
        }
        recovery.Stop();
        var status = await Eventually.Until(() => SyncStatusAsync(admin),
            s => s.GetProperty("totals").GetProperty("pending").GetInt64() == 0, TimeSpan.FromSeconds(30), "an empty sync backlog");
        Assert.Equal(JsonValueKind.Null, status.GetProperty("totals").GetProperty("oldestPendingAgeSeconds").ValueKind);

        Assert.Equal(Dossiers, codes.Count);
        foreach (var code in codes)
        {
            var portal = (await PortalAsync(code))!.Value;
            Assert.Equal([1, 2, 4, 9, 10], portal.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("TrangThai").GetInt32()));
            var times = portal.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("ThoiDiemXuLy").GetString()).ToList();
            Assert.Equal(times.Order(StringComparer.Ordinal), times);
            Assert.NotNull(portal.GetProperty("record").GetProperty("NgayTra").GetString());
            // Each (dossier, sequence, call) applied at most once, however often it was sent.
            var applied = portal.GetProperty("applied").EnumerateArray().Select(a => a.GetString()!).ToList();
            Assert.Equal(applied.Count, applied.Distinct().Count());
        }
        Assert.True(recovery.Elapsed < TimeSpan.FromMinutes(2), $"full sync took {recovery.Elapsed} after the faults ended");
    }

    [Fact]
    public async Task A_payload_the_portal_rejects_is_parked_as_failed_with_its_reason_and_sent_again_only_when_asked()
    {
        var clerk = await Tokens.ForClientAsync(Sandbox, "phuong-sai-gon");
        var admin = await Tokens.ForClientAsync(Sandbox, "dev-admin");
        var code = await SubmitAsync(clerk);
        try
        {
            await SetFaultsAsync(new { rejectCodes = new[] { code } });
            await Eventually.Until(async () =>
            {
                using var r = await Processing.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/dossiers/{code}/actions/accept")
                {
                    Content = JsonContent.Create(new { officer = "Nguyễn Thị Hoa", content = "Tiếp nhận" }),
                }.WithToken(clerk));
                return !ProcessingAnswer.NotYetRecorded(r);
            }, TimeSpan.FromSeconds(60), "Processing to record the submission");

            var status = await Eventually.Until(() => SyncStatusAsync(admin),
                s => s.GetProperty("failures").EnumerateArray().Any(f => f.GetProperty("code").GetString() == code),
                TimeSpan.FromSeconds(60), "the rejection in the status endpoint");
            var failure = status.GetProperty("failures").EnumerateArray().Single(f => f.GetProperty("code").GetString() == code);
            Assert.StartsWith("4:", failure.GetProperty("lastError").GetString());
            Assert.Contains("reject", failure.GetProperty("lastError").GetString());
            Assert.True(status.GetProperty("totals").GetProperty("failed").GetInt64() >= 1);
            Assert.True(status.GetProperty("totals").GetProperty("syncRate").GetDouble() < 1);
            // Parked, not retried: nothing of the rejected sequence reaches the portal.
            Assert.DoesNotContain($"{code}:2:", (await PortalAsync(code))?.GetProperty("applied").ToString() ?? "");
        }
        finally
        {
            await SetFaultsAsync(new { });
        }
        using (var retry = await system.Client(ResourceNames.PortalSync).SendAsync(
                   new HttpRequestMessage(HttpMethod.Post, $"/api/v1/sync/dossiers/{code}/retry").WithToken(admin)))
            Assert.Equal(HttpStatusCode.NoContent, retry.StatusCode);
        await Eventually.Until(() => PortalAsync(code), p => p is { } x && x.GetProperty("record").GetProperty("TrangThaiHoSo").GetInt32() == 2,
            TimeSpan.FromSeconds(60), "the dossier synced once the cause is gone and a person asked");
    }

    [Fact]
    public async Task The_reconciliation_finds_a_dossier_the_portal_lost_and_sends_it_again_with_its_whole_history()
    {
        var clerk = await Tokens.ForClientAsync(Sandbox, "phuong-sai-gon");
        var admin = await Tokens.ForClientAsync(Sandbox, "dev-admin");
        var code = await LiveAsync(clerk);
        await Eventually.Until(() => PortalAsync(code), Final, TimeSpan.FromSeconds(60), "the dossier fully synced");
        Assert.Equal(HttpStatusCode.NoContent, (await Sandbox.DeleteAsync($"/sandbox/portal/dossiers/{code}")).StatusCode);

        var today = DateTimeOffset.UtcNow.VietnamDate().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        using var response = await system.Client(ResourceNames.PortalSync).SendAsync(
            new HttpRequestMessage(HttpMethod.Post, $"/api/v1/sync/reconciliation?date={today}").WithToken(admin));
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, report.ToString());
        Assert.Contains(report.GetProperty("differences").EnumerateArray(),
            d => d.GetProperty("code").GetString() == code && d.GetProperty("kind").GetString() == "missing");

        var portal = await Eventually.Until(() => PortalAsync(code), Final, TimeSpan.FromSeconds(60), "the dossier back at the portal");
        Assert.Equal([1, 2, 4, 9, 10], portal!.Value.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("TrangThai").GetInt32()));
    }
}

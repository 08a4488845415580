using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Procedures.Contracts;
using Procedures.TestInfrastructure;

namespace Procedures.EndToEnd.Tests;

/// <summary>
/// A system of its own: the fault suite restarts its broker and database and kills its services. Payment checks pending
/// payments after 10 s instead of 5 min, so callbacks the platform loses are recovered within the run.
/// </summary>
public class FaultSystemFixture : SystemFixture
{
    protected override void Customize(IDistributedApplicationTestingBuilder builder)
        => builder.CreateResourceBuilder<ProjectResource>(ResourceNames.Payment)
            .WithEnvironment("Payment__ReconcileAfter", "00:00:10")
            .WithEnvironment("Payment__ReconcileEvery", "00:00:05");
}

/// <summary>The same, with every service as two replicas (Infrastructure:Replicas=2): issue 12's scale-out mode.</summary>
public sealed class ReplicatedFaultSystemFixture : FaultSystemFixture
{
    protected override IEnumerable<string> ExtraArguments => ["Infrastructure:Replicas=2"];
}

[CollectionDefinition(Name)]
public sealed class FaultSystemCollection : ICollectionFixture<FaultSystemFixture>
{
    public const string Name = "fault-system";
}

[CollectionDefinition(Name)]
public sealed class ReplicatedFaultSystemCollection : ICollectionFixture<ReplicatedFaultSystemFixture>
{
    public const string Name = "replicated-fault-system";
}

/// <summary>The fault suite with one instance of every service.</summary>
[Collection(FaultSystemCollection.Name)]
public sealed class FaultSuiteTests(FaultSystemFixture system) : FaultSuite(system, instances: 1);

/// <summary>
/// The fault suite with two instances of every service: they compete for the same queues and run the same background
/// jobs (outbox relays, clock scans, sync workers, reconciliations) while one instance of each is killed.
/// </summary>
[Collection(ReplicatedFaultSystemCollection.Name)]
public sealed class ReplicatedFaultSuiteTests(ReplicatedFaultSystemFixture system) : FaultSuite(system, instances: 2);

/// <summary>
/// Issue 12's fault suite: lifecycles at a steady rate while RabbitMQ restarts, Postgres crashes (kill -9) and starts, one instance of every
/// service is killed with SIGKILL and started again, the portal answers 10 % of calls with errors and loses 5 % of its
/// acknowledgements, and is down for a while. Afterwards, for every dossier that got a 201: the same final status in
/// Processing and at the portal with the full ordered history, no call applied twice, one successful payment, the
/// outboxes drained and the error queues empty. FAULT_SECONDS sets the portal outage (CI: 15 s; full form: 60).
/// </summary>
public abstract class FaultSuite(FaultSystemFixture system, int instances)
{
    protected FaultSystemFixture Fixture => system;

    /// <summary>Names the summary file beside the test binaries: the instance count, or the topology.</summary>
    protected virtual string SummaryName => instances.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static readonly int OutageSeconds = int.TryParse(Environment.GetEnvironmentVariable("FAULT_SECONDS"), out var s) ? s : 15;
    protected internal static readonly string[] Killed =
        [ResourceNames.Intake, ResourceNames.Processing, ResourceNames.Payment, ResourceNames.PortalSync, ResourceNames.Reporting, ResourceNames.Notifications];
    private static readonly int[] FullHistory = [1, 2, 4, 6, 4, 9, 10];

    private HttpClient Sandbox => system.Client(ResourceNames.Sandbox);

    /// <summary>The services killed (-9) and started again, one after the other, after the infrastructure's faults.</summary>
    protected virtual IReadOnlyList<string> ServicesToKill => Killed;

    [Fact]
    public async Task Through_broker_database_service_and_portal_failures_every_accepted_dossier_ends_the_same_everywhere_once()
    {
        try
        {
            await RunAsync();
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or HttpRequestException or TaskCanceledException)
        {
            // A wait that ran out names what it waited for, not why: the services' last lines say that (and the whole
            // log is kept beside the test binaries).
            throw new InvalidOperationException($"{e.Message}\n{await LogTailAsync()}", e);
        }
    }

    /// <summary>
    /// What the suite does after its verdict passed (the clustered suite shows the asynchronous-replication loss there,
    /// once the traffic has stopped); <paramref name="clerk"/> is the desk's token.
    /// </summary>
    protected virtual Task AfterVerdictAsync(string clerk) => Task.CompletedTask;

    /// <summary>Writes every line the system logged to a file beside the test binaries; returns each service's last lines and the file's name.</summary>
    private async Task<string> LogTailAsync()
    {
        var lines = system.Logs.ToArray();
        var file = Path.Combine(AppContext.BaseDirectory, $"fault-suite-log-{SummaryName}.txt");
        await File.WriteAllLinesAsync(file, lines);
        var tail = new System.Text.StringBuilder($"the system's log: {file}; each service's last lines:\n");
        foreach (var service in Killed)
            foreach (var line in lines.Where(l => l.StartsWith($"AppHost.Resources.{service}:", StringComparison.Ordinal)).TakeLast(15))
                tail.AppendLine("  | " + (line.Length > 400 ? line[..400] + "…" : line.TrimEnd()));
        return tail.ToString();
    }

    private async Task RunAsync()
    {
        var model = system.App.Services.GetRequiredService<DistributedApplicationModel>();
        foreach (var service in Killed)
            Assert.Equal(instances, model.Resources.Single(r => r.Name == service).Annotations.OfType<ReplicaAnnotation>().SingleOrDefault()?.Replicas ?? 1);
        var clerk = await Tokens.ForClientAsync(Sandbox, "phuong-sai-gon");
        var admin = await Tokens.ForClientAsync(Sandbox, "dev-admin");
        var drive = new Lifecycles(system);
        using var stop = new CancellationTokenSource();
        var accepted = new System.Collections.Concurrent.ConcurrentBag<string>();
        var faults = new List<string>();
        // Two desks working steadily through everything below, retrying as an integrator would.
        var traffic = _traffic = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
                if (await ResilientLifeAsync(clerk, stop.Token) is { } code) accepted.Add(code);
        })).ToList();

        (await Sandbox.PutAsJsonAsync("/sandbox/faults/payment", new { callbackLostRate = 0.2 })).EnsureSuccessStatusCode();
        faults.Add("20% of payment callbacks lost");
        (await Sandbox.PutAsJsonAsync("/sandbox/faults/portal", new { errorRate = 0.1, ackLossRate = 0.05 })).EnsureSuccessStatusCode();
        faults.Add("portal: 10% errors, 5% acknowledgements lost");
        await WaitForTrafficAsync(accepted, 3);
        await BreakInfrastructureAsync(faults, accepted);
        foreach (var service in ServicesToKill)
        {
            var watch = Stopwatch.StartNew();
            await KillAndStartAsync(service);
            if (instances == 1) await AnsweringAsync(service); // with two, the other instance answers meanwhile
            faults.Add(instances == 1 ? $"{service} killed -9 and started (answering its health check {watch.Elapsed.TotalSeconds:F0} s after the kill)"
                : $"one of 2 {service} killed -9 and started");
        }
        await WaitForTrafficAsync(accepted, accepted.Count + 2);
        (await Sandbox.PutAsJsonAsync("/sandbox/faults/portal", new { down = true })).EnsureSuccessStatusCode();
        faults.Add($"portal down {OutageSeconds} s");
        await Task.Delay(TimeSpan.FromSeconds(OutageSeconds)); // the outage itself, not a wait for readiness
        (await Sandbox.PutAsJsonAsync("/sandbox/faults/portal", new { })).EnsureSuccessStatusCode();
        var lastFault = Stopwatch.StartNew();
        await WaitForTrafficAsync(accepted, accepted.Count + 2);
        stop.Cancel();
        await Task.WhenAll(traffic);
        (await Sandbox.PutAsJsonAsync("/sandbox/faults/payment", new { })).EnsureSuccessStatusCode();

        // Counted, not asserted one by one, so the summary says how many went wrong before the test fails.
        var codes = accepted.ToList();
        var lost = new List<string>();
        var duplicated = new List<string>();
        foreach (var code in codes)
        {
            var verdict = await CheckAsync(code, clerk, drive);
            if (verdict.Lost is { } why) lost.Add($"{code}: {why}");
            duplicated.AddRange(verdict.Duplicated.Select(d => $"{code}: {d}"));
        }
        var synced = lastFault.Elapsed;
        await Eventually.Until(() => drive.SyncStatusAsync(admin), st => st.GetProperty("totals").GetProperty("pending").GetInt64() == 0,
            TimeSpan.FromMinutes(1), "an empty sync backlog");

        foreach (var service in Killed)
            await Eventually.Until(() => UnsentAsync(service), n => n == 0, TimeSpan.FromMinutes(1), $"{service}'s outbox drained");
        var errors = await ErrorQueuesAsync();

        var catchUps = await GapRequestsAsync();
        var summary = $"fault suite ({SummaryName}), {instances} instance(s) of every service: {codes.Count} dossiers accepted (201); "
                      + $"faults: {string.Join("; ", faults)}; lost {lost.Count}, duplicated {duplicated.Count}; "
                      + $"status events asked for again by PortalSync {catchUps}; "
                      + $"error queues: {(errors.Count == 0 ? "empty" : string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value}")))}; "
                      + $"full sync {synced.TotalSeconds:F0} s after the last fault";
        if (lost.Count + duplicated.Count > 0)
            summary += $"\nlost: {string.Join("; ", lost)}\nduplicated: {string.Join("; ", duplicated)}";
        Console.WriteLine(summary);
        // Kept beside the test binaries for RELIABILITY.md (xunit does not show a passing test's output).
        await File.WriteAllTextAsync(Path.Combine(AppContext.BaseDirectory, $"fault-suite-summary-{SummaryName}.txt"), summary);
        Assert.True(lost.Count == 0, "lost: " + string.Join("; ", lost));
        Assert.True(duplicated.Count == 0, "duplicated: " + string.Join("; ", duplicated));
        Assert.True(errors.Count == 0, "messages in error queues: " + string.Join("; ", errors.Select(e => $"{e.Key}: {e.Value}")));
        Assert.True(codes.Count >= 9, $"only {codes.Count} lifecycles got through");
        await AfterVerdictAsync(clerk);
    }

    /// <summary>
    /// Lost: the dossier does not reach status 10 with the full history at the portal and in Processing, paid online.
    /// Duplicated: a portal call applied twice, or more than one successful payment.
    /// </summary>
    protected internal async Task<(string? Lost, List<string> Duplicated)> CheckAsync(string code, string token, Lifecycles drive)
    {
        var duplicated = new List<string>();
        JsonElement portal;
        try
        {
            portal = (await Eventually.Until(() => drive.PortalAsync(code),
                p => p is { } x && x.GetProperty("record").GetProperty("TrangThaiHoSo").GetInt32() == 10 && x.GetProperty("history").GetArrayLength() >= FullHistory.Length,
                TimeSpan.FromMinutes(3), $"{code} fully synced after the faults"))!.Value;
        }
        catch (TimeoutException)
        {
            var last = await drive.PortalAsync(code);
            var atPortal = last is { } p
                ? $"portal at {p.GetProperty("record").GetProperty("TrangThaiHoSo")} with {p.GetProperty("history").GetArrayLength()} step(s), applied {string.Join(",", p.GetProperty("applied").EnumerateArray())}"
                : "unknown at the portal";
            return ($"not fully synced in 3 minutes: {atPortal}; PortalSync's ledger: {await LedgerAsync(code)}", duplicated);
        }
        var portalHistory = portal.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("TrangThai").GetInt32()).ToArray();
        var applied = portal.GetProperty("applied").EnumerateArray().Select(a => a.GetString()).ToList();
        duplicated.AddRange(applied.GroupBy(a => a).Where(g => g.Count() > 1).Select(g => $"portal call {g.Key} applied {g.Count()} times"));
        if (!portalHistory.SequenceEqual(FullHistory)) duplicated.Add($"portal history {string.Join(",", portalHistory)}");

        using var lookup = await system.Client(ResourceNames.Processing).GetAsync($"/api/v1/public/dossiers/{code}?idLast4=1234");
        var processing = await lookup.Content.ReadFromJsonAsync<JsonElement>();
        var history = processing.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("status").GetInt32()).ToArray();
        if (processing.GetProperty("status").GetInt32() != 10 || !history.SequenceEqual(FullHistory))
            return ($"Processing shows {processing.GetProperty("status").GetInt32()} with history {string.Join(",", history)}", duplicated);
        if (portal.GetProperty("record").GetProperty("DuocThanhToanTrucTuyen").GetInt32() != 1) return ("the portal does not show it paid online", duplicated);

        using var payments = await system.Client(ResourceNames.Payment).SendAsync(
            new HttpRequestMessage(HttpMethod.Get, $"/api/v1/dossiers/{code}/payments").WithToken(token));
        var succeeded = (await payments.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("payments").EnumerateArray()
            .Count(p => p.GetProperty("state").GetString() == "succeeded");
        if (succeeded == 0) return ("no successful payment", duplicated);
        if (succeeded > 1) duplicated.Add($"{succeeded} successful payments"); // however many callbacks came, one success
        return (null, duplicated);
    }

    /// <summary>The broker and the database fail under traffic; each step waits until lifecycles complete again.</summary>
    protected virtual async Task BreakInfrastructureAsync(List<string> faults, System.Collections.Concurrent.ConcurrentBag<string> accepted)
    {
        await RestartAsync(ResourceNames.RabbitMq); faults.Add("rabbitmq restarted");
        await WaitForTrafficAsync(accepted, accepted.Count + 2);
        // A crash, not a clean stop: whatever was in flight is cut off mid-transaction and the database replays its WAL.
        await KillAndStartAsync(ResourceNames.Postgres); faults.Add("postgres killed -9 and started");
        await WaitForTrafficAsync(accepted, accepted.Count + 2);
    }

    private const string FeeBearingProcedure = "1.004222"; // 20,000 VND

    private object[]? _feeBearingDocuments;

    /// <summary>
    /// One fee-bearing lifecycle (submit, accept, start, ask for the fee, pay on the platform's page, decide, return),
    /// each step retried until it is known to have happened; the submission under one Idempotency-Key. <paramref name="stage"/>
    /// hears the dossier's code and each step as it begins ("submitted" once the 201 came), for a soak's stall report.
    /// </summary>
    protected internal async Task<string?> ResilientLifeAsync(string token, CancellationToken stop, Action<string, string>? stage = null)
    {
        var key = Guid.NewGuid().ToString();
        string? code = null;
        await RetryAsync(async () => (code = await SubmitAsync(token, key, stop)) is not null, stop);
        if (code is null) return null;
        stage?.Invoke(code, "submitted");
        foreach (var (action, target) in new[] { ("accept", 2), ("start-processing", 4), ("request-payment", 6) })
        {
            stage?.Invoke(code, action);
            await StepAsync(code, action, target, token);
        }
        stage?.Invoke(code, "paying");
        await RetryAsync(async () =>
        {
            using var response = await system.Client(ResourceNames.Payment).SendAsync(
                new HttpRequestMessage(HttpMethod.Get, $"/api/v1/dossiers/{code}/payments").WithToken(token));
            if (!response.IsSuccessStatusCode) return false;
            var payments = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("payments").EnumerateArray().ToList();
            if (payments.Any(p => p.GetProperty("state").GetString() == "succeeded")) return true;
            var url = payments.Select(p => p.TryGetProperty("paymentUrl", out var u) ? u.GetString() : null).LastOrDefault(u => u is not null);
            if (url is null) return false;
            using var paid = await Sandbox.PostAsync(new Uri(url).PathAndQuery, new FormUrlEncodedContent([new("outcome", "pay")]));
            return paid.IsSuccessStatusCode;
        }, CancellationToken.None, () => $"paying {code}");
        // Back in processing once Payment's confirmation arrives (by callback, or by the reconciliation when it was lost).
        stage?.Invoke(code, "waiting for the payment's confirmation");
        await RetryAsync(async () => await PublicStatusAsync(code) == 4, CancellationToken.None, () => $"{code} back to 4 after payment");
        foreach (var (action, target) in new[] { ("decide", 9), ("return-result", 10) })
        {
            stage?.Invoke(code, action);
            await StepAsync(code, action, target, token);
        }
        return code;
    }

    /// <summary>One fee-bearing submission at Intake under <paramref name="key"/>: its code on a 201, null otherwise.</summary>
    protected internal async Task<string?> SubmitAsync(string token, string key, CancellationToken stop)
    {
        _feeBearingDocuments ??= (await system.Client(ResourceNames.Intake).GetFromJsonAsync<JsonElement>($"/api/v1/procedures/{FeeBearingProcedure}", stop))
            .GetProperty("current").GetProperty("documents").EnumerateArray().Where(d => d.GetProperty("required").GetBoolean())
            .Select(d => Submissions.Reused(d.GetProperty("code").GetString()))
            .ToArray();
        var body = new
        {
            procedureCode = FeeBearingProcedure, receivingUnit = "26740.H29", channel = 2,
            applicant = new { kind = "citizen", name = "Nguyễn Văn A", citizenId = "079203001234", phone = "0912345678", vneidLevel2 = true },
            summary = "Đăng ký thường trú", documents = _feeBearingDocuments,
        };
        using var request = Submissions.Post("26740.H29", token, key, body);
        using var response = await system.Client(ResourceNames.Intake).SendAsync(request, stop);
        if (response.StatusCode != HttpStatusCode.Created) return null;
        return (await response.Content.ReadFromJsonAsync<JsonElement>(stop)).GetProperty("dossierCode").GetString();
    }

    private async Task<int> PublicStatusAsync(string code)
    {
        using var lookup = await system.Client(ResourceNames.Processing).GetAsync($"/api/v1/public/dossiers/{code}?idLast4=1234");
        return lookup.IsSuccessStatusCode ? (await lookup.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32() : 0;
    }

    private async Task StepAsync(string code, string action, int target, string token)
    {
        var lastAnswer = "";
        await RetryAsync(async () =>
        {
            using var response = await system.Client(ResourceNames.Processing).SendAsync(
                new HttpRequestMessage(HttpMethod.Post, $"/api/v1/dossiers/{code}/actions/{action}")
                {
                    Content = JsonContent.Create(new { officer = "Nguyễn Thị Hoa", content = action }),
                }.WithToken(token), CancellationToken.None);
            if (response.IsSuccessStatusCode) return true;
            lastAnswer = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            // A step whose answer was lost shows as a conflict naming the status it already reached.
            return response.StatusCode == HttpStatusCode.Conflict
                   && (await response.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("currentStatus", out var current)
                   && current.GetInt32() == target;
        }, CancellationToken.None, () => $"{action} on {code} (last answer: {lastAnswer})");
    }

    private static async Task RetryAsync(Func<Task<bool>> step, CancellationToken stop, Func<string>? what = null)
    {
        var deadline = Stopwatch.StartNew();
        Exception? last = null;
        while (!stop.IsCancellationRequested && deadline.Elapsed < TimeSpan.FromMinutes(4))
        {
            try
            {
                if (await step()) return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException) { last = e; }
            await Task.Delay(250, CancellationToken.None); // back off between attempts of an integrator's retry loop
        }
        if (!stop.IsCancellationRequested) throw new TimeoutException($"{what?.Invoke() ?? "a lifecycle step"} did not get through in 4 minutes (last error: {last?.Message})");
    }

    private List<Task> _traffic = [];

    /// <summary>
    /// Waits until <paramref name="count"/> lifecycles completed; a desk that stopped (an answer outside the contract, such
    /// as a 500, ends its loop) fails the wait at once with its reason, instead of a timeout that names no fault.
    /// </summary>
    protected Task WaitForTrafficAsync(System.Collections.Concurrent.ConcurrentBag<string> accepted, int count)
        => Eventually.Until(() => _traffic.FirstOrDefault(t => t.IsFaulted) is { } stopped
                ? Task.FromException<bool>(new InvalidOperationException("a desk's traffic stopped", stopped.Exception!.InnerException))
                : Task.FromResult(accepted.Count >= count),
            TimeSpan.FromMinutes(3), $"{count} lifecycles completed");

    /// <summary>The AppHost's own restart (stop, then start), for the broker.</summary>
    private async Task RestartAsync(string resource)
    {
        var commands = system.App.Services.GetRequiredService<ResourceCommandService>();
        var result = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.RestartCommand);
        Assert.True(result.Success, $"restart {resource}: {result.Message}");
        await system.App.ResourceNotifications.WaitForResourceHealthyAsync(resource).WaitAsync(TimeSpan.FromMinutes(2));
    }

    /// <summary>
    /// SIGKILL to one instance of the resource (its process id as the AppHost reports it, and every process under it),
    /// then start that instance again and wait until it is healthy. With two replicas the other instance carries on.
    /// Postgres goes the same way: its script and every server process die at once, as in a power cut.
    /// </summary>
    protected internal async Task KillAndStartAsync(string service) => await StartAgainAsync(service, await KillAsync(service));

    /// <summary>SIGKILL to one healthy instance of the resource and every process under it; returns the instance's id.</summary>
    protected internal async Task<string> KillAsync(string service)
    {
        // A healthy instance of the service, by its own id (with replicas, the resource name stands for all of them).
        var state = await system.App.ResourceNotifications.WaitForResourceHealthyAsync(service).WaitAsync(TimeSpan.FromMinutes(2));
        var instance = state.ResourceId;
        var pid = Pid(state.Snapshot) ?? throw new InvalidOperationException($"{instance} reports no process id");
        // The pid is `dotnet run`'s; the service is its child, so the whole tree goes (SIGKILL on Linux).
        Process.GetProcessById(pid).Kill(entireProcessTree: true);
        _killed[instance] = pid;
        return instance;
    }

    /// <summary>The process id each killed instance had, so its start again is known by a new one.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _killed = new();

    private static int? Pid(CustomResourceSnapshot snapshot)
        => snapshot.Properties.SingleOrDefault(p => p.Name == "executable.pid")?.Value is { } value
            ? Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture) : null;

    /// <summary>Starts a killed instance again and waits until it is healthy.</summary>
    protected internal async Task StartAgainAsync(string service, string instance)
    {
        var commands = system.App.Services.GetRequiredService<ResourceCommandService>();
        await Eventually.Until(async () => (await commands.ExecuteCommandAsync(instance, KnownResourceCommands.StartCommand)).Success,
            TimeSpan.FromSeconds(60), $"{instance} to start again");
        // Waits match on the resource's name, so the instance is picked out by its id; and on a new process, because the
        // snapshot can still show the killed one as healthy (its health is published again only when it changes), which
        // would time the recovery at 0 s.
        var killed = _killed.GetValueOrDefault(instance);
        await system.App.ResourceNotifications.WaitForResourceAsync(service,
            e => e.ResourceId == instance && e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy
                 && Pid(e.Snapshot) is { } pid && pid != killed)
            .WaitAsync(TimeSpan.FromMinutes(2));
    }

    /// <summary>
    /// Waits until the service answers its health check (database and broker reachable). The AppHost's snapshot is no
    /// measure of that: it can show a restarted process healthy before its checks ran again.
    /// </summary>
    protected internal Task AnsweringAsync(string service) => Eventually.Until(async () =>
    {
        try
        {
            using var health = await system.Client(service).GetAsync("/health");
            return health.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException) { return false; }
    }, TimeSpan.FromMinutes(2), $"{service} to answer its health check");

    protected internal Task<long> UnsentAsync(string service)
        => ScalarAsync<long>(service, "SELECT count(*) FROM messaging.outbox WHERE sent_at IS NULL");

    /// <summary>PortalSync's ledger row and the sequences it holds for one dossier: where a sync that did not finish stands.</summary>
    private async Task<string> LedgerAsync(string code) => await ScalarAsync<string?>(ResourceNames.PortalSync, """
        SELECT format('known %s, acked %s, has_data %s, failed %s, attempts %s, last_error %s, next attempt in %s, gap requests %s, events [%s]',
                      d.last_seq_known, d.last_seq_acked, d.has_data, d.failed, d.attempts, d.last_error, d.next_attempt_at - now(), d.gap_requests,
                      (SELECT string_agg(e.sequence::text, ',' ORDER BY e.sequence) FROM sync_events e WHERE e.dossier_code = d.code))
        FROM sync_dossiers d WHERE d.code = @code
        """, ("code", code)) ?? "no ledger row";

    /// <summary>How often PortalSync found a status event missing and asked Processing for it again (0 when nothing was lost on the way).</summary>
    protected internal Task<long> GapRequestsAsync()
        => ScalarAsync<long>(ResourceNames.PortalSync, "SELECT coalesce(sum(gap_requests), 0)::bigint FROM sync_dossiers");

    /// <summary>One value read from a service's own database.</summary>
    protected async Task<T> ScalarAsync<T>(string service, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(await system.App.GetConnectionStringAsync(ResourceNames.Database(service)));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? default! : (T)result;
    }

    /// <summary>Every non-empty error queue, with each message's type and the reason MassTransit recorded (left in the queue).</summary>
    protected internal async Task<Dictionary<string, string>> ErrorQueuesAsync()
    {
        using var management = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{system.RabbitMqManagementPort}") };
        management.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("guest:guest"u8.ToArray()));
        var queues = await management.GetFromJsonAsync<JsonElement>("/api/queues");
        var errors = new Dictionary<string, string>();
        foreach (var name in queues.EnumerateArray()
                     .Where(q => q.GetProperty("name").GetString()!.EndsWith("_error", StringComparison.Ordinal)
                                 && q.TryGetProperty("messages", out var m) && m.ValueKind == JsonValueKind.Number && m.GetInt64() > 0)
                     .Select(q => q.GetProperty("name").GetString()!))
        {
            using var peek = await management.PostAsJsonAsync($"/api/queues/%2F/{Uri.EscapeDataString(name)}/get",
                new { count = 20, ackmode = "ack_requeue_true", encoding = "auto" });
            var messages = await peek.Content.ReadFromJsonAsync<JsonElement>();
            errors[name] = string.Join(" | ", messages.EnumerateArray().Select(m =>
            {
                var headers = m.GetProperty("properties").TryGetProperty("headers", out var h) ? h : default;
                string? Header(string key) => headers.ValueKind == JsonValueKind.Object && headers.TryGetProperty(key, out var v) ? v.ToString() : null;
                return $"{Header("MT-Fault-ExceptionType")}: {Header("MT-Fault-Message")}";
            }));
        }
        return errors;
    }
}

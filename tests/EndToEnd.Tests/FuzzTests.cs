using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Procedures.Contracts;
using Procedures.EndToEnd.Tests.Fuzz;
using Procedures.TestInfrastructure;
using Xunit.Abstractions;

namespace Procedures.EndToEnd.Tests;

/// <summary>
/// Security requirement: at least 10,000 generated hostile requests (malformed JSON, wrong types, huge numbers and
/// strings, injection strings, invalid Unicode, missing and duplicated fields, bad tokens) across every endpoint of
/// every service, with no 5xx, no partial write, and every refusal a problem details.
/// <para>
/// Endpoints come from each service's OpenAPI document at run time, so new ones are fuzzed without editing this test.
/// Requests are reproducible: the seed is printed (set FUZZ_SEED to replay it; FUZZ_REQUESTS changes the volume), and
/// request <c>i</c> of an endpoint depends only on (seed, endpoint, i). A full report is written to the temp folder.
/// </para>
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class FuzzTests(SystemFixture system, ITestOutputHelper output)
{
    private const int MinimumRequests = 10_000;
    private const int DefaultTarget = 10_600;
    private const int MinimumPerEndpoint = 150;
    private const int UnknownRoutesPerService = 40;
    private const int RequestsPerSwitch = 60;
    private const int Concurrency = 16;

    /// <summary>
    /// Services that keep the default rate limit in the test system (Hardening: 1200 requests a minute per client, or per
    /// address when anonymous): the AppHost raises it only for services wired with WithInfrastructure, not the sandbox,
    /// whose callers are all anonymous from one address — PortalSync's portal calls and every token request included.
    /// The fuzzer stays at 60% of that, paced, so the rest of the system keeps working while it runs.
    /// </summary>
    private static readonly Dictionary<string, int> Throttled = new() { [ResourceNames.Sandbox] = 720 };

    /// <summary>Every scope the services know (ServiceDefaults' Scopes.All), for forged tokens that claim everything.</summary>
    private const string AllScopes =
        "procedures.admin dossiers.submit reception processing payments sync reporting audit webhooks calendar.admin feedback internal";

    [Fact]
    public async Task Hostile_requests_to_every_endpoint_get_no_5xx_no_partial_write_and_problem_details()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("FUZZ_SEED"), out var fixedSeed) ? fixedSeed : Random.Shared.Next();
        var target = int.TryParse(Environment.GetEnvironmentVariable("FUZZ_REQUESTS"), out var wanted) ? wanted : DefaultTarget;
        output.WriteLine($"Fuzz seed {seed} (rerun with FUZZ_SEED={seed})");
        using var run = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var ct = run.Token;

        var sandbox = system.Client(ResourceNames.Sandbox);
        var intake = system.Client(ResourceNames.Intake);
        var reporting = system.Client(ResourceNames.Reporting);
        var admin = await Tokens.ForClientAsync(sandbox, "dev-admin");
        var auditor = await Tokens.ForClientAsync(sandbox, "city-auditor");
        var otherAgency = await Tokens.ForClientAsync(sandbox, "phuong-tan-dinh");

        // Every operation of every service, as each documents itself.
        var endpoints = new List<FuzzEndpoint>();
        var addresses = new Dictionary<string, Uri>();
        foreach (var service in SystemFixture.Services)
        {
            var client = system.Client(service);
            addresses[service] = client.BaseAddress!;
            var found = await OpenApiCatalog.DiscoverAsync(service, client, ct);
            Assert.True(found.Count > 0, $"{service} documents no operation in /openapi/v1.json");
            endpoints.AddRange(found);
        }
        output.WriteLine($"{endpoints.Count} endpoints discovered:");
        foreach (var e in endpoints) output.WriteLine($"  {e.Key}  params [{string.Join(", ", e.Parameters.Select(p => $"{p.In}:{p.Name}"))}]" +
                                                     $"{(e.BodySchema is null ? "" : "  body " + string.Join("|", e.BodyMediaTypes))}");

        // Switchable faults start off; one dossier gives path and query parameters a real value to hit.
        var switches = endpoints.Where(e => e.Path.StartsWith("/sandbox/", StringComparison.Ordinal)).ToList();
        await ResetSwitchesAsync(sandbox, switches, ct);
        var seedCode = await SubmitAsync(intake, admin, ct);

        // Baseline of what is stored, once Reporting has caught up with what earlier tests submitted.
        var before = await DossierCodesAsync(intake, admin, ct);
        var submittedBefore = await Eventually.Until(() => SubmittedAsync(reporting, ct), n => n == before.Count,
            TimeSpan.FromSeconds(60), "Reporting to count every dossier Intake holds before the fuzz");

        var factory = new RequestFactory(seed, AuthMix(admin, auditor, otherAgency), Hints(seedCode),
            e => endpoints.Where(x => x.Service == e.Service && x.Path == e.Path).Select(x => x.Method).ToList());
        var perEndpoint = Budget(endpoints, switches, target);

        var main = new List<Func<FuzzRequest>>();
        foreach (var endpoint in endpoints.Except(switches))
            for (var i = 0; i < perEndpoint(endpoint); i++) { var index = i; main.Add(() => factory.Create(endpoint, index)); }
        foreach (var service in SystemFixture.Services)
            for (var i = 0; i < UnknownRoutes(service); i++) { var index = i; main.Add(() => factory.CreateUnknownRoute(service, index)); }
        Shuffle(main, new Random(seed));
        // Fault switches run alone afterwards: while one is on, the portal answers 503 by design.
        var faults = switches.SelectMany(e => Enumerable.Range(0, perEndpoint(e)).Select(i => (Func<FuzzRequest>)(() => factory.Create(e, i)))).ToList();

        var outcomes = new List<Outcome>();
        var clock = Stopwatch.StartNew();
        using (var runner = new FuzzRunner(addresses, Concurrency, TimeSpan.FromSeconds(30), Throttled))
        {
            try
            {
                outcomes.AddRange(await runner.RunAsync(main, ct));
                outcomes.AddRange(await runner.RunAsync(faults, ct));
            }
            finally
            {
                await ResetSwitchesAsync(sandbox, switches, CancellationToken.None);
            }
        }
        clock.Stop();

        var invariants = new List<string>();
        await CheckSwitchesAreOffAsync(sandbox, switches, invariants, ct);
        await CheckNoPartialWritesAsync(intake, reporting, admin, before, submittedBefore, outcomes, invariants, ct);
        await CheckAuditChainsAsync(addresses, endpoints, auditor, invariants, ct);

        var summary = FuzzReport.Summary(seed, clock.Elapsed, endpoints, outcomes);
        var violations = FuzzReport.Violations(outcomes, invariants);
        output.WriteLine(summary);
        output.WriteLine(violations);
        var reportPath = Path.Combine(Path.GetTempPath(), $"procedures-fuzz-{seed}.txt");
        await File.WriteAllTextAsync(reportPath, FuzzReport.Full(summary, violations, outcomes), CancellationToken.None);
        output.WriteLine($"Full report: {reportPath}");

        Assert.True(outcomes.Count >= MinimumRequests, $"Only {outcomes.Count} requests were sent; the requirement is {MinimumRequests}.");
        if (invariants.Count > 0 || outcomes.Any(o => o.Violation is not null))
            Assert.Fail($"Fuzz seed {seed}: " + violations + Environment.NewLine + "Full report: " + reportPath);
    }

    // ---- inputs --------------------------------------------------------------------------------------------

    private static int UnknownRoutes(string service) => Throttled.ContainsKey(service) ? UnknownRoutesPerService / 2 : UnknownRoutesPerService;

    /// <summary>
    /// Requests per endpoint: a throttled service's endpoints share what its pace allows in about a minute (fault switches,
    /// tiny and run alone at the end, a fixed share); every other endpoint gets an equal part of the rest of the target.
    /// </summary>
    private static Func<FuzzEndpoint, int> Budget(IReadOnlyList<FuzzEndpoint> endpoints, IReadOnlyCollection<FuzzEndpoint> switches, int target)
    {
        var throttled = Throttled.ToDictionary(t => t.Key, t =>
        {
            var own = endpoints.Where(e => e.Service == t.Key).ToList();
            var rest = t.Value - UnknownRoutes(t.Key) - RequestsPerSwitch * own.Count(switches.Contains);
            return Math.Max(40, rest / Math.Max(1, own.Count(e => !switches.Contains(e))));
        });
        int Paced(FuzzEndpoint e) => switches.Contains(e) ? RequestsPerSwitch : throttled[e.Service];
        var free = endpoints.Count(e => !throttled.ContainsKey(e.Service));
        var freeBudget = target - SystemFixture.Services.Sum(UnknownRoutes) - endpoints.Where(e => throttled.ContainsKey(e.Service)).Sum(Paced);
        var perFree = Math.Max(MinimumPerEndpoint, (int)Math.Ceiling((double)freeBudget / Math.Max(1, free)));
        return e => throttled.ContainsKey(e.Service) ? Paced(e) : perFree;
    }

    /// <summary>Mostly a valid all-scopes token, so handlers run; the rest probes authentication itself.</summary>
    private static IReadOnlyList<AuthChoice> AuthMix(string admin, string auditor, string otherAgency)
    {
        const string control = "000.00.00.H29";
        return
        [
            new("dev-admin", "Bearer " + admin, 78),
            new("none", null, 5),
            new("other-agency", "Bearer " + otherAgency, 2),
            new("auditor-only", "Bearer " + auditor, 2),
            new("forged-foreign-key", "Bearer " + Tokens.Forge(foreignKey: true, agency: control, scope: AllScopes), 3),
            new("expired", "Bearer " + Tokens.Forge(expires: DateTime.UtcNow.AddMinutes(-5), agency: control, scope: AllScopes), 2),
            new("wrong-audience", "Bearer " + Tokens.Forge(audience: "someone-else", agency: control, scope: AllScopes), 1),
            new("wrong-issuer", "Bearer " + Tokens.Forge(issuer: "https://evil.example", agency: control, scope: AllScopes), 1),
            new("alg-none", "Bearer " + Unsigned(control), 2),
            new("tampered-payload", "Bearer " + Tampered(auditor), 1),
            new("not-a-jwt", "Bearer not-a-token", 1),
            new("basic-scheme", "Basic " + Convert.ToBase64String("dev-admin:dev-admin-secret"u8.ToArray()), 1),
            new("bearer-empty", "Bearer ", 1),
            new("huge-token", "Bearer " + new string('a', 16_000), 1),
        ];
    }

    private static string Base64Url(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>A token claiming everything with <c>alg: none</c> and no signature.</summary>
    private static string Unsigned(string agency)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return Base64Url("""{"alg":"none","typ":"JWT"}""") + "." + Base64Url(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["iss"] = "procedures-dev-idp", ["aud"] = "procedures-api", ["nbf"] = now - 60, ["iat"] = now - 60, ["exp"] = now + 600,
            ["client_id"] = "forger", ["agency"] = agency, ["scope"] = AllScopes,
        })) + ".";
    }

    /// <summary>A genuine token whose payload was rewritten to grant every scope, signature kept.</summary>
    private static string Tampered(string token)
    {
        var parts = token.Split('.');
        var payload = parts[1].Replace('-', '+').Replace('_', '/');
        payload += new string('=', (4 - payload.Length % 4) % 4);
        var claims = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Convert.FromBase64String(payload))!
            .ToDictionary(c => c.Key, c => (object)c.Value);
        claims["scope"] = AllScopes;
        return parts[0] + "." + Base64Url(JsonSerializer.Serialize(claims)) + "." + parts[2];
    }

    /// <summary>
    /// Valid values by parameter or property name, for the share of requests that should get past binding. Identifiers
    /// point at the fuzzer's own dossier or at unused years and codes, never at reference data other tests rely on.
    /// </summary>
    private static Func<string, IReadOnlyList<string>?> Hints(string seedCode)
    {
        var hints = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase)
        {
            ["code"] = [seedCode, seedCode.ToLowerInvariant(), seedCode + "9"],
            ["after"] = [seedCode, "0"],
            ["resource"] = [seedCode],
            ["operation"] = ["create", "update", "history"],
            // Valid, but years no other test plans with: a valid-shaped PUT really rewrites that year's calendar.
            ["year"] = ["2099", "1999"],
            ["limit"] = ["1", "50", "200"],
            ["beforeId"] = ["1", "100"],
            ["from"] = ["2025-01-01", "2025-01-31T08:00:00+07:00"],
            ["to"] = ["2030-01-01", "2030-01-01T00:00:00Z"],
            ["agency"] = ["26740.H29", "000.00.00.H29"],
            ["action"] = ["dossier.submit", "dossier.read", "accept", "start-processing", "request-supplement", "withdraw"],
            ["clientId"] = ["dev-admin"],
            ["procedureCode"] = [Submissions.ProcedureCode, "1.000948"],
            ["componentCode"] = Submissions.RequiredComponents.Count > 0 ? Submissions.RequiredComponents : ["TP01"],
            ["reusedFrom"] = ["KQ-2025-TP01"],
            ["receivingUnit"] = ["26740.H29", "26737.H29"],
            ["decidingAgency"] = ["26740.H29"],
            ["summary"] = ["Hồ sơ thử nghiệm"],
            ["kind"] = ["citizen", "citizen", "enterprise"],
            ["name"] = ["Nguyễn Văn Thử"],
            ["applicantName"] = ["Nguyễn Văn Thử"],
            ["citizenId"] = ["079203001234"],
            ["taxCode"] = ["0100109106", "0100109106-001"],
            ["phone"] = ["0912345678"],
            ["email"] = ["thu@example.vn"],
            ["address"] = ["1 Lê Lợi, Quận 1"],
        };
        return name => hints.GetValueOrDefault(name);
    }

    private static void Shuffle<T>(List<T> items, Random random)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    // ---- the system's state ----------------------------------------------------------------------------------

    /// <summary>One well-formed submission (the shared helper keeps up with the submission contract).</summary>
    private static async Task<string> SubmitAsync(HttpClient intake, string token, CancellationToken ct)
    {
        using var response = await intake.SendAsync(Submissions.Post("26740.H29", token), ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"The seed submission answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("dossierCode").GetString()!;
    }

    /// <summary>Every dossier code the control office sees (all agencies), paging with nextAfter.</summary>
    private static async Task<HashSet<string>> DossierCodesAsync(HttpClient intake, string token, CancellationToken ct)
    {
        var codes = new HashSet<string>(StringComparer.Ordinal);
        string? after = null;
        do
        {
            var url = "/api/v1/dossiers?limit=200" + (after is null ? "" : "&after=" + Uri.EscapeDataString(after));
            using var response = await intake.SendAsync(new HttpRequestMessage(HttpMethod.Get, url).WithToken(token), ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
            foreach (var item in page.GetProperty("items").EnumerateArray()) codes.Add(item.GetProperty("code").GetString()!);
            after = page.TryGetProperty("nextAfter", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        } while (after is not null);
        return codes;
    }

    private static async Task<long> SubmittedAsync(HttpClient reporting, CancellationToken ct)
        => (await reporting.GetFromJsonAsync<JsonElement>("/api/v1/kpi/summary", ct)).GetProperty("submitted").GetInt64();

    /// <summary>Every switch back to its defaults: PUT {} to each switch the sandbox documents.</summary>
    private static async Task ResetSwitchesAsync(HttpClient sandbox, IEnumerable<FuzzEndpoint> switches, CancellationToken ct)
    {
        foreach (var endpoint in switches.Where(e => e.Method == "PUT" && !e.Path.Contains('{')))
        {
            for (var attempt = 1; ; attempt++)
            {
                using var response = await sandbox.PutAsync(endpoint.Path, new StringContent("{}", Encoding.UTF8, "application/json"), ct);
                if (response.IsSuccessStatusCode) break;
                // Rate-limited (the sandbox keeps the default limit): wait as told, then try again.
                if (response.StatusCode == HttpStatusCode.TooManyRequests && attempt < 4)
                {
                    await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(30), ct);
                    continue;
                }
                Assert.Fail($"Resetting {endpoint.Path} answered {(int)response.StatusCode}");
            }
        }
    }

    private static async Task CheckSwitchesAreOffAsync(HttpClient sandbox, IEnumerable<FuzzEndpoint> switches, List<string> invariants, CancellationToken ct)
    {
        foreach (var endpoint in switches.Where(e => e.Method == "GET" && !e.Path.Contains('{')))
        {
            var state = await sandbox.GetFromJsonAsync<JsonElement>(endpoint.Path, ct);
            var on = state.ValueKind == JsonValueKind.Object
                ? state.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.True ||
                                                     p.Value.ValueKind == JsonValueKind.Number && p.Value.GetDouble() != 0).Select(p => p.Name).ToList()
                : [];
            if (on.Count > 0) invariants.Add($"{endpoint.Path} still has faults on after the reset: {state.GetRawText()}");
        }
    }

    /// <summary>
    /// Every dossier that appeared was answered 201 with its code, every 201 stored one, none disappeared, and
    /// Reporting (through the outbox and the broker) counts exactly the new ones.
    /// </summary>
    private static async Task CheckNoPartialWritesAsync(HttpClient intake, HttpClient reporting, string admin, HashSet<string> before,
        long submittedBefore, IReadOnlyList<Outcome> outcomes, List<string> invariants, CancellationToken ct)
    {
        var answeredCreated = outcomes.Where(o => o.CreatedDossierCode is not null).Select(o => o.CreatedDossierCode!).ToHashSet(StringComparer.Ordinal);
        // Other 201s (documents, catalogue entries) are other resources: counted in the summary, not dossiers.
        var submit = $"{ResourceNames.Intake} POST /api/v1/dossiers";
        foreach (var o in outcomes.Where(o => o.Status == 201 && o.CreatedDossierCode is null && o.Request.Target == submit))
            invariants.Add($"201 without a dossierCode: #{o.Request.Index} {o.Request.Target}: {o.ResponsePreview}");
        var after = await DossierCodesAsync(intake, admin, ct);
        var appeared = after.Except(before).ToHashSet(StringComparer.Ordinal);
        var unexplained = appeared.Except(answeredCreated).ToList();
        var phantom = answeredCreated.Except(appeared).ToList();
        var vanished = before.Except(after).ToList();
        if (unexplained.Count > 0) invariants.Add($"{unexplained.Count} dossier(s) stored without a 201 answer (partial writes): {string.Join(", ", unexplained.Take(10))}");
        if (phantom.Count > 0) invariants.Add($"{phantom.Count} dossier(s) answered 201 but not stored: {string.Join(", ", phantom.Take(10))}");
        if (vanished.Count > 0) invariants.Add($"{vanished.Count} dossier(s) disappeared: {string.Join(", ", vanished.Take(10))}");

        var expected = submittedBefore + appeared.Count;
        try
        {
            await Eventually.Until(() => SubmittedAsync(reporting, ct), n => n == expected, TimeSpan.FromSeconds(60),
                $"Reporting to count {expected} submitted dossiers");
        }
        catch (TimeoutException)
        {
            invariants.Add($"Reporting counts {await SubmittedAsync(reporting, ct)} submitted dossiers; expected {expected} " +
                           $"({submittedBefore} before + {appeared.Count} created by the fuzz)");
        }
    }

    /// <summary>The tamper-evident audit chains are intact after thousands of audited reads and refused writes.</summary>
    private static async Task CheckAuditChainsAsync(IReadOnlyDictionary<string, Uri> addresses, IEnumerable<FuzzEndpoint> endpoints,
        string auditor, List<string> invariants, CancellationToken ct)
    {
        foreach (var endpoint in endpoints.Where(e => e.Method == "GET" && e.Path.EndsWith("/audit/verify", StringComparison.Ordinal)))
        {
            using var http = Procedures.TestInfrastructure.Contract.ContractCheckingHandler.Client(endpoint.Service, addresses[endpoint.Service]);
            using var response = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(addresses[endpoint.Service], endpoint.Path)).WithToken(auditor), ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (response.StatusCode != HttpStatusCode.OK || !JsonDocument.Parse(text).RootElement.GetProperty("intact").GetBoolean())
                invariants.Add($"{endpoint.Service} audit chain not intact after the fuzz: {(int)response.StatusCode} {Preview.Of(text, 200)}");
        }
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Procedures.Contracts;
using Procedures.EndToEnd.Tests.Fuzz;
using Procedures.EndToEnd.Tests.Isolation;
using Xunit.Abstractions;

namespace Procedures.EndToEnd.Tests;

/// <summary>
/// Agency isolation, over every operation the six services serve (discovered from their own /openapi/v1.json, so a new
/// operation is covered without editing this test): agency A's data is seeded through the API, then each operation is
/// called naming A's resources with agency B's token (holding every scope an agency can hold) and with a token lacking the
/// operation's scopes (for a public operation: no token, which B must not out-see). README's rule is
/// <see cref="IsolationRule"/>; the hand-written example of it is SecurityTests.An_agency_cannot_see_or_infer_another_agencys_dossiers.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class IsolationMatrixTests(SystemFixture system, ITestOutputHelper output)
{
    /// <summary>What an agency's client is issued (README's table), plus the two it could be granted: sync and audit.</summary>
    private const string EveryAgencyScope = "dossiers.submit reception processing payments reporting feedback webhooks sync audit";

    /// <summary>Not one of the scopes: a token that is valid and holds nothing.</summary>
    private const string NoScope = "none";

    private const int CasesPerOperation = 2;

    [Fact]
    public async Task Another_agency_reads_nothing_of_an_agencys_data_and_changes_nothing_of_it_through_any_operation()
    {
        var sandbox = system.Client(ResourceNames.Sandbox);
        var tokenA = await Tokens.ForClientAsync(sandbox, "phuong-sai-gon");
        var admin = await Tokens.ForClientAsync(sandbox, "dev-admin");
        var tokenB = Tokens.Forge(agency: AgencySeed.AgencyB, scope: EveryAgencyScope);
        var noScope = Tokens.Forge(agency: AgencySeed.AgencyB, scope: NoScope);
        var a = await AgencySeed.SeedAsync(system, tokenA, admin);
        output.WriteLine($"Agency A ({a.Agency}) seeded; its secrets: {string.Join(", ", a.Secrets.Keys)}");

        var endpoints = new List<FuzzEndpoint>();
        foreach (var service in SystemFixture.Services.Where(s => s != ResourceNames.Sandbox))
            endpoints.AddRange(await OpenApiCatalog.DiscoverAsync(service, system.Client(service), CancellationToken.None));
        var requests = new IsolationRequests(a);
        var stateOfA = endpoints.Where(e => e.Method == "GET" && requests.For(e) is { NamesAResource: true }).ToList();
        var before = await StateAsync(stateOfA, requests, tokenA);

        var failures = new List<string>();
        var references = 0;
        try
        {
            foreach (var endpoint in endpoints)
            {
                var request = requests.For(endpoint);
                if (request is null)
                {
                    failures.Add($"{endpoint.Key}: a path parameter names a kind of resource the matrix does not seed (add it to IsolationRequests)");
                    continue;
                }
                var client = system.Client(endpoint.Service);
                var scopes = ScopesOf(endpoint);
                var asB = await CallAsync(client, request, tokenB);
                var other = await CallAsync(client, request, scopes is null ? null : noScope);
                var leaksB = IsolationRule.Leaks(asB, request.Text, a.Secrets);
                var leaksOther = IsolationRule.Leaks(other, request.Text, a.Secrets);

                var verdicts = new List<string?>();
                if (scopes is null)
                    verdicts.Add(IsolationRule.NoMoreThanAnonymous(asB, leaksB, other, leaksOther));
                else
                {
                    verdicts.Add(leaksB.Count > 0 ? "agency B reads A's " + string.Join(", ", leaksB) : null);
                    verdicts.Add(leaksOther.Count > 0 ? "a token without the scope reads A's " + string.Join(", ", leaksOther) : null);
                    if (scopes.Count > 0) verdicts.Add(IsolationRule.MissingScope(other));
                    if (scopes.Count > 0 && !scopes.Overlaps(EveryAgencyScope.Split(' ')))
                        verdicts.Add(IsolationRule.MissingScope(asB));
                    else if (request.NamesAResource)
                    {
                        references++;
                        verdicts.Add(IsolationRule.ForeignResource(asB, await CallAsync(client, requests.For(endpoint, unknown: true)!, tokenB)));
                    }
                }
                verdicts.Add(IsolationRule.NoServerError(asB));
                verdicts.Add(IsolationRule.NoServerError(other));
                var wrong = verdicts.OfType<string>().ToList();
                output.WriteLine($"{(wrong.Count == 0 ? "ok  " : "FAIL")} {endpoint.Key}: B {asB.Status}, {(scopes is null ? "anonymous" : "no scope")} {other.Status}" +
                                 (leaksOther.Count > 0 && scopes is null ? $" (public by design: {string.Join(", ", leaksOther)})" : "") +
                                 (wrong.Count == 0 ? "" : " — " + string.Join("; ", wrong)));
                failures.AddRange(wrong.Select(w => $"{endpoint.Key}: {w}"));
            }

            // B changed nothing of A's: every read of A's resources answers A as before, and its rejected sync is still parked.
            var after = await StateAsync(stateOfA, requests, tokenA);
            foreach (var (key, shape) in before.Where(b => b.Value is not null))
                if (after.GetValueOrDefault(key) != shape)
                    failures.Add($"{key}: A's resource changed during the matrix: {Cut(shape)} → {Cut(after.GetValueOrDefault(key))}");
            var status = await new Lifecycles(system).SyncStatusAsync(admin);
            if (!status.GetProperty("failures").EnumerateArray().Any(f => f.GetProperty("code").GetString() == a.DossierCode))
                failures.Add("POST /api/v1/sync/dossiers/{code}/retry: A's rejected dossier is no longer parked (someone retried it)");
            var feedback = await system.Client(ResourceNames.Processing).SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v1/feedback?limit=500").WithToken(tokenA));
            var own = (await feedback.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray()
                .Single(f => f.GetProperty("id").GetGuid() == a.FeedbackId);
            if (own.TryGetProperty("answer", out var answer) && answer.ValueKind != JsonValueKind.Null)
                failures.Add("POST /api/v1/feedback/{id}/answer: A's feedback was answered by someone else");

            output.WriteLine($"state of A compared before and after through {before.Count(b => b.Value is not null)} reads " +
                             $"({before.Count(b => b.Value is null)} left out: their answers change between two reads in a row)");
        }
        finally
        {
            await AgencySeed.ResyncAsync(system, a, admin);
        }

        var summary = $"isolation matrix: {endpoints.Count} operations × {CasesPerOperation} cases = {endpoints.Count * CasesPerOperation} calls " +
                      $"(+ {references} unknown-identifier references)";
        output.WriteLine(summary);
        Procedures.TestInfrastructure.Contract.CoverageLines.Record(summary);
        Assert.True(endpoints.Count >= 60, $"only {endpoints.Count} operations discovered");
        Assert.True(failures.Count == 0, summary + Environment.NewLine + string.Join(Environment.NewLine, failures));
    }

    /// <summary>The operation's scopes from its document: null for a public one (security: []), empty for any token.</summary>
    private static IReadOnlySet<string>? ScopesOf(FuzzEndpoint endpoint)
    {
        var operation = endpoint.Document.Root.GetProperty("paths").GetProperty(endpoint.Path).GetProperty(endpoint.Method.ToLowerInvariant());
        if (!operation.TryGetProperty("security", out var security)) return new HashSet<string>();
        if (security.GetArrayLength() == 0) return null;
        return security.EnumerateArray().SelectMany(r => r.EnumerateObject()).SelectMany(s => s.Value.EnumerateArray())
            .Select(s => s.GetString()!).ToHashSet(StringComparer.Ordinal);
    }

    private static async Task<IsolationAnswer> CallAsync(HttpClient client, IsolationRequest request, string? token)
    {
        using var message = request.ToMessage(token);
        using var response = await client.SendAsync(message);
        var body = await response.Content.ReadAsStringAsync();
        var headers = string.Join("\n", response.Headers.Concat(response.Content.Headers).Select(h => $"{h.Key}: {string.Join(", ", h.Value)}"));
        string? problem = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
            try { problem = JsonDocument.Parse(body).RootElement.GetProperty("type").GetString(); }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException) { }
        return new IsolationAnswer((int)response.StatusCode, body, headers, problem);
    }

    /// <summary>
    /// A's reads of its own resources (the GETs that name one): their answers, or null for one that changes between two
    /// reads in a row (a link minted per call) or that A may not read, which cannot show a change.
    /// </summary>
    private async Task<Dictionary<string, string?>> StateAsync(IEnumerable<FuzzEndpoint> reads, IsolationRequests requests, string tokenA)
    {
        var state = new Dictionary<string, string?>();
        foreach (var e in reads)
        {
            var first = await CallAsync(system.Client(e.Service), requests.For(e)!, tokenA);
            var second = await CallAsync(system.Client(e.Service), requests.For(e)!, tokenA);
            state[e.Key] = first.Status is >= 200 and < 300 && first.Shape == second.Shape ? first.Shape : null;
        }
        return state;
    }

    private static string Cut(string? s) => s is null ? "(none)" : s.Length <= 160 ? s : s[..160] + "…";
}

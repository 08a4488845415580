using Procedures.TestInfrastructure.Contract;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;

namespace Procedures.EndToEnd.Tests.Fuzz;

/// <summary>What came back for one request, and what (if anything) is wrong with it.</summary>
public sealed record Outcome(
    FuzzRequest Request, int Status, string? MediaType, string ResponsePreview, string? ProblemType, string? Violation,
    string? CreatedDossierCode, double Milliseconds, string? Note = null);

/// <summary>
/// Sends generated requests with bounded concurrency through its own handler: no retries, redirects, cookies or
/// decompression between the fuzzer and the services, so every answer is judged exactly as the server wrote it.
/// </summary>
public sealed class FuzzRunner(
    IReadOnlyDictionary<string, Uri> baseAddresses, int concurrency, TimeSpan perRequestTimeout,
    IReadOnlyDictionary<string, int>? requestsPerMinute = null) : IDisposable
{
    private readonly Dictionary<string, Pacer> _pacers = (requestsPerMinute ?? new Dictionary<string, int>())
        .ToDictionary(p => p.Key, p => new Pacer(TimeSpan.FromMinutes(1) / p.Value));

    /// <summary>
    /// One client per service over one connection pool, each checking the answers against its service's committed
    /// OpenAPI document (a violation ends the run and fails the test; CONTRACT_CHECK=report records it instead).
    /// </summary>
    private readonly Dictionary<string, HttpClient> _clients = ClientsFor(baseAddresses.Keys, concurrency);

    private static Dictionary<string, HttpClient> ClientsFor(IEnumerable<string> services, int concurrency)
    {
        var sockets = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxConnectionsPerServer = concurrency,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            Expect100ContinueTimeout = TimeSpan.FromSeconds(20),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };
        // Disposing each client disposes the shared pool too; a second Dispose of it does nothing.
        // The fuzzer's answers are recorded against the documents, not enforced: a hostile path value can route to another
        // operation (a code of "due" reaches GET /calendar/due, a 405 for PUT /calendar/{year}), which the check still
        // judges as the template the fuzzer filled. Its violations are listed in test.sh's summary (open work, issue 19's note).
        return services.ToDictionary(s => s, s => new HttpClient(new Procedures.TestInfrastructure.Contract.ContractCheckingHandler(s, sockets,
                mode: ContractModes.FromEnvironment() == ContractMode.Off ? ContractMode.Off : ContractMode.Report))
            { Timeout = Timeout.InfiniteTimeSpan });
    }

    public async Task<IReadOnlyList<Outcome>> RunAsync(IReadOnlyList<Func<FuzzRequest>> work, CancellationToken ct)
    {
        var outcomes = new ConcurrentBag<Outcome>();
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = ct },
            async (make, token) => outcomes.Add(await SendAsync(make(), token)));
        return outcomes.ToList();
    }

    public async Task<Outcome> SendAsync(FuzzRequest request, CancellationToken ct)
    {
        if (_pacers.TryGetValue(request.Service, out var pacer)) await pacer.WaitAsync(ct);
        var clock = Stopwatch.StartNew();
        try
        {
            return await SendOnceAsync(request, clock, freshConnection: false, ct);
        }
        catch (Exception e) when (IsTransport(e, ct))
        {
            if (request.Body is { Length: > FuzzRequest.BodyLimit })
                // A server may close the connection rather than swallow a body over its limit (RFC 9112 §9.6).
                return new Outcome(request, 0, null, "", null, null, null, clock.Elapsed.TotalMilliseconds,
                    "connection closed on an over-limit body: " + Flatten(e));
            try
            {
                // A pooled connection the server had just closed looks the same as a crash: ask once more on a new
                // one (a POST carries its Idempotency-Key, so a repeat is answered from the first attempt).
                var retried = await SendOnceAsync(request, clock, freshConnection: true, ct);
                return retried with { Note = "answered on retry after: " + Flatten(e) };
            }
            catch (Exception again) when (IsTransport(again, ct))
            {
                var what = again is OperationCanceledException ? $"no answer within {perRequestTimeout.TotalSeconds:0} s" : $"no answer (twice): {Flatten(again)}";
                return new Outcome(request, 0, null, "", null, what, null, clock.Elapsed.TotalMilliseconds, "first attempt: " + Flatten(e));
            }
        }
    }

    private async Task<Outcome> SendOnceAsync(FuzzRequest request, Stopwatch clock, bool freshConnection, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(perRequestTimeout);
        using var message = request.ToMessage(baseAddresses[request.Service]);
        if (freshConnection) message.Headers.ConnectionClose = true;
        // Requests aimed off the documented routes on purpose (an unknown route, an undeclared method, a hostile path
        // segment) reach no operation: for those only a matched operation's answer is judged.
        if (request.Mutation.Split(' ').Any(n => n is "wrong-method" or "unknown-route" || n.StartsWith("path", StringComparison.Ordinal)))
            Procedures.TestInfrastructure.Contract.ContractCheckingHandler.OutsideContract(message);
        using var response = await _clients[request.Service].SendAsync(message, HttpCompletionOption.ResponseContentRead, timeout.Token);
        var body = await response.Content.ReadAsByteArrayAsync(timeout.Token);
        var status = (int)response.StatusCode;
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        // Every answer the application writes carries its security headers; one without them came from the HTTP
        // server itself (Kestrel refusing the request before any middleware ran).
        var fromApplication = response.Headers.Contains("X-Content-Type-Options");
        var verdict = Oracle.Judge(request, status, mediaType, body, fromApplication);
        return new Outcome(request, status, mediaType, Preview.Of(body, 240), verdict.ProblemType, verdict.Violation,
            verdict.CreatedDossierCode, clock.Elapsed.TotalMilliseconds, verdict.Note);
    }

    private static bool IsTransport(Exception e, CancellationToken ct)
        => e is HttpRequestException or IOException || e is OperationCanceledException && !ct.IsCancellationRequested;

    private static string Flatten(Exception e)
    {
        var sb = new StringBuilder();
        for (var x = e; x is not null; x = x.InnerException)
            sb.Append(sb.Length > 0 ? " ← " : "").Append(x.GetType().Name).Append(": ").Append(x.Message);
        return sb.ToString();
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values) client.Dispose();
    }

    /// <summary>Spaces requests to one service evenly, for services whose rate limit the fuzzer must not exhaust.</summary>
    private sealed class Pacer(TimeSpan interval)
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private long _next = Stopwatch.GetTimestamp();

        public async Task WaitAsync(CancellationToken ct)
        {
            await _gate.WaitAsync(ct);
            try
            {
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), _next);
                if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
                _next = Stopwatch.GetTimestamp() + (long)(interval.TotalSeconds * Stopwatch.Frequency);
            }
            finally
            {
                _gate.Release();
            }
        }
    }
}

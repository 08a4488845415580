using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Procedures.TestInfrastructure;
using StandardWebhooks;
using StandardWebhooks.Diagnostics;

namespace Procedures.Services.Tests.Notifications;

/// <summary>
/// An integrator's webhook endpoint: verifies every request with the official Standard Webhooks library (and checks that
/// a tampered copy of the same request fails verification), records it, and answers what the test says (up, down, gone).
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    /// <param name="VerifiedBy">Which of the hook's known secrets (by their index in <see cref="Secrets"/>) verify the request alone.</param>
    public sealed record Received(string Hook, string WebhookId, string Body, bool Verified, bool TamperedRejected, int Answer,
        IReadOnlyList<int> VerifiedBy, string? TraceParent, string? Replay, int Signatures)
    {
        /// <summary>The Standard Webhooks headers as sent (for verifiers run outside this process).</summary>
        public IReadOnlyDictionary<string, string> SignedHeaders { get; init; } = new Dictionary<string, string>();
    }

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, string[]> _secrets = new();
    private readonly ConcurrentDictionary<string, int> _answers = new();
    private readonly ConcurrentDictionary<string, (double Rate, Random Random, bool FirstOnly)> _flaky = new();
    private readonly ConcurrentDictionary<(string Hook, string Id), bool> _seen = new();

    public ConcurrentQueue<Received> Requests { get; } = new();
    public int Port { get; } = FreePort.Next();

    public WebhookReceiver()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://localhost:{Port}"); // callbacks to loopback pass only by an allow-listed name
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/hooks/{hook}", async (string hook, HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var secrets = _secrets[hook];
            var verifiedBy = Enumerable.Range(0, secrets.Length).Where(i => Verifies(new StandardWebhook(secrets[i]), body, request.Headers)).ToList();
            var verified = verifiedBy.Count > 0;
            var tampered = body.Replace("\"dossierCode\"", "\"dossierCode\" ", StringComparison.Ordinal).Replace("\"subscriptionId\"", "\"subscriptionId\" ", StringComparison.Ordinal);
            var tamperedRejected = secrets.All(secret => !Verifies(new StandardWebhook(secret), tampered, request.Headers));
            var answer = _answers.GetValueOrDefault(hook, 200);
            var first = _seen.TryAdd((hook, request.Headers["webhook-id"].ToString()), true);
            if (answer is >= 200 and < 300 && _flaky.TryGetValue(hook, out var flaky) && (first || !flaky.FirstOnly))
                lock (flaky.Random) answer = flaky.Random.NextDouble() < flaky.Rate ? 500 : answer;
            Requests.Enqueue(new Received(hook, request.Headers["webhook-id"].ToString(), body, verified, tamperedRejected, answer, verifiedBy,
                request.Headers["traceparent"].FirstOrDefault(), request.Headers["procedures-replay"].FirstOrDefault(),
                request.Headers["webhook-signature"].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct().Count())
            {
                SignedHeaders = new[] { "webhook-id", "webhook-timestamp", "webhook-signature" }.ToDictionary(h => h, h => request.Headers[h].ToString()),
            });
            return Results.StatusCode(answer);
        });
    }

    private static bool Verifies(StandardWebhook webhook, string body, IHeaderDictionary headers)
    {
        try
        {
            webhook.Verify(body, headers);
            return true;
        }
        catch (WebhookVerificationException)
        {
            return false;
        }
    }

    public Task StartAsync() => _app.StartAsync();

    public string Url(string hook, string secret)
    {
        _secrets[hook] = [secret];
        return $"http://localhost:{Port}/hooks/{hook}";
    }

    public void Answer(string hook, int status) => _answers[hook] = status;

    /// <summary>The secrets the hook knows, oldest first (a rotation adds the new one).</summary>
    public IReadOnlyList<string> Secrets(string hook) => _secrets[hook];

    public void AddSecret(string hook, string secret) => _secrets[hook] = [.. _secrets[hook], secret];

    /// <summary>Answers 500 to this share of the requests it would accept (seeded, so a failing run can be repeated).</summary>
    /// <param name="firstAttemptOnly">Fail only an event's first attempt (the production retry schedule waits minutes after a second failure).</param>
    public void FailRandomly(string hook, double rate, int seed, bool firstAttemptOnly = false) => _flaky[hook] = (rate, new Random(seed), firstAttemptOnly);

    /// <summary>Requests the hook answered with 2xx (the deliveries that counted), in arrival order.</summary>
    public List<Received> Accepted(string hook) => Requests.Where(r => r.Hook == hook && r.Answer is >= 200 and < 300).ToList();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

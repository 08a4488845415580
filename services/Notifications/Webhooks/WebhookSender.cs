using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Options;
using StandardWebhooks;

namespace Procedures.Notifications.Webhooks;

/// <summary>What one delivery attempt got: the status (null when no answer came), latency, error and any Retry-After.</summary>
public sealed record AttemptResult(int? Status, TimeSpan Latency, string? Error, TimeSpan? RetryAfter)
{
    public bool Delivered => Status is >= 200 and < 300;
    public bool Gone => Status == 410;
}

/// <summary>What a delivery carries besides the signed event: the event's trace, and for a replay what it replays.</summary>
public sealed record DeliveryMarks(string? TraceParent, string? ReplayReason = null, long? ReplayOf = null);

/// <summary>
/// Sends one event to one callback, signed per Standard Webhooks (webhook-id = the event id, the receiver's idempotency key;
/// webhook-timestamp; webhook-signature) with the official StandardWebhooks library. Its own HTTP client: no automatic
/// retries (the schedule is ours), no redirects, and every connection re-checked against the SSRF guard.
/// </summary>
public sealed class WebhookSender : IDisposable
{
    public const string ContentType = "application/cloudevents+json";

    /// <summary>On a replayed delivery: why it was queued again (event | range | dead-letter | missed).</summary>
    public const string ReplayHeader = "procedures-replay";

    /// <summary>On a replayed delivery that repeats an earlier delivery of the same event: that delivery's id (the delivery log's).</summary>
    public const string ReplayOfHeader = "procedures-replay-of";
    private readonly HttpClient _http;
    private readonly TimeProvider _time;

    public WebhookSender(CallbackUrlGuard guard, IOptions<WebhookOptions> options, TimeProvider time)
    {
        _time = time;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            // Resolve once, check, connect to the checked address: the guard's answer and the socket's peer are the same
            // address, so a DNS answer changed after the check (rebinding) cannot lead the connection elsewhere.
            ConnectCallback = async (context, ct) =>
            {
                var host = context.DnsEndPoint.Host;
                var addresses = await guard.AddressesToConnectAsync(host, ct);
                if (addresses.Length == 0) throw new HttpRequestException($"Callback host {host} resolves to a refused address");
                return await ConnectAsync(addresses, context.DnsEndPoint.Port, ct);
            },
        };
        _http = new HttpClient(handler) { Timeout = options.Value.Timeout };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("Procedures-Webhooks/1.0");
    }

    /// <summary>Tries the checked addresses in order (localhost may answer on ::1 or 127.0.0.1 only) and keeps the first that connects.</summary>
    private static async Task<System.IO.Stream> ConnectAsync(IPAddress[] addresses, int port, CancellationToken ct)
    {
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, port), ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        throw last!;
    }

    public static string NewSecret() => "whsec_" + Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>
    /// One signed POST. Every secret in <paramref name="secrets"/> signs (the new one first, then during a rotation's
    /// overlap the previous one): Standard Webhooks receivers accept the request when any <c>v1,</c> signature verifies.
    /// </summary>
    public async Task<AttemptResult> SendAsync(string url, IReadOnlyList<string> secrets, Guid eventId, string payload, DeliveryMarks marks,
        CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var id = eventId.ToString();
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(payload, Encoding.UTF8, ContentType),
        };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", SignatureHeader(secrets.Select(secret => new StandardWebhook(secret).Sign(id, now, payload)).ToList()));
        // The event's own trace: the delivery span when one is recorded, else the trace the event came with.
        if ((Activity.Current?.Id ?? marks.TraceParent) is { } traceparent) request.Headers.TryAddWithoutValidation("traceparent", traceparent);
        if (marks.ReplayReason is { } reason) request.Headers.Add(ReplayHeader, reason);
        if (marks.ReplayOf is { } of) request.Headers.Add(ReplayOfHeader, of.ToString(CultureInfo.InvariantCulture));
        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            return new AttemptResult((int)response.StatusCode, clock.Elapsed, null,
                RetrySchedule.RetryAfter(response.Headers.RetryAfter, _time.GetUtcNow()));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            var error = ex is TaskCanceledException ? "timeout" : ex.Message;
            return new AttemptResult(null, clock.Elapsed, error.Length > 500 ? error[..500] : error, null);
        }
    }

    /// <summary>
    /// The webhook-signature value: the signatures, space-separated. With more than one, the first is repeated at the
    /// end: the StandardWebhooks .NET package (1.1.2, the current one) never checks the last entry of a list of two or
    /// more, so without the repeat a .NET receiver still on the previous secret would reject every delivery of the
    /// overlap. Receivers that check every entry (the TypeScript and Python packages) just see one signature twice.
    /// </summary>
    public static string SignatureHeader(IReadOnlyList<string> signatures)
        => string.Join(' ', signatures.Count > 1 ? [.. signatures, signatures[0]] : signatures);

    public void Dispose() => _http.Dispose();
}

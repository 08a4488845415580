using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Procedures.Sandbox.Payment;

/// <summary>
/// Calls the partner back with the signed outcome (MaThamChieu|MaGiaoDich|SoTien|MaLoi|ThoiGianGD|secret), in the
/// background as the real platform does, with the switchable faults: lost, duplicated, delayed, wrong checksum.
/// </summary>
public sealed partial class CallbackSender(IHttpClientFactory clients, IOptions<PlatformSettings> options, PaymentFaultSwitch faults,
    ILogger<CallbackSender> logger)
{
    public const string ClientName = "payment-callback";

    /// <summary>The callback body of a completed transaction, signed with <paramref name="secret"/>.</summary>
    public static JsonObject Body(PlatformTransaction t, string secret) => PlatformProtocol.Sign(new JsonObject
    {
        ["MaThamChieu"] = t.Reference, ["MaGiaoDich"] = t.TransactionId, ["SoTien"] = PlatformProtocol.Amount(t.Amount),
        ["MaLoi"] = t.ResultCode, ["ThoiGianGD"] = PlatformProtocol.Timestamp(t.CompletedAt!.Value),
    }, PlatformProtocol.CallbackFields, secret);

    public void Send(PlatformTransaction t)
    {
        var fault = faults.Current;
        if (PaymentFaultSwitch.Roll(fault.CallbackLostRate))
        {
            LogLost(t.Reference);
            return;
        }
        var body = Body(t, options.Value.Secret);
        if (PaymentFaultSwitch.Roll(fault.WrongChecksumRate))
            body[PlatformProtocol.Checksum] = PlatformProtocol.ComputeChecksum([t.Reference, "tampered"], options.Value.Secret);
        var copies = PaymentFaultSwitch.Roll(fault.CallbackDuplicateRate) ? fault.CopiesToSend() : 1;
        var delay = PaymentFaultSwitch.Roll(fault.CallbackDelayRate) ? TimeSpan.FromMilliseconds(fault.CallbackDelayMs) : TimeSpan.Zero;
        _ = Task.Run(async () =>
        {
            if (delay > TimeSpan.Zero) await Task.Delay(delay);
            await Task.WhenAll(Enumerable.Range(0, copies).Select(_ => PostAsync(t.Reference, body)));
        });
    }

    private async Task PostAsync(string reference, JsonObject body)
    {
        try
        {
            using var response = await clients.CreateClient(ClientName).PostAsJsonAsync(options.Value.CallbackUrl, body);
            if (!response.IsSuccessStatusCode) LogRefused(reference, (int)response.StatusCode);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or Polly.CircuitBreaker.BrokenCircuitException
                                       or Polly.Timeout.TimeoutRejectedException)
        {
            LogFailed(ex, reference); // the partner's reconciliation (QUERY) recovers the outcome
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Callback for {Reference} lost (fault switch)")]
    private partial void LogLost(string reference);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partner answered the callback for {Reference} with {Status}")]
    private partial void LogRefused(string reference, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Callback for {Reference} could not be delivered")]
    private partial void LogFailed(Exception ex, string reference);
}

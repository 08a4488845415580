using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Procedures.Payment.Platform;

/// <summary>The platform's answer: error_code "0" = accepted, with <see cref="Payload"/> parsed from the message string.</summary>
public sealed record PlatformAnswer(
    [property: JsonPropertyName("error_code")] string ErrorCode,
    [property: JsonPropertyName("message")] string? Message)
{
    public bool Accepted => ErrorCode == "0";

    public JsonObject? Payload => Accepted && Message is { } m && JsonNode.Parse(m) is JsonObject o ? o : null;

    public string? Field(string name) => Payload is { } p ? PlatformProtocol.TextOf(p, name) : null;

    public override string ToString() => $"{ErrorCode}: {Message}";
}

/// <summary>
/// Sends signed messages to the payment platform. The HttpClient carries Payment's own resilience pipeline
/// (<see cref="PlatformResilience"/>); each message runs in a "payment-platform TYPE" span whose events show every
/// retry, timeout and circuit-breaker change. Every message is safe to repeat: INIT is idempotent per MaThamChieu.
/// </summary>
public sealed class PlatformClient(HttpClient http, IOptions<PlatformSettings> options, TimeProvider time)
{
    public const string SourceName = "Procedures.Payment.Platform";
    public static readonly ActivitySource Source = new(SourceName);
    private readonly PlatformSettings _settings = options.Value;

    public Task<PlatformAnswer> InitAsync(InitRequest request, CancellationToken ct)
        => SendAsync(PlatformMessages.Init(request, _settings.PartnerCode, _settings.Secret), request.Reference, ct);

    public Task<PlatformAnswer> QueryAsync(string reference, CancellationToken ct)
        => SendAsync(PlatformMessages.About(PlatformProtocol.Query, reference, time.GetUtcNow(), _settings.PartnerCode, _settings.Secret), reference, ct);

    public Task<PlatformAnswer> GetBillAsync(string reference, CancellationToken ct)
        => SendAsync(PlatformMessages.About(PlatformProtocol.GetBill, reference, time.GetUtcNow(), _settings.PartnerCode, _settings.Secret), reference, ct);

    public Task<PlatformAnswer> RefundAsync(string reference, long amountVnd, CancellationToken ct)
        => SendAsync(PlatformMessages.Refund(reference, amountVnd, time.GetUtcNow(), _settings.PartnerCode, _settings.Secret), reference, ct);

    public Task<PlatformAnswer> ListAsync(DateOnly day, CancellationToken ct)
        => SendAsync(PlatformMessages.List(day, time.GetUtcNow(), _settings.PartnerCode, _settings.Secret), null, ct);

    private async Task<PlatformAnswer> SendAsync(JsonObject message, string? reference, CancellationToken ct)
    {
        var type = PlatformProtocol.TextOf(message, "LoaiBanTin")!;
        using var activity = Source.StartActivity("payment-platform " + type, ActivityKind.Client);
        activity?.SetTag("payment.message", type);
        if (reference is not null) activity?.SetTag("payment.reference", reference);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _settings.MessagesPath) { Content = JsonContent.Create(message) };
            if (activity is not null) request.Options.Set(PlatformResilience.SpanKey, activity);
            using var response = await http.SendAsync(request, ct);
            var answer = response.IsSuccessStatusCode
                ? await response.Content.ReadFromJsonAsync<PlatformAnswer>(ct) ?? new PlatformAnswer("empty", "Empty answer")
                : new PlatformAnswer("http-" + (int)response.StatusCode, response.ReasonPhrase);
            activity?.SetTag("payment.error_code", answer.ErrorCode);
            if (!answer.Accepted) activity?.SetStatus(ActivityStatusCode.Error, answer.ToString());
            return answer;
        }
        catch (JsonException ex)
        {
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            return new PlatformAnswer("invalid", ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            activity?.AddException(ex);
            activity?.SetStatus(ActivityStatusCode.Error, ex.GetType().Name);
            throw;
        }
    }
}

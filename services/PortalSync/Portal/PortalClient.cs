using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace Procedures.PortalSync.Portal;

/// <summary>The national portal's answer: "0" accepted; anything else carries the reason.</summary>
public sealed record PortalAnswer(
    [property: JsonPropertyName("error_code")] string ErrorCode,
    [property: JsonPropertyName("message")] string? Message)
{
    public bool Accepted => ErrorCode == "0";
}

/// <summary>
/// Calls the portal's sync operations. The HttpClient carries the standard resilience handler (timeouts,
/// retries with jitter, circuit breaker) from ServiceDefaults; every call has an idempotency key so a retry
/// is applied once at the portal.
/// </summary>
public sealed class PortalClient(HttpClient http)
{
    public async Task<PortalAnswer> SendAsync(string operation, object payload, string idempotencyKey, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/portal/dossiers/{operation}")
        {
            Content = JsonContent.Create(payload),
        };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
        {
            // Transport-level failure after the resilience handler gave up: transient by nature.
            return new PortalAnswer("http-" + (int)response.StatusCode, response.ReasonPhrase);
        }
        return await response.Content.ReadFromJsonAsync<PortalAnswer>(ct) ?? new PortalAnswer("empty", "Empty answer");
    }
}

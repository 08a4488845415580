using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace Procedures.PortalSync.Portal;

/// <summary>The national portal's answer: "0" accepted; anything else carries the reason.</summary>
public sealed record PortalAnswer(
    [property: JsonPropertyName("error_code")] string ErrorCode,
    [property: JsonPropertyName("message")] string? Message)
{
    public bool Accepted => ErrorCode == "0";

    /// <summary>
    /// The portal refused the content: retrying the same payload cannot succeed. 5xx, timeouts (408),
    /// throttling (429), the portal's own "503" and an unreachable portal are transient; other 4xx and error codes are not.
    /// </summary>
    public bool IsRejection => !Accepted && ErrorCode switch
    {
        "503" or "empty" or Unreachable => false,
        _ when ErrorCode.StartsWith("http-", StringComparison.Ordinal)
            => int.TryParse(ErrorCode.AsSpan(5), out var status) && status is >= 400 and < 500 and not (408 or 429),
        _ => true,
    };

    public const string Unreachable = "unreachable";

    /// <summary>
    /// "The dossier already exists", the answer to a create of a record the portal holds (the sandbox's code:
    /// docs/domain.md#national-portal-sync confirms only "0"). Not a refusal of the content: an earlier create was applied and its acknowledgement lost.
    /// </summary>
    public const string RecordExists = "2";
}

/// <summary>One dossier as the portal reports it for a day (reconciliation).</summary>
public sealed record PortalListing(string MaHoSo, int TrangThaiHoSo, int SoBuocXuLy);

/// <summary>
/// Calls the portal's sync operations. The HttpClient carries the standard resilience handler (per-attempt and total
/// timeouts, retries with exponential backoff and jitter, circuit breaker) from ServiceDefaults; every call has an
/// idempotency key so a retry is applied once. When the pipeline gives up (breaker open, timeouts, refused connection)
/// the answer is a transient error, so the ledger backs off instead of failing the pass.
/// </summary>
public sealed class PortalClient(HttpClient http)
{
    public Task<PortalAnswer> SendAsync(string operation, object payload, string idempotencyKey, CancellationToken ct)
        => PostAsync($"/portal/dossiers/{operation}", payload, idempotencyKey, ct);

    /// <summary>One electronic result into the applicant's data store (the sandbox documents the format).</summary>
    public Task<PortalAnswer> StoreForCitizenAsync(object payload, string idempotencyKey, CancellationToken ct)
        => PostAsync("/portal/citizen-store", payload, idempotencyKey, ct);

    private async Task<PortalAnswer> PostAsync(string path, object payload, string idempotencyKey, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = JsonContent.Create(payload),
        };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        try
        {
            using var response = await http.SendAsync(request, ct);
            if (!response.IsSuccessStatusCode)
                return new PortalAnswer("http-" + (int)response.StatusCode, response.ReasonPhrase);
            return await response.Content.ReadFromJsonAsync<PortalAnswer>(ct) ?? new PortalAnswer("empty", "Empty answer");
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is HttpRequestException or Polly.ExecutionRejectedException
                                      or TimeoutException or TaskCanceledException)
        {
            return new PortalAnswer(PortalAnswer.Unreachable, e.GetType().Name + ": " + e.Message);
        }
    }

    /// <summary>What the portal holds for dossiers submitted on a day (Vietnam time).</summary>
    public async Task<IReadOnlyList<PortalListing>> ListAsync(DateOnly day, CancellationToken ct)
        => await http.GetFromJsonAsync<List<PortalListing>>($"/portal/dossiers?date={day:yyyyMMdd}", ct) ?? [];
}

using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Procedures.ServiceDefaults;

namespace Procedures.Intake.Dossiers;

/// <summary>What the citizen store said about one reference: held by that owner, not held (or held by someone else), or no answer.</summary>
public enum StoreAnswer { Held, NotHeld, Unreachable }

/// <summary>
/// Asks the national portal's citizen data store (the sandbox stands it in: GET /portal/citizen-store/lookup) whether
/// a citizen's store holds a result. The HttpClient carries the service defaults' standard resilience (timeouts,
/// retries with backoff, circuit breaker); when they give up the answer is <see cref="StoreAnswer.Unreachable"/>, and the
/// submission is refused as retryable rather than accepted unchecked.
/// </summary>
public sealed class CitizenStoreClient(HttpClient http)
{
    private sealed record Answer([property: JsonPropertyName("error_code")] string? ErrorCode, [property: JsonPropertyName("message")] string? Message);

    /// <summary>The portal's code for "not in this owner's store" (an entry of another owner is answered the same).</summary>
    public const string NotFound = "3";

    public async Task<StoreAnswer> FindAsync(string owner, string resultCode, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync(
                $"/portal/citizen-store/lookup?SoGiayToChuHoSo={Uri.EscapeDataString(owner)}&MaGiayToKetQua={Uri.EscapeDataString(resultCode)}", ct);
            if (!response.IsSuccessStatusCode) return StoreAnswer.Unreachable;
            var answer = await response.Content.ReadFromJsonAsync<Answer>(ct);
            return answer?.ErrorCode switch
            {
                "0" => StoreAnswer.Held,
                NotFound => StoreAnswer.NotHeld,
                _ => StoreAnswer.Unreachable, // a malformed request or an unknown code: not a verdict on the reference
            };
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is HttpRequestException or Polly.ExecutionRejectedException
                                      or TimeoutException or TaskCanceledException or System.Text.Json.JsonException)
        {
            return StoreAnswer.Unreachable;
        }
    }
}

/// <summary>
/// The rule for documents taken from the citizen store (<c>fromCitizenStore: true</c>): the applicant's own store must
/// hold the referenced result. Asked before the submission's transaction opens (no connection held across the call).
/// </summary>
public static class CitizenStoreCheck
{
    /// <summary>The refusals per entry, or null when the store could not be asked (the caller answers 503).</summary>
    public static async Task<IReadOnlyList<FieldError>?> CheckAsync(CitizenStoreClient store, string ownerIdNumber,
        IReadOnlyList<DocumentReference> documents, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var answers = new Dictionary<string, StoreAnswer>(StringComparer.Ordinal);
        for (var i = 0; i < documents.Count; i++)
        {
            if (documents[i] is not { FromCitizenStore: true, ReusedFrom: { Length: > 0 } reference }) continue;
            if (!answers.TryGetValue(reference, out var answer))
                answers[reference] = answer = ownerIdNumber.Length == 0 ? StoreAnswer.NotHeld : await store.FindAsync(ownerIdNumber, reference, ct);
            if (answer == StoreAnswer.Unreachable) return null;
            if (answer == StoreAnswer.NotHeld)
                errors.Add(NotInStore($"documents[{i}].reusedFrom"));
        }
        return errors;
    }

    public static FieldError NotInStore(string field) => new(field, "not-in-citizen-store",
        "Kho dữ liệu điện tử của chủ hồ sơ trên Cổng DVC quốc gia không có giấy tờ này",
        "The applicant's data store at the national portal holds no document with this reference");

    public static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult Unavailable()
        => Problems.Of(StatusCodes.Status503ServiceUnavailable, "citizen-store-unavailable",
            "Không kiểm tra được kho dữ liệu của công dân trên Cổng DVC quốc gia, vui lòng gửi lại sau",
            "The citizen's data store at the national portal could not be asked; submit again later (same Idempotency-Key)");
}

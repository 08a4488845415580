using Microsoft.AspNetCore.Http.HttpResults;
using System.Text.Json.Nodes;
using Procedures.Sandbox.Faults;

namespace Procedures.Sandbox.Portal;

/// <summary>
/// The citizen's data store at the national portal (kho quản lý dữ liệu điện tử của tổ chức, cá nhân), as this project
/// stands it in — our own design in the portal's style, since no public specification exists:
/// <c>POST /portal/citizen-store</c> with one electronic result
/// <c>{"MaHoSo", "SoGiayToChuHoSo", "MaGiayToKetQua", "TenGiayTo", "DuongDanTepTinKetQua"?, "NgayCap" (yyyyMMddHHmmss)}</c> and an
/// <c>Idempotency-Key</c> header (a replayed key is acknowledged, not applied again); answers <c>{"error_code": "0"}</c>
/// when stored. <c>GET /portal/citizen-store?owner=</c> lists what a citizen's store holds (tests count duplicates there).
/// The portal's switchable faults (errors, latency, outage, lost acknowledgements, rejected dossier codes) apply to the push.
/// <c>GET /portal/citizen-store/lookup?SoGiayToChuHoSo=&amp;MaGiayToKetQua=</c> answers whether one citizen's store holds one
/// result: <c>{"error_code": "0", "message", "data": {the stored entry}}</c>, or error_code "3" when it does not (an entry of
/// another owner is answered the same way); 503 with error_code "503" while the lookup fault is on
/// (<c>citizenStoreLookupDown</c>: a separate switch, so the sync faults keep meaning the dossier interface only).
/// </summary>
public static class CitizenStoreEndpoints
{
    public static void Map(WebApplication app)
    {
        var group = app.MapGroup("/portal/citizen-store").WithTags("National portal (sandbox)").AllowAnonymous();
        group.MapPost("/", async (System.Text.Json.JsonElement element, HttpContext http, CitizenDataStore store, FaultSwitch faults) =>
        {
            var (status, answer) = element.ValueKind == System.Text.Json.JsonValueKind.Object && JsonObject.Create(element) is { } body
                ? await ApplyAsync(body, http.Request.Headers["Idempotency-Key"].ToString(), store, faults.Portal, http.RequestAborted)
                : (200, Answer("1", "Dữ liệu phải là đối tượng JSON / The payload must be a JSON object"));
            return TypedResults.Json(answer, statusCode: status);
        }).WithName("CitizenStorePush").WithSummary("Stores a result in the citizen's data store (needs an Idempotency-Key)")
            .Produces<PortalAnswer>().Produces<PortalAnswer>(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/", (string? owner, CitizenDataStore store) => TypedResults.Ok(store.Entries(owner)))
            .WithName("CitizenStoreList").WithSummary("What the citizen stores hold, optionally for one owner's identity number")
            .Produces<IReadOnlyList<JsonObject>>();
        group.MapGet("/lookup", (string? soGiayToChuHoSo, string? maGiayToKetQua, CitizenDataStore store, FaultSwitch faults) =>
            {
                var (status, answer) = Lookup(soGiayToChuHoSo, maGiayToKetQua, store, faults.Portal);
                return TypedResults.Json(answer, statusCode: status);
            })
            .WithName("CitizenStoreLookup").WithSummary("Whether one citizen's store holds one result (SoGiayToChuHoSo, MaGiayToKetQua)")
            .Produces<LookupAnswer>().Produces<LookupAnswer>(StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>One lookup: the fault first, then the two identifiers, then the owner's entry with that result code.</summary>
    public static (int Status, LookupAnswer Answer) Lookup(string? owner, string? resultCode, CitizenDataStore store, PortalFaults fault)
    {
        if (fault.CitizenStoreLookupDown)
            return (503, new LookupAnswer("503", "Kho dữ liệu tạm thời không phục vụ / Citizen store unavailable", null));
        if (string.IsNullOrWhiteSpace(owner) || string.IsNullOrWhiteSpace(resultCode))
            return (200, new LookupAnswer("1", "Thiếu SoGiayToChuHoSo hoặc MaGiayToKetQua / SoGiayToChuHoSo and MaGiayToKetQua are required", null));
        var entry = store.Entries(owner).LastOrDefault(e => e["MaGiayToKetQua"]?.ToString() == resultCode);
        if (entry is null) return (200, new LookupAnswer("3", "Không có giấy tờ này trong kho của chủ hồ sơ / Not in the owner's store", null));
        entry.Remove("IdempotencyKey");
        return (200, new LookupAnswer("0", "Thành công / Found", entry));
    }

    /// <summary>One store call: faults first, then validation, the idempotency key, the write, and possibly a lost acknowledgement.</summary>
    public static async Task<(int Status, PortalAnswer Answer)> ApplyAsync(JsonObject body, string key, CitizenDataStore store, PortalFaults fault,
        CancellationToken ct)
    {
        if (fault.LatencyMs > 0 && Random.Shared.NextDouble() < fault.LatencyRate) await Task.Delay(fault.LatencyMs, ct);
        if (fault.Down || Random.Shared.NextDouble() < fault.ErrorRate)
            return (503, Answer("503", "Cổng tạm thời không phục vụ / Portal unavailable"));
        string? Text(string name) => body[name] is JsonValue v && v.TryGetValue<string>(out var t) && t.Length is > 0 and <= 500 ? t : null;
        var missing = new[] { "MaHoSo", "SoGiayToChuHoSo", "MaGiayToKetQua", "TenGiayTo", "NgayCap" }.Where(f => Text(f) is null).ToList();
        if (missing.Count > 0) return (200, Answer("1", $"Thiếu trường / Missing fields: {string.Join(", ", missing)}"));
        if (!PortalRules.IsTimestamp(Text("NgayCap")!)) return (200, Answer("1", "NgayCap phải có dạng yyyyMMddHHmmss / NgayCap must be yyyyMMddHHmmss"));
        if (key.Length == 0) return (200, Answer("1", "Thiếu Idempotency-Key / Idempotency-Key is required"));
        if (fault.RejectCodes?.Contains(Text("MaHoSo")!) == true)
            return (200, Answer("4", "Hồ sơ bị từ chối theo cấu hình lỗi thử nghiệm / Rejected by the sandbox's reject fault"));
        if (!store.TryAdd(key, (JsonObject)body.DeepClone())) return (200, Answer("0", "Đã nhận trước đó / Already applied"));
        if (Random.Shared.NextDouble() < fault.AckLossRate)
            return (503, Answer("503", "Mất phản hồi (lỗi thử nghiệm) / Acknowledgement lost (sandbox fault)"));
        return (200, Answer("0", "Thành công / Stored"));
    }

    private static PortalAnswer Answer(string errorCode, string message) => new(errorCode, message);
}

/// <summary>The portal's answer to a lookup: the <see cref="PortalAnswer"/> codes, and the entry found.</summary>
public sealed record LookupAnswer(
    [property: System.Text.Json.Serialization.JsonPropertyName("error_code")] string ErrorCode,
    [property: System.Text.Json.Serialization.JsonPropertyName("message")] string Message,
    [property: System.Text.Json.Serialization.JsonPropertyName("data")] JsonObject? Data);

/// <summary>What the stand-in citizen stores hold: every applied entry with the key it was applied under.</summary>
public sealed class CitizenDataStore
{
    private readonly Lock _gate = new();
    private readonly HashSet<string> _keys = new(StringComparer.Ordinal);
    private readonly List<(string Key, JsonObject Body)> _entries = [];

    /// <summary>Stores <paramref name="body"/> unless <paramref name="key"/> was applied already (the call is a replay).</summary>
    public bool TryAdd(string key, JsonObject body)
    {
        lock (_gate)
        {
            if (!_keys.Add(key)) return false;
            _entries.Add((key, body));
            return true;
        }
    }

    /// <summary>Entries of one owner (all when null), in the order applied, each with its key.</summary>
    public IReadOnlyList<JsonObject> Entries(string? owner)
    {
        lock (_gate)
            return _entries.Where(e => owner is null || e.Body["SoGiayToChuHoSo"]?.ToString() == owner)
                .Select(e =>
                {
                    var copy = (JsonObject)e.Body.DeepClone();
                    copy["IdempotencyKey"] = e.Key;
                    return copy;
                }).ToList();
    }
}

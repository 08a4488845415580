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
/// The portal's switchable faults (errors, latency, outage, lost acknowledgements, rejected dossier codes) apply.
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
            return Results.Json(answer, statusCode: status);
        }).WithName("CitizenStorePush").WithSummary("Stores a result in the citizen's data store (needs an Idempotency-Key)")
            .Produces<PortalAnswer>().Produces<PortalAnswer>(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/", (string? owner, CitizenDataStore store) => Results.Ok(store.Entries(owner)))
            .WithName("CitizenStoreList").WithSummary("What the citizen stores hold, optionally for one owner's identity number")
            .Produces<IReadOnlyList<JsonObject>>();
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

using System.Globalization;
using System.Text.Json.Nodes;
using Procedures.Sandbox.Faults;

namespace Procedures.Sandbox.Portal;

/// <summary>
/// The national portal's dossier sync (HoSoDongBoDVC): create, update and history operations. Answers
/// <c>{"error_code": "0", "message": …}</c> when accepted; anything else carries the reason. Honours an
/// Idempotency-Key so a retried call is applied once.
/// </summary>
public static class SyncEndpoints
{
    public static void Map(WebApplication app)
    {
        var group = app.MapGroup("/portal/dossiers").WithTags("National portal (sandbox)")
            .AllowAnonymous(); // stands in for an external system, which authenticates partners its own way
        group.MapPost("/{operation}", SyncAsync);
        group.MapGet("/{code}", (string code, PortalStore store) =>
            store.Find(code) is { } d ? Results.Ok(d.Snapshot()) : Results.NotFound());
    }

    private static async Task<IResult> SyncAsync(string operation, System.Text.Json.JsonElement element, HttpContext http, PortalStore store, FaultSwitch faults)
    {
        if (element.ValueKind != System.Text.Json.JsonValueKind.Object)
            return Results.Ok(Answer("1", "Dữ liệu phải là đối tượng JSON / The payload must be a JSON object"));
        JsonObject body;
        try
        {
            body = JsonObject.Create(element)!;
        }
        catch (ArgumentException)
        {
            return Results.Ok(Answer("1", "Trường bị lặp / Duplicated field"));
        }
        try
        {
            return await ApplyAsync(operation, body, http, store, faults);
        }
        catch (InvalidOperationException)
        {
            // e.g. a string with invalid UTF-8: the real portal answers with an error code, not a crash
            return Results.Ok(Answer("1", "Dữ liệu không hợp lệ / Invalid payload"));
        }
    }

    private static async Task<IResult> ApplyAsync(string operation, JsonObject body, HttpContext http, PortalStore store, FaultSwitch faults)
    {
        var fault = faults.Portal;
        if (fault.LatencyMs > 0 && Random.Shared.NextDouble() < fault.LatencyRate)
            await Task.Delay(fault.LatencyMs, http.RequestAborted);
        if (fault.Down || Random.Shared.NextDouble() < fault.ErrorRate)
            return Results.Json(Answer("503", "Cổng tạm thời không phục vụ / Portal unavailable"), statusCode: 503);

        var code = body["MaHoSo"] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length is > 0 and <= 100 ? text : null;
        var error = operation switch
        {
            "create" or "update" => ValidateRecord(body),
            "history" => body["QuaTrinhXuLy"] is JsonArray ? null : "QuaTrinhXuLy là bắt buộc / QuaTrinhXuLy is required",
            _ => $"Thao tác không hỗ trợ / Unknown operation '{operation}'",
        };
        if (code is null) error ??= "MaHoSo là bắt buộc / MaHoSo is required";
        if (error is not null) return Results.Ok(Answer("1", error));

        var key = http.Request.Headers["Idempotency-Key"].ToString();
        if (key.Length > 0 && !store.TryMarkApplied(key))
            return Results.Ok(Answer("0", "Đã nhận trước đó / Already applied"));

        var dossier = store.GetOrAdd(code!);
        var traceParent = http.Request.Headers["traceparent"].ToString();
        dossier.Apply(d =>
        {
            if (traceParent.Length > 0) d.TraceParents.Add(traceParent);
            if (operation == "history")
                foreach (var row in body["QuaTrinhXuLy"]!.AsArray().OfType<JsonObject>()) d.History.Add((JsonObject)row.DeepClone());
            else
                d.SetRecord((JsonObject)body.DeepClone());
        });
        return Results.Ok(Answer("0", "Thành công / Accepted"));
    }

    private static string? ValidateRecord(JsonObject body)
    {
        foreach (var field in new[] { "MaHoSo", "MaTTHC", "NgayNopHoSo", "TrangThaiHoSo", "KenhThucHien" })
            if (body[field] is null) return $"{field} là bắt buộc / {field} is required";
        if (!DateTime.TryParseExact(body["NgayNopHoSo"]!.ToString(), "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            return "NgayNopHoSo phải có dạng yyyyMMddHHmmss / NgayNopHoSo must be yyyyMMddHHmmss";
        if (!int.TryParse(body["TrangThaiHoSo"]!.ToString(), out var status) || status is < 1 or > 10)
            return "TrangThaiHoSo phải từ 1 đến 10 / TrangThaiHoSo must be 1–10";
        return null;
    }

    private static object Answer(string errorCode, string message) => new { error_code = errorCode, message };
}

using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
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
        // Literal routes rather than /{operation}: beside GET /{code} that would be one path with two parameter names,
        // which an OpenAPI 3.1 document cannot say.
        foreach (var operation in new[] { "create", "update", "history" })
            group.MapPost("/" + operation, (System.Text.Json.JsonElement element, HttpContext http, PortalStore store, FaultSwitch faults)
                    => SyncAsync(operation, element, http, store, faults))
                .WithName("Portal" + char.ToUpperInvariant(operation[0]) + operation[1..] + "Dossier")
                .WithSummary($"Receives a dossier's {(operation == "history" ? "status steps" : "record")} ({operation}) in the portal's DVC format; needs an Idempotency-Key")
                .Produces<PortalAnswer>().Produces<PortalAnswer>(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/{code}", Results<Ok<object>, NotFound> (string code, PortalStore store) =>
            store.Find(code) is { } d ? TypedResults.Ok(d.Snapshot()) : TypedResults.NotFound())
            .WithName("PortalGetDossier").WithSummary("What the portal holds for one dossier: its fields and every status step received")
            .Produces<System.Text.Json.Nodes.JsonObject>();
        // What the portal holds for dossiers submitted on a day (the reconciliation's other side).
        group.MapGet("/", Results<Ok<List<PortalDossier.Line?>>, Ok<PortalAnswer>> (string? date, PortalStore store) => date is { Length: 8 } && PortalRules.IsTimestamp(date + "000000")
            ? TypedResults.Ok(store.All.Select(d => d.Listing()).Where(l => l is not null && l.SubmittedOn == date).ToList())
            : TypedResults.Ok(Answer("1", "date phải có dạng yyyyMMdd / date must be yyyyMMdd")))
            .WithName("PortalListDossiers").WithSummary("Dossiers the portal holds that were submitted on a day (date=yyyyMMdd); a refusal in the portal's format otherwise")
            .Produces<System.Text.Json.JsonElement>();
        app.MapDelete("/sandbox/portal/dossiers/{code}", Results<NoContent, NotFound> (string code, PortalStore store) => store.Forget(code) ? TypedResults.NoContent() : TypedResults.NotFound())
            .WithTags("Sandbox faults").AllowAnonymous().WithName("SandboxForgetDossier").Produces(StatusCodes.Status204NoContent)
            .WithSummary("Makes the stand-in portal forget one dossier (to test the reconciliation)");
    }

    private static async Task<Results<Ok<PortalAnswer>, JsonHttpResult<PortalAnswer>>> SyncAsync(string operation, System.Text.Json.JsonElement element, HttpContext http, PortalStore store, FaultSwitch faults)
    {
        if (element.ValueKind != System.Text.Json.JsonValueKind.Object)
            return TypedResults.Ok(Answer("1", "Dữ liệu phải là đối tượng JSON / The payload must be a JSON object"));
        JsonObject body;
        try
        {
            body = JsonObject.Create(element)!;
        }
        catch (ArgumentException)
        {
            return TypedResults.Ok(Answer("1", "Trường bị lặp / Duplicated field"));
        }
        try
        {
            return await ApplyAsync(operation, body, http, store, faults);
        }
        catch (InvalidOperationException)
        {
            // e.g. a string with invalid UTF-8: the real portal answers with an error code, not a crash
            return TypedResults.Ok(Answer("1", "Dữ liệu không hợp lệ / Invalid payload"));
        }
    }

    private static async Task<Results<Ok<PortalAnswer>, JsonHttpResult<PortalAnswer>>> ApplyAsync(string operation, JsonObject body, HttpContext http, PortalStore store, FaultSwitch faults)
    {
        var fault = faults.Portal;
        if (fault.LatencyMs > 0 && Random.Shared.NextDouble() < fault.LatencyRate)
            await Task.Delay(fault.LatencyMs, http.RequestAborted);
        if (fault.Down || Random.Shared.NextDouble() < fault.ErrorRate)
            return TypedResults.Json(Answer("503", "Cổng tạm thời không phục vụ / Portal unavailable"), statusCode: 503);

        var code = body["MaHoSo"] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length is > 0 and <= 100 ? text : null;
        var error = operation switch
        {
            "create" or "update" => PortalRules.ValidateRecord(body),
            "history" => PortalRules.ValidateHistory(body),
            _ => $"Thao tác không hỗ trợ / Unknown operation '{operation}'",
        };
        if (code is null) error ??= "MaHoSo là bắt buộc / MaHoSo is required";
        if (error is not null) return TypedResults.Ok(Answer("1", error));
        if (fault.RejectCodes?.Contains(code!) == true)
            return TypedResults.Ok(Answer("4", "Hồ sơ bị từ chối theo cấu hình lỗi thử nghiệm / Rejected by the sandbox's reject fault"));

        var key = http.Request.Headers["Idempotency-Key"].ToString();
        if (key.Length > 0 && !store.TryMarkApplied(key))
            return TypedResults.Ok(Answer("0", "Đã nhận trước đó / Already applied"));

        var existing = store.Find(code!)?.Record;
        var refusal = operation switch
        {
            "create" when existing is not null => Answer("2", "Hồ sơ đã tồn tại / The dossier already exists"),
            "update" or "history" when existing is null => Answer("3", "Hồ sơ chưa được tạo / Unknown dossier: create it first"),
            "update" when PortalRules.Int(existing!["TrangThaiHoSo"], out var from) && PortalRules.Int(body["TrangThaiHoSo"], out var to)
                          && !PortalRules.Reachable(from, to)
                => Answer("5", $"Không thể chuyển trạng thái {from} → {to} / Illegal status transition {from} → {to}"),
            _ => null,
        };
        if (refusal is not null)
        {
            if (key.Length > 0) store.Unmark(key); // a refused call was not applied: a corrected retry may use the key
            return TypedResults.Ok(refusal);
        }

        var dossier = store.GetOrAdd(code!);
        var traceParent = http.Request.Headers["traceparent"].ToString();
        dossier.Apply(d =>
        {
            if (traceParent.Length > 0) d.TraceParents.Add(traceParent);
            if (key.Length > 0) d.Applied.Add(key);
            if (operation == "history")
                foreach (var row in body["QuaTrinhXuLy"]!.AsArray().OfType<JsonObject>()) d.AddHistory((JsonObject)row.DeepClone());
            else
                d.SetRecord((JsonObject)body.DeepClone());
        });
        // Applied, but the acknowledgement is "lost": the caller must retry, and the key makes the retry a no-op.
        if (Random.Shared.NextDouble() < fault.AckLossRate)
            return TypedResults.Json(Answer("503", "Mất phản hồi (lỗi thử nghiệm) / Acknowledgement lost (sandbox fault)"), statusCode: 503);
        return TypedResults.Ok(Answer("0", "Thành công / Accepted"));
    }

    private static PortalAnswer Answer(string errorCode, string message) => new(errorCode, message);
}

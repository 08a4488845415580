using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Procedures.Sandbox.Portal;

namespace Procedures.Sandbox.Payment;

/// <summary>
/// The payment platform's message endpoint: one POST carrying a signed message whose LoaiBanTin says what it is
/// (INIT, QUERY, GET_BILL, LIST, REFUND). Answers <c>{"error_code": "0", "message": "&lt;JSON string&gt;"}</c>;
/// any other error_code carries the reason in <c>message</c>.
/// </summary>
public static class PlatformEndpoints
{
    public const string MessagesPath = "/payment-platform/messages";

    public static void Map(WebApplication app)
        => app.MapPost(MessagesPath, HandleAsync).WithTags("Payment platform (sandbox)")
            .AllowAnonymous() // an external system: partners are authenticated by the checksum with their secret
            .WithName("PaymentPlatformMessage").WithSummary("The payment platform's partner API: one message (LoaiBanTin) per call, signed with the partner's checksum")
            .Produces<PortalAnswer>().Produces<PortalAnswer>(StatusCodes.Status503ServiceUnavailable);

    private static async Task<Results<Ok<PortalAnswer>, JsonHttpResult<PortalAnswer>>> HandleAsync(JsonElement element, HttpContext http, PlatformStore store, PaymentFaultSwitch faults,
        IOptions<PlatformSettings> options, TimeProvider time)
    {
        var fault = faults.Current;
        if (PaymentFaultSwitch.Roll(fault.LatencyRate) && fault.LatencyMs > 0)
            await Task.Delay(fault.LatencyMs, http.RequestAborted);
        if (fault.Down || PaymentFaultSwitch.Roll(fault.ErrorRate))
            return TypedResults.Json(Answer("503", "Hệ thống thanh toán tạm thời không phục vụ / Platform unavailable"), statusCode: 503);

        if (element.ValueKind != JsonValueKind.Object) return TypedResults.Ok(Answer("1", "Dữ liệu phải là đối tượng JSON / A JSON object is required"));
        JsonObject message;
        try { message = JsonObject.Create(element)!; }
        catch (ArgumentException) { return TypedResults.Ok(Answer("1", "Trường bị lặp / Duplicated field")); }

        try
        {
            return TypedResults.Ok(Answer(message, http, store, options.Value, time.GetUtcNow()));
        }
        catch (InvalidOperationException)
        {
            // e.g. text that is not valid UTF-16 once decoded: the real platform answers with an error code, not a crash
            return TypedResults.Ok(Answer("1", "Dữ liệu không hợp lệ / Invalid payload"));
        }
    }

    private static PortalAnswer Answer(JsonObject message, HttpContext http, PlatformStore store, PlatformSettings settings, DateTimeOffset now)
    {
        var type = PlatformProtocol.TextOf(message, "LoaiBanTin");
        if (PlatformProtocol.FieldsOf(type) is not { } fields)
            return Answer("1", "LoaiBanTin không hỗ trợ / Unknown message type");
        if (PlatformProtocol.TextOf(message, "MaDoiTac") != settings.PartnerCode)
            return Answer("3", "Đối tác không tồn tại / Unknown partner");
        if (!PlatformProtocol.Verify(message, fields, settings.Secret))
            return Answer("2", "Sai mã xác thực / Wrong checksum");
        return type switch
        {
            PlatformProtocol.Init => InitAnswer(message, http, store, now, settings),
            PlatformProtocol.List => ListAnswer(message, store, now, settings),
            _ => TransactionAnswer(type!, message, store, now, settings),
        };
    }

    private static PortalAnswer InitAnswer(JsonObject message, HttpContext http, PlatformStore store, DateTimeOffset now, PlatformSettings settings)
    {
        var reference = PlatformProtocol.TextOf(message, "MaThamChieu")!;
        if (reference.Length is 0 or > 64 || !reference.All(char.IsAsciiLetterOrDigit))
            return Answer("1", "MaThamChieu không hợp lệ / Invalid MaThamChieu");
        if (!PlatformProtocol.TryParseAmount(PlatformProtocol.TextOf(message, "SoTien"), out var amount))
            return Answer("1", "SoTien phải là số nguyên dương / SoTien must be a positive whole number");
        if (!PlatformProtocol.TryParseTimestamp(PlatformProtocol.TextOf(message, "ThoiGianGD"), out var at))
            return Answer("1", "ThoiGianGD phải có dạng yyyyMMddHHmmss / ThoiGianGD must be yyyyMMddHHmmss");
        var transaction = store.GetOrCreate(reference, () => new PlatformTransaction(reference, amount, at,
            Guid.NewGuid().ToString("N"), message["ThongTinBienLai"] as JsonObject is { } r ? (JsonObject)r.DeepClone() : null));
        if (transaction.Amount != amount) return Answer("6", "MaThamChieu đã dùng với số tiền khác / Reference already used with another amount");
        transaction.ExpireIfDue(now, settings.TransactionLifetime);
        var url = $"{http.Request.Scheme}://{http.Request.Host}{PayPage.PathFor(transaction.Token)}";
        return Ok(new JsonObject { ["MaThamChieu"] = reference, ["MaGiaoDich"] = transaction.TransactionId, ["UrlThanhToan"] = url });
    }

    private static PortalAnswer TransactionAnswer(string type, JsonObject message, PlatformStore store, DateTimeOffset now, PlatformSettings settings)
    {
        var reference = PlatformProtocol.TextOf(message, "MaThamChieu")!;
        if (store.Find(reference) is not { } t) return Answer("4", "Không tìm thấy giao dịch / Unknown transaction");
        t.ExpireIfDue(now, settings.TransactionLifetime);
        switch (type)
        {
            case PlatformProtocol.Query:
                return Ok(Describe(t));
            case PlatformProtocol.Refund:
                if (!PlatformProtocol.TryParseAmount(PlatformProtocol.TextOf(message, "SoTien"), out var amount) || amount != t.Amount)
                    return Answer("6", "Số tiền hoàn khác số đã thanh toán / Refund amount differs from the payment");
                return t.RefundIfPaid() ? Ok(Describe(t)) : Answer("5", "Giao dịch chưa thanh toán / Transaction not paid");
            default: // GET_BILL
                if (t.ReceiptNumber is null) return Answer("5", "Giao dịch chưa thanh toán / Transaction not paid");
                var info = t.ReceiptInfo;
                return Ok(new JsonObject
                {
                    ["MaThamChieu"] = t.Reference, ["MaGiaoDich"] = t.TransactionId, ["SoBienLai"] = t.ReceiptNumber,
                    ["KyHieuBienLai"] = "BLTT-H29", ["NgayBienLai"] = PlatformProtocol.Timestamp(t.CompletedAt!.Value),
                    ["SoTien"] = PlatformProtocol.Amount(t.Amount), ["MaHoSo"] = info?["MaHoSo"]?.DeepClone(),
                    ["HoTenNguoiNop"] = info?["HoTenNguoiNop"]?.DeepClone(), ["NoiDungThanhToan"] = info?["NoiDungThanhToan"]?.DeepClone(),
                    ["MaTTHC"] = info?["MaTTHC"]?.DeepClone(), ["MaDonVi"] = info?["MaDonVi"]?.DeepClone(),
                });
        }
    }

    private static PortalAnswer ListAnswer(JsonObject message, PlatformStore store, DateTimeOffset now, PlatformSettings settings)
    {
        if (!DateOnly.TryParseExact(PlatformProtocol.TextOf(message, "NgayGD"), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return Answer("1", "NgayGD phải có dạng yyyyMMdd / NgayGD must be yyyyMMdd");
        var rows = new JsonArray();
        foreach (var t in store.OfDay(day))
        {
            t.ExpireIfDue(now, settings.TransactionLifetime);
            rows.Add(Describe(t));
        }
        return Ok(new JsonObject { ["NgayGD"] = day.ToString("yyyyMMdd", CultureInfo.InvariantCulture), ["GiaoDich"] = rows });
    }

    private static JsonObject Describe(PlatformTransaction t) => new()
    {
        ["MaThamChieu"] = t.Reference, ["MaGiaoDich"] = t.TransactionId, ["SoTien"] = PlatformProtocol.Amount(t.Amount),
        ["TrangThai"] = t.State, ["MaLoi"] = t.ResultCode, ["ThoiGianGD"] = PlatformProtocol.Timestamp(t.TransactionTime),
        ["ThoiGianThanhToan"] = t.CompletedAt is { } at ? PlatformProtocol.Timestamp(at) : null,
    };

    private static PortalAnswer Ok(JsonObject payload) => Answer("0", payload.ToJsonString());

    private static PortalAnswer Answer(string errorCode, string message) => new(errorCode, message);
}

using System.Net;
using Microsoft.AspNetCore.Http.HttpResults;
using Procedures.ServiceDefaults.OpenApi;

namespace Procedures.Sandbox.Payment;

/// <summary>
/// The minimal hosted payment page (UrlThanhToan): the citizen pays, the payment fails, or the citizen abandons it.
/// The outcome is final once; the platform then calls the partner back.
/// </summary>
public static class PayPage
{
    private const string Base = "/payment-platform/pay";

    public static string PathFor(string token) => $"{Base}/{token}";

    public static void Map(WebApplication app)
    {
        var group = app.MapGroup(Base).WithTags("Payment platform (sandbox)").AllowAnonymous();
        group.MapGet("/{token}", Results<ContentHttpResult, NotFound> (string token, PlatformStore store) => store.FindByToken(token) is { } t
            ? TypedResults.Content(Html(t), "text/html; charset=utf-8")
            : TypedResults.NotFound())
            .WithName("PaymentPage").WithSummary("The hosted payment page (UrlThanhToan) of one transaction")
            .Produces(StatusCodes.Status200OK, contentType: "text/html");
        group.MapPost("/{token}", CompleteAsync).DisableAntiforgery()
            .WithName("CompletePayment").WithSummary("The citizen's choice on the page: outcome = pay | fail | abandon; the platform then calls the partner back")
            .DocumentsForm("application/x-www-form-urlencoded", "PaymentChoice", new FormField("outcome", "string", true, "pay | fail | abandon"))
            .Produces(StatusCodes.Status200OK, contentType: "text/html")
            .Produces(StatusCodes.Status409Conflict, contentType: "text/html");
    }

    private static async Task<Results<ContentHttpResult, NotFound, ProblemHttpResult>> CompleteAsync(string token, HttpContext http, PlatformStore store, CallbackSender callbacks,
        TimeProvider time, Microsoft.Extensions.Options.IOptions<PlatformSettings> settings)
    {
        if (store.FindByToken(token) is not { } t) return TypedResults.NotFound();
        var outcome = http.Request.HasFormContentType ? (await http.Request.ReadFormAsync(http.RequestAborted))["outcome"].ToString() : "";
        var code = outcome switch
        {
            "pay" => PlatformProtocol.Success,
            "fail" => PlatformProtocol.Declined,
            "abandon" => PlatformProtocol.Abandoned,
            _ => null,
        };
        if (code is null)
            return Procedures.ServiceDefaults.Problems.Validation([new("outcome", "one-of", "outcome phải là pay, fail hoặc abandon", "outcome must be pay, fail or abandon")]);
        var now = time.GetUtcNow();
        t.ExpireIfDue(now, settings.Value.TransactionLifetime);
        if (!t.Complete(code, now))
            return TypedResults.Content(Page("Giao dịch đã kết thúc / Transaction already completed", $"<p>{t.State}</p>"), "text/html; charset=utf-8",
                statusCode: StatusCodes.Status409Conflict);
        callbacks.Send(t);
        return TypedResults.Content(Page("Kết quả / Result", $"<p id=\"state\">{t.State}</p><p>{WebUtility.HtmlEncode(t.TransactionId)}</p>"),
            "text/html; charset=utf-8");
    }

    private static string Html(PlatformTransaction t) => Page("Thanh toán trực tuyến / Online payment", $"""
        <p>Mã tham chiếu / Reference: {WebUtility.HtmlEncode(t.Reference)}</p>
        <p>Số tiền / Amount: {t.Amount:N0} VND</p>
        <p>Trạng thái / State: <span id="state">{t.State}</span></p>
        <form method="post"><button name="outcome" value="pay">Thanh toán / Pay</button></form>
        <form method="post"><button name="outcome" value="fail">Thất bại / Fail</button></form>
        <form method="post"><button name="outcome" value="abandon">Hủy / Abandon</button></form>
        """);

    private static string Page(string title, string body)
        => $"<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>";
}

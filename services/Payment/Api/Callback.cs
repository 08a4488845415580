using Microsoft.AspNetCore.Http.HttpResults;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using Procedures.Payment.Ledger;
using Procedures.Payment.Platform;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.OpenApi;

namespace Procedures.Payment.Api;

/// <summary>
/// POST /api/v1/payments/callback: the platform's outcome of a payment. Public (the platform holds no token of ours);
/// trusted only through MaXacThuc. A callback that is unsigned, tampered or not well-formed is refused and logged and
/// changes nothing; a signed one is applied once (the first final state wins) and its event commits with it.
/// Every callback is recorded in payment_callbacks with what became of it.
/// </summary>
public static partial class Callback
{
    /// <summary>The callback's route in its group, and its whole path (which the platform is configured with).</summary>
    public const string Route = "/callback", Path = PaymentRoutes.Prefix + Route;

    public static IEndpointRouteBuilder MapCallback(this IEndpointRouteBuilder app)
    {
        app.MapPost(Route, HandleAsync).AllowAnonymous().WithName("PaymentCallback")
            .WithSummary("The payment platform's signed outcome of a payment (MaThamChieu|MaGiaoDich|SoTien|MaLoi|ThoiGianGD|secret)")
            .WithDescription("Answers in the platform's own format (error_code \"0\" acknowledged, \"4\" unknown reference, \"6\" amount differs); a callback whose checksum does not verify is a problem.")
            .DocumentsJsonBody<System.Text.Json.Nodes.JsonObject, RouteHandlerBuilder>()
            .Produces<CallbackAnswer>().Produces<CallbackAnswer>(StatusCodes.Status404NotFound).Produces<CallbackAnswer>(StatusCodes.Status409Conflict)
            .ProducesProblems(StatusCodes.Status400BadRequest, "callback-signature");
        return app;
    }

    /// <summary>The acknowledgement in the platform's format.</summary>
    public sealed record CallbackAnswer(
        [property: System.Text.Json.Serialization.JsonPropertyName("error_code")] string ErrorCode,
        [property: System.Text.Json.Serialization.JsonPropertyName("message")] string Message);

    private static async Task<Results<JsonHttpResult<CallbackAnswer>, ProblemHttpResult>> HandleAsync(HttpContext http, NpgsqlDataSource db, IOptions<PlatformSettings> platform,
        IOptions<PaymentOptions> options, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        var logger = loggers.CreateLogger(typeof(Callback).FullName!);
        var remote = http.Connection.RemoteIpAddress?.ToString();
        var (message, verified) = await ReadAsync(http.Request.Body, platform.Value.Secret, ct);
        var reference = message is null ? null : PlatformProtocol.TextOf(message, "MaThamChieu");
        await using var connection = await db.OpenConnectionAsync(ct);
        if (!verified || message is null)
        {
            LogRejected(logger, Shorten(reference), remote);
            await RecordAsync(connection, null, message, "rejected-signature", remote, ct);
            return Problems.Of(StatusCodes.Status400BadRequest, "callback-signature",
                "Chữ ký (MaXacThuc) không hợp lệ hoặc thiếu trường", "Missing field or wrong checksum (MaXacThuc): the callback is refused");
        }

        var resultCode = PlatformProtocol.TextOf(message, "MaLoi")!;
        var transactionId = PlatformProtocol.TextOf(message, "MaGiaoDich")!;
        PlatformProtocol.TryParseAmount(PlatformProtocol.TextOf(message, "SoTien"), out var amount);
        PlatformProtocol.TryParseTimestamp(PlatformProtocol.TextOf(message, "ThoiGianGD"), out var at);
        var outcome = resultCode == PlatformProtocol.Success ? Outcome.Succeeded : Outcome.Failed;
        var facts = new OutcomeFacts(transactionId, amount, at == default ? null : at, Reason: FailureReason(resultCode));

        await using var tx = await connection.BeginTransactionAsync(ct);
        var applied = await PaymentLedger.ApplyAsync(tx, reference!, outcome, facts, time.GetUtcNow(), options.Value.PaidOnlineChannel, ct);
        var what = applied switch
        {
            null => "unknown-reference",
            { AmountMismatch: true } => "amount-mismatch",
            { Transition.Effect: Effect.Apply } => "applied",
            { Transition.Effect: Effect.Duplicate } => "duplicate",
            _ => "conflict",
        };
        await RecordAsync(connection, tx, message, what, remote, ct);
        await tx.CommitAsync(ct);
        if (what is not ("applied" or "duplicate")) LogAnomaly(logger, reference!, what, applied?.Transition.From);
        return what switch
        {
            "unknown-reference" => TypedResults.Json(new CallbackAnswer("4", "Không tìm thấy giao dịch / Unknown reference"), statusCode: 404),
            "amount-mismatch" => TypedResults.Json(new CallbackAnswer("6", "Số tiền không khớp / Amount differs"), statusCode: 409),
            // Duplicates and late outcomes are acknowledged: the platform must stop repeating them; nothing changed.
            _ => TypedResults.Json(new CallbackAnswer("0", what)),
        };
    }

    /// <summary>
    /// The body as a JSON object and whether its checksum verifies. Anything unreadable (not JSON, not an object, text
    /// that is not valid UTF-16 once decoded) counts as unsigned; the message is kept only if its signed fields read.
    /// </summary>
    private static async Task<(JsonObject? Message, bool Verified)> ReadAsync(Stream body, string secret, CancellationToken ct)
    {
        try
        {
            if (await JsonNode.ParseAsync(body, cancellationToken: ct) is not JsonObject message) return (null, false);
            var verified = PlatformProtocol.Verify(message, PlatformProtocol.CallbackFields, secret);
            _ = PlatformProtocol.CallbackFields.Select(f => PlatformProtocol.TextOf(message, f)).ToList(); // all readable, or caught here
            return (message, verified);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException) // ArgumentException: a duplicated field
        {
            return (null, false);
        }
    }

    /// <summary>PaymentFailed's reason for a platform result code.</summary>
    public static string FailureReason(string resultCode) => resultCode switch
    {
        PlatformProtocol.Success => "",
        PlatformProtocol.Abandoned => "abandoned",
        "99" => "expired",
        _ => "failed:" + resultCode,
    };

    private static Task RecordAsync(NpgsqlConnection c, NpgsqlTransaction? tx, JsonObject? m, string outcome, string? remote, CancellationToken ct)
        => c.ExecuteAsync(new CommandDefinition("""
            INSERT INTO payment_callbacks (reference, transaction_id, amount, result_code, outcome, remote_address)
            VALUES (@reference, @transactionId, @amount, @resultCode, @outcome, @remote)
            """, new
            {
                reference = Shorten(m is null ? null : PlatformProtocol.TextOf(m, "MaThamChieu")),
                transactionId = Shorten(m is null ? null : PlatformProtocol.TextOf(m, "MaGiaoDich")),
                amount = Shorten(m is null ? null : PlatformProtocol.TextOf(m, "SoTien")),
                resultCode = Shorten(m is null ? null : PlatformProtocol.TextOf(m, "MaLoi")),
                outcome, remote,
            }, tx, cancellationToken: ct));

    /// <summary>Unverified text is stored and logged cut short and without control characters.</summary>
    private static string? Shorten(string? text)
        => text is null ? null : new string(text.Take(100).Select(ch => char.IsControl(ch) ? '?' : ch).ToArray());

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment callback refused: missing field or wrong checksum (reference {Reference}, from {Remote})")]
    private static partial void LogRejected(ILogger logger, string? reference, string? remote);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment callback for {Reference} not applied: {What} (state was {State})")]
    private static partial void LogAnomaly(ILogger logger, string reference, string what, string? state);
}

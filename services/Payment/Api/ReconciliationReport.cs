using Microsoft.AspNetCore.Http.HttpResults;
using System.Globalization;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using Procedures.Contracts;
using Procedures.Payment.Ledger;
using Procedures.Payment.Platform;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.OpenApi;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Payment.Api;

/// <summary>
/// GET /api/v1/payments/reconciliation?date=yyyy-MM-dd: the local ledger against the platform's (LIST) for one
/// Vietnam-time day (payments filed under the day they were requested, as both sides do), with every difference. A
/// city-wide financial report: only for callers whose agency sees all agencies.
/// </summary>
public static class ReconciliationReport
{
    public sealed record Report(string Date, int LocalCount, int PlatformCount, long LocalPaidVnd, long PlatformPaidVnd,
        IReadOnlyList<Difference> Differences);

    public static IEndpointRouteBuilder MapReconciliation(this IEndpointRouteBuilder app)
    {
        app.MapGet("/reconciliation", HandleAsync).WithName("PaymentReconciliation")
            .WithSummary("Local payment ledger against the platform's for one Vietnam-time day; every difference listed")
            .RequireScope(Scopes.Payments)
            .WithExamples(null, new Report("2026-11-29", 2, 2, 30000, 30000, []))
            .ProducesProblems(StatusCodes.Status503ServiceUnavailable, "payment-platform-unavailable");
        return app;
    }

    private static async Task<Results<Ok<Report>, ProblemHttpResult>> HandleAsync(string? date, Caller caller, NpgsqlDataSource db, PlatformClient platform, CancellationToken ct)
    {
        if (!caller.SeesAllAgencies)
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "Chỉ cơ quan kiểm soát của thành phố được xem đối soát",
                "Only the city's control office sees the reconciliation");
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return Problems.Validation([new("date", "format", "Ngày phải có dạng yyyy-MM-dd", "date is required, as yyyy-MM-dd")]);
        try
        {
            return TypedResults.Ok(await BuildAsync(day, db, platform, ct));
        }
        catch (PlatformUnavailableException ex)
        {
            return Problems.Of(StatusCodes.Status503ServiceUnavailable, "payment-platform-unavailable",
                "Không lấy được danh sách giao dịch từ nền tảng thanh toán", "The payment platform's list of the day could not be fetched", ex.Message);
        }
    }

    public sealed class PlatformUnavailableException(string message) : Exception(message);

    /// <summary>The report of <paramref name="day"/> (Vietnam time); throws <see cref="PlatformUnavailableException"/> without the platform's list.</summary>
    public static async Task<Report> BuildAsync(DateOnly day, NpgsqlDataSource db, PlatformClient platform, CancellationToken ct)
    {
        PlatformAnswer answer;
        try
        {
            answer = await platform.ListAsync(day, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or Polly.CircuitBreaker.BrokenCircuitException or Polly.Timeout.TimeoutRejectedException)
        {
            throw new PlatformUnavailableException(ex.GetType().Name);
        }
        if (answer.Payload?["GiaoDich"] is not JsonArray rows) throw new PlatformUnavailableException(answer.ToString());
        var theirs = rows.OfType<JsonObject>().Select(r => new PlatformEntry(PlatformProtocol.TextOf(r, "MaThamChieu") ?? "",
            PlatformProtocol.TryParseAmount(PlatformProtocol.TextOf(r, "SoTien"), out var a) ? a : 0, PlatformProtocol.TextOf(r, "TrangThai") ?? "",
            PlatformProtocol.TextOf(r, "MaGiaoDich"))).ToList();

        var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), VietnamTime.Offset).ToUniversalTime();
        await using var connection = await db.OpenConnectionAsync(ct);
        var ours = (await connection.QueryAsync<LocalEntry>(new CommandDefinition("""
            SELECT reference, amount_vnd AS AmountVnd, state, transaction_id AS TransactionId FROM payments
            WHERE requested_at >= @start AND requested_at < @end AND trigger <> @desk -- desk payments never reach the platform
            """, new { start, end = start.AddDays(1), desk = PaymentLedger.DeskTrigger }, cancellationToken: ct))).AsList();

        return new Report(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), ours.Count, theirs.Count,
            ours.Where(e => PaymentStates.IsPaid(e.State)).Sum(e => e.AmountVnd),
            theirs.Where(e => e.State is PlatformProtocol.Succeeded or PlatformProtocol.Refunded).Sum(e => e.AmountVnd),
            Reconciliation.Compare(ours, theirs));
    }
}

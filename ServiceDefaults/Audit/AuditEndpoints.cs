using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Procedures.Messaging.Audit;
using Procedures.ServiceDefaults.Security;

namespace Procedures.ServiceDefaults.Audit;

/// <summary>A page of audit entries, newest first; NextBeforeId (when set) fetches the following page.</summary>
public sealed record AuditPage(IReadOnlyList<AuditRecord> Entries, long? NextBeforeId);

/// <summary>
/// GET /api/v1/audit (search) and GET /api/v1/audit/verify (chain check) for auditors. No authorization is
/// attached here: the service adds <c>.RequireAuthorization(...)</c> (scope <c>audit</c>) to the returned group.
/// </summary>
public static class AuditEndpoints
{
    private const int MaxFilterLength = 256;

    private static readonly string[] InstantFormats =
    [
        "yyyy-MM-dd", "yyyy-MM-ddTHH:mmK", "yyyy-MM-ddTHH:mm:ssK", "yyyy-MM-ddTHH:mm:ss.FFFFFFFK",
    ];

    public static RouteGroupBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/audit").WithTags("Audit");
        // The log holds every agency's entries and the chain check counts them all: it is the city's to read. An agency's
        // token, even one granted `audit`, is refused (403 forbidden) rather than shown a filtered log whose entries and
        // counts would still be shaped by the others'.
        group.AddEndpointFilter(async (context, next) =>
            context.HttpContext.RequestServices.GetService<Caller>() is { SeesAllAgencies: false }
                ? Problems.Of(StatusCodes.Status403Forbidden, "forbidden",
                    "Chỉ cơ quan kiểm soát của thành phố được đọc nhật ký kiểm toán", "Only the city's control office reads the audit log")
                : await next(context));
        group.MapGet("/", SearchAsync)
            .WithName("SearchAudit")
            .WithSummary("Search the audit log, newest first")
            .WithDescription("Filters: from (inclusive), to (exclusive) as ISO 8601 instants (UTC when no offset is given), " +
                             "agency, resource, action, clientId, traceId (the W3C trace id of the request an entry accounts for); limit 1-1000 (default 100); beforeId continues from a previous page.");
        group.MapGet("/verify", VerifyAsync)
            .WithName("VerifyAudit")
            .WithSummary("Recompute the audit hash chain and report the first broken entry, if any, and how many entries wait to be chained");
        return group;
    }

    private static async Task<Results<Ok<AuditPage>, ProblemHttpResult>> SearchAsync(
        string? from, string? to, string? agency, string? resource, string? action, string? clientId, string? limit, string? beforeId,
        string? traceId, NpgsqlDataSource db, CancellationToken ct)
    {
        var parsed = ParseQuery(from, to, agency, resource, action, clientId, limit, beforeId, out var errors, traceId);
        if (parsed is null) return Problems.Validation(errors);

        var entries = await AuditLog.QueryAsync(db, parsed, ct);
        var next = entries.Count == parsed.Limit ? entries[^1].Id : (long?)null;
        return TypedResults.Ok(new AuditPage(entries, next));
    }

    private static async Task<Ok<AuditVerification>> VerifyAsync(NpgsqlDataSource db, CancellationToken ct)
        => TypedResults.Ok(await AuditChain.VerifyAsync(db, ct));

    /// <summary>Query-string values to a query; null with the errors keyed by parameter name when any is invalid.</summary>
    public static AuditQuery? ParseQuery(string? from, string? to, string? agency, string? resource, string? action, string? clientId,
        string? limit, string? beforeId, out List<FieldError> errors, string? traceId = null)
    {
        var problems = new List<FieldError>();
        errors = problems;

        DateTimeOffset? Instant(string name, string? value)
        {
            if (string.IsNullOrWhiteSpace(value)) return null;
            // An unencoded '+' of an offset arrives as a space ("...T08:00:00 07:00").
            var text = value.Trim();
            var space = text.LastIndexOf(' ');
            if (space > 0) text = string.Concat(text.AsSpan(0, space), "+", text.AsSpan(space + 1));
            // The formats check the form; a date or time written without an offset is Vietnam time (VietnamTime).
            if (DateTimeOffset.TryParseExact(text, InstantFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _)
                && Procedures.Contracts.VietnamTime.TryParseMoment(text, out var instant))
                return instant.ToUniversalTime();
            problems.Add(new FieldError(name, "format", "Cần ngày hoặc thời điểm ISO 8601, ví dụ 2025-01-31 hoặc 2025-01-31T08:00:00+07:00",
                "Expected an ISO 8601 date or instant, e.g. 2025-01-31 or 2025-01-31T08:00:00+07:00"));
            return null;
        }

        string? Text(string name, string? value)
        {
            if (string.IsNullOrWhiteSpace(value)) return null;
            if (value.Length <= MaxFilterLength) return value;
            problems.Add(new FieldError(name, "max-length", $"Tối đa {MaxFilterLength} ký tự", $"At most {MaxFilterLength} characters"));
            return null;
        }

        var fromValue = Instant("from", from);
        var toValue = Instant("to", to);
        if (fromValue is { } f && toValue is { } t && t < f)
            problems.Add(new FieldError("to", "after-from", "Không được trước 'from'", "Must not be before 'from'"));

        var limitValue = AuditQuery.DefaultLimit;
        if (!string.IsNullOrWhiteSpace(limit)
            && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out limitValue)
                || limitValue < 1 || limitValue > AuditQuery.MaxLimit))
            problems.Add(new FieldError("limit", "range", $"Cần số nguyên từ 1 đến {AuditQuery.MaxLimit}", $"Expected a whole number from 1 to {AuditQuery.MaxLimit}"));

        long? beforeValue = null;
        if (!string.IsNullOrWhiteSpace(beforeId))
        {
            if (long.TryParse(beforeId, NumberStyles.None, CultureInfo.InvariantCulture, out var b) && b > 0) beforeValue = b;
            else problems.Add(new FieldError("beforeId", "positive", "Cần mã mục dương", "Expected a positive entry id"));
        }

        var query = new AuditQuery(fromValue, toValue, Text("agency", agency), Text("resource", resource), Text("action", action),
            Text("clientId", clientId), limitValue, beforeValue, Text("traceId", traceId));
        return problems.Count == 0 ? query : null;
    }
}

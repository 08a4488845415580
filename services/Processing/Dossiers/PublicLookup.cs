using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Procedures.Contracts;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.OpenApi;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Processing.Dossiers;

/// <summary>
/// GET /api/v1/public/dossiers/{code}?idLast4=: a citizen follows their dossier without an account. The second factor
/// is the last 4 digits of the applicant's ID number; an unknown code and a wrong factor answer the same 404, and each
/// client address has a small budget of lookups, so codes cannot be harvested. No personal data in the answer; of the
/// officers' notes only what the citizen is owed in writing: the reason for a supplementation or completion request, and
/// for an apology (<see cref="StepView"/>).
/// </summary>
public static class PublicLookup
{
    /// <summary>
    /// One step. <see cref="Title"/> is the line to show: the status name, or for the steps that keep the status what
    /// happened (an apology, a completion request). <see cref="Reason"/>: see <see cref="StepView.Of"/>.
    /// <see cref="NewAppointmentAt"/>: an apology's new date; <see cref="CompleteBy"/>: a completion request's due date.
    /// </summary>
    public sealed record Step([property: CodeList(typeof(DossierStatus))] int Status, string StatusName, DateTimeOffset At, string? Title = null, string? Reason = null,
        DateTimeOffset? NewAppointmentAt = null, DateTimeOffset? CompleteBy = null);

    public sealed record Response(string Code, string? ProcedureName, [property: CodeList(typeof(DossierStatus))] int Status, string StatusName, DateTimeOffset SubmittedAt,
        DateTimeOffset? ReceivedAt, DateTimeOffset? AppointmentAt, IReadOnlyList<Step> History);

    public static IEndpointRouteBuilder MapPublicLookup(this IEndpointRouteBuilder app)
    {
        app.MapGet("/{code}", HandleAsync).WithName("PublicDossierLookup")
            .WithSummary("Follow a dossier: status, appointment date and steps, with the last 4 digits of the applicant's ID as second factor")
            .AllowAnonymous()
            .RequireRateLimiting(Hardening.PublicLookupPolicy)
            .WithExamples(null, new Response("26740.H29-261129-0001", "Đăng ký khai sinh", 4, "Đang xử lý / In processing",
                DateTimeOffset.Parse("2026-11-29T08:10:00+07:00"), DateTimeOffset.Parse("2026-11-29T09:00:00+07:00"),
                DateTimeOffset.Parse("2026-12-02T17:00:00+07:00"),
                [new(1, "Mới đăng ký / Submitted", DateTimeOffset.Parse("2026-11-29T08:10:00+07:00"), "Mới đăng ký / Submitted"),
                 new(5, StatusNames.Of(DossierStatus.SupplementRequested), DateTimeOffset.Parse("2026-11-30T10:00:00+07:00"),
                     StatusNames.Of(DossierStatus.SupplementRequested), "Bổ sung bản sao giấy chứng sinh")]));
        return app;
    }

    /// <summary>What is stored instead of the digits: SHA-256 of "{code}:{last 4 digits}", so the table leaks no ID fragment.</summary>
    public static string? Hash(string code, string? idNumber)
    {
        var digits = new string((idNumber ?? "").Where(char.IsAsciiDigit).ToArray());
        return digits.Length < 4 ? null : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{code}:{digits[^4..]}")));
    }

    private static async Task<Results<Ok<Response>, ProblemHttpResult>> HandleAsync(
        string code, string? idLast4, NpgsqlDataSource db, CancellationToken ct)
    {
        // One answer for every miss: which part was wrong must not be learnable.
        var notFound = Problems.Of(StatusCodes.Status404NotFound, "not-found",
            "Không tìm thấy hồ sơ với mã và 4 chữ số cuối giấy tờ đã nhập", "No dossier matches this code and these 4 digits");
        if (idLast4 is not { Length: 4 } || !idLast4.All(char.IsAsciiDigit) || code.Length > 64) return notFound;
        await using var connection = await db.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition("""
            SELECT code, procedure_name AS ProcedureName, status, submitted_at AS SubmittedAt, received_at AS ReceivedAt,
                   appointment_at AS AppointmentAt, lookup_hash AS LookupHash
            FROM dossiers WHERE code = @code
            """, new { code }, cancellationToken: ct));
        var expected = Hash(code, idLast4);
        if (row?.LookupHash is null || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(row.LookupHash),
                Encoding.ASCII.GetBytes(expected!)))
            return notFound;

        var history = await connection.QueryAsync<StepRow>(new CommandDefinition("""
            SELECT status, occurred_at AS At, content,
                   (event->'apology'->>'newAppointmentAt')::timestamptz AS NewAppointmentAt,
                   (event->'completionRequest'->>'dueAt')::timestamptz AS CompleteBy
            FROM dossier_history WHERE dossier_code = @code ORDER BY sequence
            """, new { code }, cancellationToken: ct));
        return TypedResults.Ok(new Response(row.Code, row.ProcedureName, row.Status, StatusNames.Of((DossierStatus)row.Status), row.SubmittedAt,
            row.ReceivedAt, row.AppointmentAt,
            [.. history.Select(h => StepView.Of((DossierStatus)h.Status, h.At, h.Content, h.NewAppointmentAt, h.CompleteBy))]));
    }

    private sealed record StepRow(short Status, DateTimeOffset At, string? Content, DateTimeOffset? NewAppointmentAt, DateTimeOffset? CompleteBy);

    private sealed record Row(string Code, string? ProcedureName, short Status, DateTimeOffset SubmittedAt, DateTimeOffset? ReceivedAt,
        DateTimeOffset? AppointmentAt, string? LookupHash);
}

/// <summary>A history step as the citizen reads it (pure): what happened on one line, and the reason they are owed.</summary>
public static class StepView
{
    public const string ApologyTitle = "Xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04) / Apology and new appointment date (form 04)";
    public const string CompletionTitle = DossierCompletionRequest.TitleVi + " / " + DossierCompletionRequest.TitleEn;

    /// <summary>
    /// An apology (it keeps the status, so its row would read as the status again) and a completion request show as what
    /// they are. The reason is shown only for a supplementation request, a completion request and an apology: the citizen
    /// is told these in writing (forms 02 and 04); other notes stay internal.
    /// </summary>
    public static PublicLookup.Step Of(DossierStatus status, DateTimeOffset at, string? content, DateTimeOffset? newAppointmentAt,
        DateTimeOffset? completeBy)
    {
        var title = newAppointmentAt is not null ? ApologyTitle : completeBy is not null ? CompletionTitle : StatusNames.Of(status);
        var owed = newAppointmentAt is not null || completeBy is not null || status == DossierStatus.SupplementRequested;
        return new PublicLookup.Step((int)status, StatusNames.Of(status), at, title, owed ? content : null, newAppointmentAt, completeBy);
    }
}

/// <summary>Status names as the citizen reads them, Vietnamese / English (docs/domain.md#dossier-statuses).</summary>
public static class StatusNames
{
    public static string Of(DossierStatus status) => status switch
    {
        DossierStatus.Submitted => "Mới đăng ký / Submitted",
        DossierStatus.Received => "Được tiếp nhận / Received",
        DossierStatus.Refused => "Không được tiếp nhận / Refused",
        DossierStatus.InProcessing => "Đang xử lý / In processing",
        DossierStatus.SupplementRequested => "Yêu cầu bổ sung giấy tờ / Supplementation requested",
        DossierStatus.AwaitingPayment => "Yêu cầu thực hiện nghĩa vụ tài chính / Awaiting payment",
        DossierStatus.Withdrawn => "Công dân yêu cầu rút hồ sơ / Withdrawn",
        DossierStatus.Stopped => "Dừng xử lý / Stopped",
        DossierStatus.Decided => "Đã xử lý xong / Decided",
        DossierStatus.Returned => "Đã trả kết quả / Result returned",
        _ => ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

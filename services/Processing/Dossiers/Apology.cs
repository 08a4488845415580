using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging.Audit;
using Procedures.Processing.Calendar;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.OpenApi;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Processing.Dossiers;

/// <summary>
/// POST /api/v1/dossiers/{code}/apology: form 04, "phiếu xin lỗi và hẹn lại ngày trả kết quả", signed by the head of the
/// agency, owed no later than the due date (HCMC Decision 5157/QĐ-UBND). Recorded even when late, but then marked not on
/// time: a late dossier without a timely apology is non-compliant. Keeps the status, moves the sequence and the
/// citizen-facing date; the legal due moment does not move. The new date is a working moment after the current one
/// (<see cref="Lifecycle.NewAppointmentErrors"/>), else a 400 naming <c>newAppointmentAt</c> and the rule.
/// </summary>
public static class Apology
{
    public sealed record Request(string? Officer, string? Role, string? Department, string? Reason, string? SignedBy,
        DateTimeOffset? NewAppointmentAt);

    public sealed record Response(string Code, [property: CodeList(typeof(DossierStatus))] int Status, long Sequence, DateTimeOffset AppointmentAt, DateTimeOffset? OriginalAppointmentAt,
        DateTimeOffset DueAt, bool OnTime);

    public static IEndpointRouteBuilder MapApology(this IEndpointRouteBuilder app)
    {
        app.MapPost("/{code}/apology", HandleAsync).WithName("DossierApology").ProducesProblems(StatusCodes.Status409Conflict, "illegal-transition", "concurrent-change", NotYetRecorded.ProblemType)
            .WithSummary("Form 04: apologise for a delay and set a new appointment date (signed by the head of the agency)")
            .RequireScope(Scopes.Processing)
            .WithExamples(new Request("Trần Văn Bình", "Chuyên viên", "Phòng Tư pháp", "Cần xác minh thêm với cơ quan khác",
                    "Lê Thị Cúc, Chủ tịch UBND phường", DateTimeOffset.Parse("2026-12-09T17:00:00+07:00")),
                new Response("26740.H29-261129-0001", 4, 4, DateTimeOffset.Parse("2026-12-09T17:00:00+07:00"),
                    DateTimeOffset.Parse("2026-12-02T17:00:00+07:00"), DateTimeOffset.Parse("2026-12-02T17:00:00+07:00"), true));
        return app;
    }

    private static async Task<Results<Ok<Response>, NotFound, ProblemHttpResult>> HandleAsync(
        string code, Request request, Caller caller, HttpContext http, NpgsqlDataSource db, CalendarProvider calendars,
        IOptions<ClockSettings> settings, TimeProvider time, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var step = Actions.ValidateStep(new Actions.Request(request.Officer, request.Role, request.Department, request.Reason), errors);
        var signedBy = TextInput.Clean(request.SignedBy, "signedBy", errors);
        if (string.IsNullOrEmpty(signedBy))
            errors.Add(new("signedBy", "required", "Người đứng đầu cơ quan ký phiếu xin lỗi là bắt buộc",
                "The apology is signed by the head of the agency: name and title are required"));
        else if (signedBy.Length > 200)
            errors.Add(new("signedBy", "max-length", "Tối đa 200 ký tự", "At most 200 characters"));
        if (request.NewAppointmentAt is null)
            errors.Add(new("newAppointmentAt", "required", "Ngày hẹn trả mới là bắt buộc", "The new appointment date is required"));
        if (errors.Count > 0) return Problems.Validation(errors);
        // The form states the reason for the delay: it is the step's content.

        var now = time.GetUtcNow();
        var calendar = await calendars.GetAsync(ct);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var record = await DossierRecords.LoadAsync(tx, code, caller.Agency, caller.SeesAllAgencies, ct);
        if (record is null)
        {
            await ForeignResources.MarkDossierAsync(connection, tx, http, caller, code, ct);
            if (NotYetRecorded.Problem(code, caller, now, http) is { } retry) return retry;
            return TypedResults.NotFound();
        }
        var newDate = request.NewAppointmentAt!.Value.ToUniversalTime();
        var decision = DossierDecisions.Apologize(record, step, signedBy!, newDate, now, calendar, settings.Value);
        if (decision.Invalid.Count > 0) return Problems.Validation(decision.Invalid);
        if (!decision.Accepted) return Actions.Conflict(record.Clock, decision);
        if (!await DossierRecords.SaveAsync(tx, decision.Change!, now, ct))
            return Actions.ConcurrentChange();
        var after = decision.After!;
        var issued = decision.Change!.Events.OfType<ApologyIssued>().Single();
        await AuditLog.AppendAsync(tx, AuditActor.FromRequest(http, caller.ClientId, caller.Agency),
            new AuditEntry("dossier.apology", code, PersonalData: false, Detail: new { after.Sequence, onTime = issued.OnTime }), now, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(new Response(code, (int)after.Status, after.Sequence, newDate, after.OriginalAppointmentAt, issued.DueAt,
            issued.OnTime));
    }
}

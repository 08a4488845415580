using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging.Audit;
using Procedures.Messaging.Outbox;
using Procedures.Processing.Calendar;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Processing.Dossiers;

/// <summary>
/// POST /api/v1/dossiers/{code}/actions/{action}: every status change, by an officer of an agency that received or
/// decides the dossier. Load, decide (pure), save with an optimistic check on the sequence, append history, audit
/// and DossierStatusChanged — one transaction.
/// </summary>
public static class Actions
{
    public sealed record Request(string? Officer, string? Role, string? Department, string? Content);

    public sealed record Response(string Code, int Status, long Sequence, DateTimeOffset? AppointmentAt, DateTimeOffset? OriginalAppointmentAt,
        int SupplementRequests, bool CountsOverdueForSupplements);

    private static readonly Dictionary<string, DossierAction> Names = new(StringComparer.Ordinal)
    {
        ["accept"] = DossierAction.Accept, ["refuse"] = DossierAction.Refuse, ["start-processing"] = DossierAction.StartProcessing,
        ["request-supplement"] = DossierAction.RequestSupplement, ["supplement-received"] = DossierAction.SupplementReceived,
        ["request-payment"] = DossierAction.RequestPayment, ["payment-confirmed"] = DossierAction.PaymentConfirmed,
        ["stop"] = DossierAction.Stop, ["decide"] = DossierAction.Decide, ["return-result"] = DossierAction.ReturnResult,
        ["withdraw"] = DossierAction.Withdraw,
    };

    public static IEndpointRouteBuilder MapActions(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/dossiers/{code}/actions/{action}", HandleAsync).WithTags("Lifecycle").WithName("DossierAction")
            .WithSummary("Act on a dossier: accept, refuse, start-processing, request-supplement, supplement-received, request-payment, payment-confirmed, stop, decide, return-result, withdraw")
            .RequireScope(Scopes.Reception, Scopes.Processing, Scopes.Payments)
            .WithExamples(new Request("Nguyễn Thị Hoa", "Chuyên viên", "Bộ phận Một cửa", "Tiếp nhận hồ sơ đầy đủ"),
                new Response("26740.H29-261129-0001", 2, 2, DateTimeOffset.Parse("2026-12-02T17:00:00+07:00"),
                    DateTimeOffset.Parse("2026-12-02T17:00:00+07:00"), 0, false));
        return app;
    }

    /// <summary>Reception acts at the desk; processing officers do the rest; payment confirmation is Payment's.</summary>
    private static string ScopeFor(DossierAction action) => action switch
    {
        DossierAction.Accept or DossierAction.Refuse => Scopes.Reception,
        DossierAction.PaymentConfirmed => Scopes.Payments,
        _ => Scopes.Processing,
    };

    private static async Task<Results<Ok<Response>, NotFound, ProblemHttpResult>> HandleAsync(
        string code, string action, Request request, Caller caller, HttpContext http, NpgsqlDataSource db, CalendarProvider calendars,
        TimeProvider time, CancellationToken ct)
    {
        if (!Names.TryGetValue(action, out var act))
            return (ProblemHttpResult)Problems.Validation([new("action", "one-of", "Thao tác không tồn tại", $"Unknown action; one of {string.Join(", ", Names.Keys)}")]);
        if (!caller.Has(ScopeFor(act)))
            return TypedResults.Problem(Problems.Create(StatusCodes.Status403Forbidden, "forbidden", "Không đủ quyền (scope) cho thao tác này",
                $"The action {action} needs scope {ScopeFor(act)}"));
        var errors = new List<FieldError>();
        var officer = TextInput.Clean(request.Officer, "officer", errors);
        var role = TextInput.Clean(request.Role, "role", errors);
        var department = TextInput.Clean(request.Department, "department", errors);
        var content = TextInput.Clean(request.Content, "content", errors);
        if (string.IsNullOrEmpty(officer)) errors.Add(new("officer", "required", "Tên cán bộ xử lý là bắt buộc", "The acting officer is required"));
        if (string.IsNullOrEmpty(content)) errors.Add(new("content", "required", "Nội dung xử lý là bắt buộc", "The content (what was done, or the reason) is required"));
        if (new[] { officer, role, department }.Any(t => t is { Length: > 200 }) || content is { Length: > 2000 })
            errors.Add(new("content", "max-length", "Nội dung quá dài", "A field is too long (200; content 2000)"));
        if (errors.Count > 0) return (ProblemHttpResult)Problems.Validation(errors);

        var now = time.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<ClockRow>(new CommandDefinition("""
            SELECT status, sequence, channel, submitted_at AS SubmittedAt, processing_amount AS Amount, processing_unit AS Unit,
                   received_at AS ReceivedAt, appointment_at AS AppointmentAt, original_appointment_at AS OriginalAppointmentAt,
                   paused_at AS PausedAt, paused_seconds AS PausedSeconds, supplement_requests AS SupplementRequests,
                   receiving_unit AS ReceivingUnit, deciding_agency AS DecidingAgency
            FROM dossiers WHERE code = @code AND (receiving_unit = @agency OR deciding_agency = @agency OR @all)
            """, new { code, agency = caller.Agency, all = caller.SeesAllAgencies }, tx, cancellationToken: ct));
        if (row is null) return TypedResults.NotFound();

        var clock = row.ToClock();
        var decision = Lifecycle.Decide(clock, act, now, await calendars.GetAsync(ct));
        if (!decision.Accepted)
        {
            var problem = Problems.Create(StatusCodes.Status409Conflict, decision.ProblemType!, "Không thể thực hiện thao tác ở trạng thái hiện tại",
                "The action is not allowed in the dossier's current status", decision.Detail);
            problem.Extensions["currentStatus"] = (int)clock.Status;
            problem.Extensions["allowedStatuses"] = decision.Allowed.Select(s => (int)s).ToArray();
            return TypedResults.Problem(problem);
        }
        var after = decision.After!;
        var updated = await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE dossiers SET status = @Status, sequence = @Sequence, updated_at = @now, received_at = @ReceivedAt,
                appointment_at = @AppointmentAt, original_appointment_at = @OriginalAppointmentAt, paused_at = @PausedAt,
                paused_seconds = @PausedSeconds, supplement_requests = @SupplementRequests, version = version + 1,
                ended_at = CASE WHEN @Status IN (3, 7, 8, 9, 10) AND ended_at IS NULL THEN @now ELSE ended_at END
            WHERE code = @code AND sequence = @expected
            """, new
            {
                code, expected = clock.Sequence, now, Status = (short)after.Status, after.Sequence, after.ReceivedAt, after.AppointmentAt,
                after.OriginalAppointmentAt, after.PausedAt, after.PausedSeconds, after.SupplementRequests,
            }, tx, cancellationToken: ct));
        if (updated == 0)
            return TypedResults.Problem(Problems.Create(StatusCodes.Status409Conflict, "concurrent-change", "Hồ sơ vừa được thay đổi bởi thao tác khác",
                "The dossier was changed by another action meanwhile; reload and retry"));

        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO dossier_history (dossier_code, sequence, status, occurred_at, actor, content, role, department, step_legal_end)
            VALUES (@code, @Sequence, @Status, @now, @officer, @content, @role, @department, @AppointmentAt)
            """, new { code, after.Sequence, Status = (short)after.Status, now, officer, content, role, department, after.AppointmentAt },
            tx, cancellationToken: ct));
        await Outbox.PublishAsync(tx, new DossierStatusChanged(code, after.Sequence, after.Status, now, content, after.AppointmentAt,
            after.OriginalAppointmentAt, after.SupplementRequests, officer, role, department, row.ReceivingUnit, row.DecidingAgency), ct);
        await AuditLog.AppendAsync(tx, AuditActor.FromRequest(http, caller.ClientId, caller.Agency),
            new AuditEntry("dossier." + action, code, PersonalData: false, Detail: new { status = (int)after.Status, after.Sequence }), now, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(new Response(code, (int)after.Status, after.Sequence, after.AppointmentAt, after.OriginalAppointmentAt,
            after.SupplementRequests, Lifecycle.CountsOverdueForSupplements(after)));
    }

    private sealed record ClockRow(short Status, long Sequence, short Channel, DateTimeOffset SubmittedAt, int? Amount, string? Unit,
        DateTimeOffset? ReceivedAt, DateTimeOffset? AppointmentAt, DateTimeOffset? OriginalAppointmentAt, DateTimeOffset? PausedAt,
        long PausedSeconds, int SupplementRequests, string ReceivingUnit, string? DecidingAgency)
    {
        public DossierClock ToClock() => new((DossierStatus)Status, Sequence, (SubmissionChannel)Channel, SubmittedAt,
            Amount is { } a && Unit is { } u ? new ProcessingTerm(a, u) : null, ReceivedAt, AppointmentAt, OriginalAppointmentAt, PausedAt,
            PausedSeconds, SupplementRequests);
    }
}

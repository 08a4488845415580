using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging.Audit;
using Procedures.Messaging.Outbox;
using Procedures.Processing.Calendar;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.OpenApi;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Processing.Dossiers;

/// <summary>
/// POST /api/v1/dossiers/{code}/actions/{action}: every status change, by an officer of an agency that received or
/// decides the dossier. Load, decide (pure: <see cref="DossierDecisions"/> gives the new state and DossierStatusChanged),
/// save with an optimistic check on the row version and append the event, audit — one transaction.
/// </summary>
public static class Actions
{
    public sealed record Request(string? Officer, string? Role, string? Department, string? Content,
        IReadOnlyList<ResultInput>? Results = null, [property: CodeList(typeof(SubmissionChannel))] int? ReturnChannel = null,
        IReadOnlyList<string>? Completeness = null);

    /// <summary>A result document of a decision; an electronic result carries its code and file reference.</summary>
    public sealed record ResultInput(string? Name, string? ElectronicResultCode, string? FileReference);

    public sealed record Response(string Code, [property: CodeList(typeof(DossierStatus))] int Status, long Sequence, DateTimeOffset? AppointmentAt, DateTimeOffset? OriginalAppointmentAt,
        int SupplementRequests, bool CountsOverdueForSupplements, bool LateReception = false, DateTimeOffset? CompletionDueAt = null,
        string? RatingLink = null);

    private static readonly Dictionary<string, DossierAction> Names = new(StringComparer.Ordinal)
    {
        ["accept"] = DossierAction.Accept, ["refuse"] = DossierAction.Refuse, ["start-processing"] = DossierAction.StartProcessing,
        ["request-supplement"] = DossierAction.RequestSupplement, ["supplement-received"] = DossierAction.SupplementReceived,
        ["request-payment"] = DossierAction.RequestPayment, ["payment-confirmed"] = DossierAction.PaymentConfirmed,
        ["stop"] = DossierAction.Stop, ["decide"] = DossierAction.Decide, ["return-result"] = DossierAction.ReturnResult,
        ["withdraw"] = DossierAction.Withdraw,
    };

    /// <summary>Desk steps before acceptance that change no status (form 02).</summary>
    private static readonly string[] DeskSteps = ["request-completion", "completion-received"];

    /// <summary>An officer waives the fee due; the content is the reason (issue 21).</summary>
    private const string WaiveFee = "waive-fee";

    public static IEndpointRouteBuilder MapActions(this IEndpointRouteBuilder app)
    {
        app.MapPost("/{code}/actions/{action}", HandleAsync).WithName("DossierAction")
            .WithSummary("Act on a dossier: accept, refuse, request-completion, completion-received, start-processing, request-supplement, supplement-received, request-payment, payment-confirmed, waive-fee, stop, decide, return-result, withdraw")
            .RequireScope(Scopes.Reception, Scopes.Processing, Scopes.Payments)
            .ProducesProblems(StatusCodes.Status409Conflict, "illegal-transition", "no-processing-time", "completion-already-requested",
                "no-completion-pending", "completion-too-late", "no-fees-due", "fee-unpaid", "concurrent-change", NotYetRecorded.ProblemType)
            .WithExamples(new Request("Nguyễn Thị Hoa", "Chuyên viên", "Bộ phận Một cửa", "Tiếp nhận hồ sơ đầy đủ",
                    Completeness: ["TP01", "TP02"]),
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
        IOptions<ClockSettings> settings, TimeProvider time, Ratings.RatingLinks links, CancellationToken ct)
    {
        var desk = DeskSteps.Contains(action);
        if (!desk && action != WaiveFee && !Names.ContainsKey(action))
            return Problems.Validation([new("action", "one-of", "Thao tác không tồn tại",
                $"Unknown action; one of {string.Join(", ", Names.Keys.Concat(DeskSteps).Append(WaiveFee))}")]);
        var scope = desk ? Scopes.Reception : action == WaiveFee ? Scopes.Processing : ScopeFor(Names[action]);
        if (!caller.Has(scope))
            return Problems.Of(StatusCodes.Status403Forbidden, "forbidden", "Không đủ quyền (scope) cho thao tác này",
                $"The action {action} needs scope {scope}");
        var errors = new List<FieldError>();
        var step = ValidateStep(request, errors);
        var details = ValidateDetails(request, errors);
        var completeness = ValidateCompleteness(action, request.Completeness, errors);
        if (errors.Count > 0) return Problems.Validation(errors);

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

        var clock = record.Clock;
        var decision = DossierDecisions.Take(record, action switch
        {
            "request-completion" => Lifecycle.RequestCompletion(clock, now, calendar, settings.Value.CompletionWorkingDays),
            "completion-received" => Lifecycle.CompletionReceived(clock, now),
            WaiveFee => Lifecycle.WaiveFee(clock),
            _ => Lifecycle.Decide(clock, Names[action], now, calendar, details),
        }, step, now, calendar, settings.Value);
        if (!decision.Accepted) return Conflict(clock, decision);
        var after = decision.After!;
        if (!await DossierRecords.SaveAsync(tx, decision.Change!, now, ct))
            return ConcurrentChange();
        // A waiver's reason is part of the audited act (who waived how much, and why).
        object detail = action == WaiveFee
            ? new { status = (int)after.Status, after.Sequence, feesVnd = after.FeesVnd, reason = step.Content }
            : completeness is not null ? new { status = (int)after.Status, after.Sequence, completeness }
            : new { status = (int)after.Status, after.Sequence };
        await AuditLog.AppendAsync(tx, AuditActor.FromRequest(http, caller.ClientId, caller.Agency),
            new AuditEntry("dossier." + action, code, PersonalData: false, Detail: detail), now, ct);
        // The result goes out with the signed link by which the applicant rates the handling (issue 10); the event that
        // carries it to the public stream commits with the return (outbox), so no return is without it.
        var ratingLink = after.Status == DossierStatus.Returned ? links.ForDossier(code, now) : null;
        if (ratingLink is not null)
            await Outbox.PublishAsync(tx, new DossierRatingLinkIssued(code, after.Sequence, ratingLink.Url, ratingLink.ExpiresAt, now,
                record.ReceivingUnit, record.DecidingAgency, record.ProcedureCode), ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(new Response(code, (int)after.Status, after.Sequence, after.AppointmentAt, after.OriginalAppointmentAt,
            after.SupplementRequests, Lifecycle.CountsOverdueForSupplements(after), after.LateReception, after.CompletionDueAt, ratingLink?.Url));
    }

    /// <summary>The acting officer and what they did: required for every step, as the history and form 05 record it.</summary>
    internal static Step ValidateStep(Request request, List<FieldError> errors)
    {
        var officer = TextInput.Clean(request.Officer, "officer", errors);
        var role = TextInput.Clean(request.Role, "role", errors);
        var department = TextInput.Clean(request.Department, "department", errors);
        var content = TextInput.Clean(request.Content, "content", errors);
        if (string.IsNullOrEmpty(officer)) errors.Add(new("officer", "required", "Tên cán bộ xử lý là bắt buộc", "The acting officer is required"));
        if (string.IsNullOrEmpty(content)) errors.Add(new("content", "required", "Nội dung xử lý là bắt buộc", "The content (what was done, or the reason) is required"));
        if (new[] { officer, role, department }.Any(t => t is { Length: > 200 }) || content is { Length: > 2000 })
            errors.Add(new("content", "max-length", "Nội dung quá dài", "A field is too long (200; content 2000)"));
        return new Step(officer, role, department, content);
    }

    /// <summary>
    /// Reception's completeness check: the component codes the officer checked at the desk, kept in the audited act of
    /// acceptance (only <c>accept</c> takes it).
    /// </summary>
    public static IReadOnlyList<string>? ValidateCompleteness(string action, IReadOnlyList<string>? completeness, List<FieldError> errors)
    {
        if (completeness is null) return null;
        if (action != "accept")
        {
            errors.Add(new("completeness", "not-allowed", "Chỉ thao tác tiếp nhận (accept) ghi kết quả kiểm tra thành phần hồ sơ",
                "Only accept records the completeness check"));
            return null;
        }
        if (completeness.Count > 100)
            errors.Add(new("completeness", "max-items", "Tối đa 100 thành phần hồ sơ", "At most 100 components"));
        var clean = new List<string>();
        for (var i = 0; i < completeness.Count && i < 100; i++)
        {
            var code = TextInput.Clean(completeness[i], $"completeness[{i}]", errors);
            if (string.IsNullOrEmpty(code) || code.Length > 50)
                errors.Add(new($"completeness[{i}]", "required", "Mã thành phần hồ sơ đã kiểm tra là bắt buộc (tối đa 50 ký tự)",
                    "A checked component code is required (at most 50 characters)"));
            else clean.Add(code);
        }
        return clean;
    }

    private static ActionDetails ValidateDetails(Request request, List<FieldError> errors)
    {
        var results = new List<ResultDocument>();
        foreach (var (r, i) in (request.Results ?? []).Select((r, i) => (r, i)))
        {
            var field = $"results[{i}]";
            var name = TextInput.Clean(r?.Name, field + ".name", errors);
            var eCode = TextInput.Clean(r?.ElectronicResultCode, field + ".electronicResultCode", errors);
            var file = TextInput.Clean(r?.FileReference, field + ".fileReference", errors);
            if (string.IsNullOrEmpty(name))
                errors.Add(new(field + ".name", "required", "Tên giấy tờ kết quả là bắt buộc", "A result document needs its name"));
            if (new[] { name, eCode, file }.Any(t => t is { Length: > 500 }))
                errors.Add(new(field, "max-length", "Thông tin kết quả quá dài", "A result field is too long (500)"));
            if (eCode is not null && file is null)
                errors.Add(new(field + ".fileReference", "required-with-electronic-result", "Kết quả điện tử cần đường dẫn tệp",
                    "An electronic result needs its file reference"));
            results.Add(new ResultDocument(name ?? "", eCode, file));
        }
        if (request.Results is { Count: > 50 })
            errors.Add(new("results", "max-items", "Quá nhiều giấy tờ kết quả", "At most 50 result documents"));
        if (request.ReturnChannel is { } c && !Enum.IsDefined((SubmissionChannel)c))
            errors.Add(new("returnChannel", "one-of", "Hình thức trả kết quả không hợp lệ", "returnChannel is 1 (in person), 2 (online) or 3 (postal)"));
        return new ActionDetails(results, (SubmissionChannel?)request.ReturnChannel);
    }

    internal static ProblemHttpResult Conflict(DossierClock clock, Decision decision)
    {
        var problem = Problems.Create(StatusCodes.Status409Conflict, decision.ProblemType!, "Không thể thực hiện thao tác ở trạng thái hiện tại",
            "The action is not allowed in the dossier's current status", decision.Detail);
        problem.Extensions["currentStatus"] = (int)clock.Status;
        problem.Extensions["allowedStatuses"] = decision.Allowed.Select(s => (int)s).ToArray();
        return Problems.Result(problem);
    }

    internal static ProblemHttpResult ConcurrentChange() => Problems.Of(StatusCodes.Status409Conflict,
        "concurrent-change", "Hồ sơ vừa được thay đổi bởi thao tác khác", "The dossier was changed by another action meanwhile; reload and retry");
}

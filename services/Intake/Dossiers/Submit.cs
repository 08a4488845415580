using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging.Audit;
using Procedures.Messaging.Outbox;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Intake.Dossiers;

/// <summary>POST /api/v1/dossiers: store a submission, issue its code (status 1), publish DossierSubmitted.</summary>
public static partial class Submit
{
    public sealed record Request(string? ProcedureCode, string? ReceivingUnit, int? Channel, string? ApplicantName);

    public sealed record Response(string DossierCode, int Status, DateTimeOffset SubmittedAt);

    public static RouteGroupBuilder MapSubmit(this RouteGroupBuilder group)
    {
        group.MapPost("/", HandleAsync)
            .WithName("SubmitDossier")
            .WithSummary("Submit a dossier (nộp hồ sơ)")
            .RequireScope(Scopes.DossiersSubmit)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return group;
    }

    /// <summary>Normalises the text fields (NFC, trimmed) and lists every rule the request breaks.</summary>
    public static (Request Clean, IReadOnlyList<FieldError> Errors) Normalize(Request r)
    {
        var errors = new List<FieldError>();
        var clean = new Request(
            TextInput.Clean(r.ProcedureCode, "procedureCode", errors),
            TextInput.Clean(r.ReceivingUnit, "receivingUnit", errors),
            r.Channel,
            TextInput.Clean(r.ApplicantName, "applicantName", errors));
        errors.AddRange(Validate(clean).Where(e => errors.All(x => x.Field != e.Field)));
        return (clean, errors);
    }

    public static IReadOnlyList<FieldError> Validate(Request r)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(r.ProcedureCode))
            errors.Add(new("procedureCode", "required", "Mã thủ tục là bắt buộc", "The procedure code is required"));
        else if (r.ProcedureCode.Trim().Length > 50)
            errors.Add(new("procedureCode", "max-length", "Mã thủ tục tối đa 50 ký tự", "The procedure code has at most 50 characters"));
        if (string.IsNullOrWhiteSpace(r.ReceivingUnit))
            errors.Add(new("receivingUnit", "required", "Đơn vị tiếp nhận là bắt buộc", "The receiving unit is required"));
        else if (!ReceivingUnitPattern().IsMatch(r.ReceivingUnit))
            errors.Add(new("receivingUnit", "format", "Mã đơn vị tiếp nhận không đúng định dạng", "The receiving unit identifier is malformed"));
        if (r.Channel is null or < 1 or > 3)
            errors.Add(new("channel", "one-of", "Kênh nộp phải là 1, 2 hoặc 3", "The channel must be 1, 2 or 3"));
        if (string.IsNullOrWhiteSpace(r.ApplicantName))
            errors.Add(new("applicantName", "required", "Tên người nộp là bắt buộc", "The applicant name is required"));
        else if (r.ApplicantName.Trim().Length > 200)
            errors.Add(new("applicantName", "max-length", "Tên người nộp tối đa 200 ký tự", "The applicant name has at most 200 characters"));
        return errors;
    }

    private static async Task<Results<Created<Response>, ProblemHttpResult>> HandleAsync(
        Request request, Caller caller, HttpContext http, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        (request, var errors) = Normalize(request);
        if (errors.Count > 0) return (ProblemHttpResult)Problems.Validation(errors);
        if (!caller.SeesAllAgencies && caller.Agency != request.ReceivingUnit)
            return TypedResults.Problem(Problems.Create(StatusCodes.Status403Forbidden, "receiving-unit-not-yours",
                "Chỉ được tiếp nhận hồ sơ tại đơn vị của mình", "A client may only submit at its own receiving unit",
                $"The token's agency is {caller.Agency}; receivingUnit is {request.ReceivingUnit}."));

        var now = time.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var code = await DossierCodes.NextAsync(tx, request.ReceivingUnit!, now, ct);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO dossiers (code, procedure_code, receiving_unit, channel, applicant_name, submitted_at)
            VALUES (@code, @procedure, @unit, @channel, @applicant, @now)
            """,
            new { code = code.Value, procedure = request.ProcedureCode, unit = request.ReceivingUnit, channel = (short)request.Channel!.Value,
                  applicant = request.ApplicantName, now }, tx, cancellationToken: ct));
        await Outbox.PublishAsync(tx, new DossierSubmitted(code.Value, request.ProcedureCode!, request.ReceivingUnit!,
            (SubmissionChannel)request.Channel!.Value, request.ApplicantName!, now), ct);
        await AuditLog.AppendAsync(tx, AuditActor.FromRequest(http, caller.ClientId, caller.Agency),
            new AuditEntry("dossier.submit", code.Value, PersonalData: true), now, ct);
        await tx.CommitAsync(ct);

        return TypedResults.Created($"/api/v1/dossiers/{code}", new Response(code.Value, (int)DossierStatus.Submitted, now));
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[0-9A-Za-z]{1,20}(\.[0-9A-Za-z]{1,20}){0,5}\z")]
    private static partial System.Text.RegularExpressions.Regex ReceivingUnitPattern();
}

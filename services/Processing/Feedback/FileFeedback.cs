using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging.Audit;
using Procedures.Messaging.Outbox;
using Procedures.Processing.Calendar;
using Procedures.Processing.Dossiers;
using Procedures.Processing.Ratings;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.OpenApi;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Processing.Feedback;

/// <summary>
/// Filing feedback (phản ánh, kiến nghị) about a dossier or a procedure: by an agency system (scope feedback, about
/// dossiers it sees), or by an applicant without an account (rate-limited; about a dossier only with the last 4 digits
/// of the applicant's ID, as the public lookup). It is assigned to the responsible agency — the dossier's deciding
/// agency (else its receiving unit), or the agency named for a procedure — with a deadline on the working-day calendar.
/// </summary>
public static class FileFeedback
{
    public sealed record Request(string? Category, string? Content, string? DossierCode = null, string? ProcedureCode = null,
        string? Agency = null, string? IdLast4 = null);

    /// <summary>A public filer gets a token to read and rate the answer (FollowUpUrl); agency filers rate through the API.</summary>
    public sealed record Response(Guid Id, string Agency, string? DossierCode, string? ProcedureCode, string Category, DateTimeOffset FiledAt,
        DateTimeOffset DueAt, string? FollowUpToken = null, string? FollowUpUrl = null);

    public static IEndpointRouteBuilder MapFileFeedback(this IEndpointRouteBuilder app, IEndpointRouteBuilder citizen)
    {
        var request = new Request("procedure", "Bộ phận một cửa yêu cầu nộp thêm bản sao không có trong quy định", DossierCode: "26740.H29-261129-0001");
        var response = new Response(Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), "26740.H29", "26740.H29-261129-0001", "1.003677",
            "procedure", DateTimeOffset.Parse("2026-11-27T10:00:00+07:00"), DateTimeOffset.Parse("2026-12-11T17:00:00+07:00"));
        app.MapPost("/", AgencyAsync).WithName("FileFeedback").ProducesProblems(404, "dossier-not-found")
            .WithSummary("File feedback about a dossier or a procedure for an applicant; assigned to the responsible agency with a deadline")
            .RequireScope(Scopes.Feedback).WithExamples(request, response);
        citizen.MapPost("/", PublicAsync).WithName("FileFeedbackPublic").ProducesProblems(404, "dossier-not-found")
            .WithSummary("File feedback without an account (about a dossier: with the last 4 digits of the applicant's ID)")
            .AllowAnonymous().RequireRateLimiting(Hardening.PublicLookupPolicy)
            .WithExamples(request with { IdLast4 = "1234" }, response with { FollowUpToken = "1796000000.Zm9v" });
        return app;
    }

    private static Task<Results<Ok<Response>, ProblemHttpResult>> AgencyAsync(Request request, Caller caller, HttpContext http,
        NpgsqlDataSource db, CalendarProvider calendars, IOptions<FeedbackSettings> settings, RatingLinks links, TimeProvider time,
        CancellationToken ct)
        => FileAsync(request, caller, http, db, calendars, settings.Value, links, time, ct);

    private static Task<Results<Ok<Response>, ProblemHttpResult>> PublicAsync(Request request, HttpContext http, NpgsqlDataSource db,
        CalendarProvider calendars, IOptions<FeedbackSettings> settings, RatingLinks links, TimeProvider time, CancellationToken ct)
        => FileAsync(request, null, http, db, calendars, settings.Value, links, time, ct);

    private static async Task<Results<Ok<Response>, ProblemHttpResult>> FileAsync(Request request, Caller? caller, HttpContext http,
        NpgsqlDataSource db, CalendarProvider calendars, FeedbackSettings settings, RatingLinks links, TimeProvider time, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var input = Validate(request, caller, settings, errors);
        if (input is null) return Problems.Validation(errors);

        var now = time.GetUtcNow();
        var calendar = await calendars.GetAsync(ct);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var (agency, procedure) = (input.Agency, input.ProcedureCode);
        if (input.DossierCode is { } code)
        {
            var dossier = await connection.QuerySingleOrDefaultAsync<Dossier>(new CommandDefinition($"""
                SELECT receiving_unit AS ReceivingUnit, deciding_agency AS DecidingAgency, procedure_code AS ProcedureCode, lookup_hash AS LookupHash
                FROM dossiers WHERE code = @code AND {DossierRecords.VisibleToCaller}
                """, new { code, all = caller is null || caller.SeesAllAgencies, agency = caller?.Agency }, tx, cancellationToken: ct));
            if (dossier is null) await Dossiers.ForeignResources.MarkDossierAsync(connection, tx, http, caller, code, ct);
            if (dossier is null || (caller is null && !SecondFactorMatches(code, request.IdLast4, dossier.LookupHash)))
                return Problems.Of(StatusCodes.Status404NotFound, "dossier-not-found",
                    "Không tìm thấy hồ sơ (mã hồ sơ hoặc 4 chữ số cuối giấy tờ không đúng)", "No such dossier (or the 4 digits do not match)");
            (agency, procedure) = (dossier.DecidingAgency ?? dossier.ReceivingUnit, dossier.ProcedureCode);
        }

        var id = Guid.CreateVersion7(now);
        var dueAt = FeedbackRules.DueAt(calendar, now, input.Category, settings).ToUniversalTime();
        var channel = caller is null ? "public" : "agency";
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO feedback (id, agency, dossier_code, procedure_code, category, content, channel, filed_by, filed_at, due_at)
            VALUES (@id, @agency, @dossier, @procedure, @category, @content, @channel, @filedBy, @now, @dueAt)
            """, new
            {
                id, agency, dossier = input.DossierCode, procedure, category = input.Category.Code, content = input.Content, channel,
                filedBy = caller?.Agency, now, dueAt,
            }, tx, cancellationToken: ct));
        await Outbox.PublishAsync(tx, new FeedbackFiled(id, agency!, input.DossierCode, procedure, input.Category.Code, channel, now, dueAt), ct);
        if (caller is not null)
            await AuditLog.AppendAsync(tx, AuditActor.FromRequest(http, caller.ClientId, caller.Agency),
                new AuditEntry("feedback.file", id.ToString("D"), PersonalData: false, Detail: new { agency, input.DossierCode }), now, ct);
        await tx.CommitAsync(ct);

        var followUp = caller is null ? links.ForFeedback(id, now, FeedbackRules.FollowUpLifetime) : null;
        return TypedResults.Ok(new Response(id, agency!, input.DossierCode, procedure, input.Category.Code, now, dueAt, followUp?.Token, followUp?.Url));
    }

    private sealed record Input(FeedbackCategory Category, string Content, string? DossierCode, string? ProcedureCode, string? Agency);

    private static Input? Validate(Request request, Caller? caller, FeedbackSettings settings, List<FieldError> errors)
    {
        var categoryCode = TextInput.Clean(request.Category, "category", errors);
        var content = TextInput.Clean(request.Content, "content", errors);
        var dossier = TextInput.Clean(request.DossierCode, "dossierCode", errors);
        var procedure = TextInput.Clean(request.ProcedureCode, "procedureCode", errors);
        var agency = TextInput.Clean(request.Agency, "agency", errors) ?? (dossier is null ? caller?.Agency : null);
        var category = settings.EffectiveCategories.FirstOrDefault(c => string.Equals(c.Code, categoryCode, StringComparison.Ordinal));
        if (category is null)
            errors.Add(new("category", "one-of", "Loại phản ánh, kiến nghị không hợp lệ",
                $"category is one of {string.Join(", ", settings.EffectiveCategories.Select(c => c.Code))}"));
        if (string.IsNullOrWhiteSpace(content))
            errors.Add(new("content", "required", "Nội dung phản ánh, kiến nghị là bắt buộc", "The content is required"));
        else if (content.Length > 4000)
            errors.Add(new("content", "max-length", "Nội dung quá dài (tối đa 4000 ký tự)", "The content is too long (4000 characters)"));
        if (dossier is null && procedure is null)
            errors.Add(new("dossierCode", "dossier-or-procedure", "Cần mã hồ sơ hoặc mã thủ tục được phản ánh",
                "Either dossierCode or procedureCode is required"));
        if (dossier is not null && (procedure is not null || request.Agency is not null))
            errors.Add(new("dossierCode", "dossier-or-procedure", "Phản ánh về hồ sơ không kèm mã thủ tục hay cơ quan (lấy từ hồ sơ)",
                "Feedback about a dossier takes its procedure and agency from the dossier; do not send procedureCode or agency"));
        if (dossier is { Length: > 64 } || procedure is { Length: > 64 })
            errors.Add(new(dossier is { Length: > 64 } ? "dossierCode" : "procedureCode", "max-length", "Mã quá dài", "A code is at most 64 characters"));
        if (dossier is null && procedure is not null && agency is null)
            errors.Add(new("agency", "required-with-procedure", "Cần mã cơ quan thực hiện thủ tục được phản ánh",
                "Feedback about a procedure names the agency it is addressed to"));
        if (agency is not null && (agency.Length > 64 || !agency.All(c => char.IsAsciiLetterOrDigit(c) || c == '.')))
            errors.Add(new("agency", "agency-code", "Mã cơ quan không hợp lệ", "agency is an agency code (letters, digits and dots, at most 64)"));
        if (caller is null && dossier is not null && request.IdLast4 is not { Length: 4 })
            errors.Add(new("idLast4", "required-with-dossier", "Cần 4 chữ số cuối giấy tờ của người nộp hồ sơ",
                "Feedback about a dossier without an account needs the last 4 digits of the applicant's ID"));
        return errors.Count > 0 || category is null ? null : new Input(category, content!, dossier, procedure, dossier is null ? agency : null);
    }

    private static bool SecondFactorMatches(string code, string? idLast4, string? lookupHash)
        => lookupHash is not null && idLast4 is { Length: 4 } && idLast4.All(char.IsAsciiDigit)
           && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(lookupHash), Encoding.ASCII.GetBytes(PublicLookup.Hash(code, idLast4)!));

    private sealed record Dossier(string ReceivingUnit, string? DecidingAgency, string? ProcedureCode, string? LookupHash);
}

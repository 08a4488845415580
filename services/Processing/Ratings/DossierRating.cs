using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging.Audit;
using Procedures.Messaging.Outbox;
using Procedures.Processing.Feedback;
using Procedures.Processing.Dossiers;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.OpenApi;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Processing.Ratings;

/// <summary>
/// The applicant rates the handling of a dossier once its result is returned (status 10), once: through an agency
/// system (scope feedback, the agency's own dossiers), or anonymously with the signed link sent with the result.
/// The rating row's primary key is the "once"; DossierRated leaves through the outbox in the same transaction.
/// </summary>
public static class DossierRating
{
    public sealed record Response(string DossierCode, string Level, bool Satisfied, IReadOnlyList<string> Reasons, string Channel,
        DateTimeOffset RatedAt);

    public sealed record LinkResponse(string DossierCode, string Url, DateTimeOffset ExpiresAt);

    private static readonly RatingRequest Example = new("dissatisfied", ["late"]);

    public static IEndpointRouteBuilder MapDossierRating(this IEndpointRouteBuilder app)
    {
        // The agency's routes and the citizen's (by the signed link), each group with its prefix and tag.
        var agency = app.MapGroup("/api/v1/dossiers/{code}").WithTags("Satisfaction");
        var citizen = app.MapGroup("/api/v1/public/dossiers/{code}").WithTags("Public");
        var sample = new Response("26740.H29-261129-0001", "dissatisfied", false, ["late"], "agency", DateTimeOffset.Parse("2026-12-03T10:00:00+07:00"));
        agency.MapPost("/rating", AgencyAsync).WithName("RateDossier").ProducesProblems(409, "already-rated", "not-returned")
            .WithSummary("Record the applicant's rating of a returned dossier (once), through the agency's system")
            .RequireScope(Scopes.Feedback).WithExamples(Example, sample);
        agency.MapGet("/rating-link", LinkAsync).WithName("DossierRatingLink").ProducesProblems(409, "not-returned").ProducesProblems(503, "links-not-configured")
            .WithSummary("The signed rating link to send with a returned dossier's result")
            .RequireScope(Scopes.Feedback, Scopes.Processing)
            .WithExamples(null, new LinkResponse("26740.H29-261129-0001", "/api/v1/public/dossiers/26740.H29-261129-0001/rating?token=1767225600.Zm9v",
                DateTimeOffset.Parse("2027-01-02T10:00:00+07:00")));
        citizen.MapPost("/rating", LinkRatingAsync).WithName("RateDossierByLink").ProducesProblems(403, "link-invalid", "link-expired").ProducesProblems(409, "already-rated", "not-returned").ProducesProblems(503, "links-not-configured")
            .WithSummary("Rate a returned dossier with the signed link sent with its result (no account)")
            .AllowAnonymous().RequireRateLimiting(Hardening.PublicLookupPolicy).WithExamples(Example, sample with { Channel = "link" });
        return app;
    }

    private static async Task<Results<Ok<Response>, NotFound, ProblemHttpResult>> AgencyAsync(string code, RatingRequest? request, Caller caller,
        HttpContext http, NpgsqlDataSource db, IOptions<FeedbackSettings> settings, TimeProvider time, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var rating = RatingInput.Validate(request, settings.Value.Rating, errors);
        if (rating is null) return Problems.Validation(errors);
        return await RateAsync(code, rating, "agency", caller, http, db, time.GetUtcNow(), ct);
    }

    private static async Task<Results<Ok<Response>, NotFound, ProblemHttpResult>> LinkRatingAsync(string code, string? token, RatingRequest? request,
        HttpContext http, NpgsqlDataSource db, RatingLinks links, IOptions<FeedbackSettings> settings, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (code.Length > 64) return TypedResults.NotFound();
        if (Refused(links.Check(RatingLinks.DossierPurpose, code, token, now)) is { } refused) return refused;
        var errors = new List<FieldError>();
        var rating = RatingInput.Validate(request, settings.Value.Rating, errors);
        if (rating is null) return Problems.Validation(errors);
        return await RateAsync(code, rating, "link", null, http, db, now, ct);
    }

    /// <summary>A link that is not this dossier's, was altered, or has expired: 403, saying which without saying more.</summary>
    internal static ProblemHttpResult? Refused(TokenCheck check) => check switch
    {
        TokenCheck.Valid => null,
        TokenCheck.Expired => Problems.Of(StatusCodes.Status403Forbidden, "link-expired",
            "Đường dẫn đánh giá đã hết hạn", "The rating link has expired"),
        _ => Problems.Of(StatusCodes.Status403Forbidden, "link-invalid",
            "Đường dẫn đánh giá không hợp lệ", "The rating link is not valid for this dossier (altered or unknown)"),
    };

    private static async Task<Results<Ok<Response>, NotFound, ProblemHttpResult>> RateAsync(string code, Rating rating, string channel,
        Caller? caller, HttpContext http, NpgsqlDataSource db, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var dossier = await connection.QuerySingleOrDefaultAsync<Dossier>(new CommandDefinition($"""
            SELECT code, status, receiving_unit AS ReceivingUnit, deciding_agency AS DecidingAgency, procedure_code AS ProcedureCode
            FROM dossiers WHERE code = @code AND {DossierRecords.VisibleToCaller}
            FOR SHARE
            """, new { code, all = caller is null || caller.SeesAllAgencies, agency = caller?.Agency }, tx, cancellationToken: ct));
        if (dossier is null)
        {
            await Dossiers.ForeignResources.MarkDossierAsync(connection, tx, http, caller, code, ct);
            return TypedResults.NotFound();
        }
        if (dossier.Status != (short)DossierStatus.Returned)
        {
            var problem = Problems.Create(StatusCodes.Status409Conflict, "not-returned", "Chỉ đánh giá được khi hồ sơ đã trả kết quả",
                "A dossier can be rated only after its result is returned (status 10)");
            problem.Extensions["currentStatus"] = (int)dossier.Status;
            return Problems.Result(problem);
        }
        var inserted = await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO dossier_ratings (dossier_code, level, satisfied, reasons, channel, rated_by, rated_at)
            VALUES (@code, @level, @satisfied, @reasons::jsonb, @channel, @ratedBy, @now)
            ON CONFLICT (dossier_code) DO NOTHING
            """, new
            {
                code, level = rating.Level.Code, satisfied = rating.Level.Satisfied, reasons = JsonSerializer.Serialize(rating.Reasons),
                channel, ratedBy = caller?.ClientId, now,
            }, tx, cancellationToken: ct));
        if (inserted == 0)
            return Problems.Of(StatusCodes.Status409Conflict, "already-rated", "Hồ sơ đã được đánh giá",
                "The dossier has already been rated; a rating is given once");
        await Outbox.PublishAsync(tx, new DossierRated(code, dossier.ReceivingUnit, dossier.DecidingAgency, dossier.ProcedureCode,
            rating.Level.Code, rating.Level.Satisfied, rating.Reasons, channel, now), ct);
        if (caller is not null)
            await AuditLog.AppendAsync(tx, AuditActor.FromRequest(http, caller.ClientId, caller.Agency),
                new AuditEntry("dossier.rate", code, PersonalData: false, Detail: new { level = rating.Level.Code }), now, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(new Response(code, rating.Level.Code, rating.Level.Satisfied, rating.Reasons, channel, now));
    }

    private static async Task<Results<Ok<LinkResponse>, NotFound, ProblemHttpResult>> LinkAsync(string code, Caller caller, HttpContext http,
        NpgsqlDataSource db, RatingLinks links, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        // The moment of the return (its history step): the link's lifetime runs from it, so the link is always the same.
        var returnedAt = await connection.QuerySingleOrDefaultAsync<DateTimeOffset?>(new CommandDefinition("""
            SELECT h.occurred_at FROM dossiers d JOIN dossier_history h ON h.dossier_code = d.code AND h.status = 10
            WHERE d.code = @code AND d.status = 10 AND (@all OR d.receiving_unit = @agency OR d.deciding_agency = @agency)
            ORDER BY h.sequence DESC LIMIT 1
            """, new { code, all = caller.SeesAllAgencies, agency = caller.Agency }, cancellationToken: ct));
        if (returnedAt is null)
        {
            await Dossiers.ForeignResources.MarkDossierAsync(connection, null, http, caller, code, ct);
            return TypedResults.NotFound();
        }
        if (links.ForDossier(code, returnedAt.Value) is not { } link)
            return Problems.Of(StatusCodes.Status503ServiceUnavailable, "links-not-configured",
                "Chưa cấu hình khóa ký đường dẫn đánh giá", "No signing key is configured for rating links (Feedback:Rating:SigningKey)");
        return TypedResults.Ok(new LinkResponse(code, link.Url, link.ExpiresAt));
    }

    private sealed record Dossier(string Code, short Status, string ReceivingUnit, string? DecidingAgency, string? ProcedureCode);
}

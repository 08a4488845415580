using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging.Outbox;
using Procedures.Processing.Ratings;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.OpenApi;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Processing.Feedback;

/// <summary>
/// The applicant rates the answer to their feedback, once, after it is answered: through the agency system that filed
/// it for them, or with the follow-up token a public filer received. FeedbackRated leaves through the outbox.
/// </summary>
public static class RateAnswer
{
    public sealed record Response(Guid Id, string Level, bool Satisfied, IReadOnlyList<string> Reasons, DateTimeOffset RatedAt);

    public static IEndpointRouteBuilder MapRateAnswer(this IEndpointRouteBuilder app, IEndpointRouteBuilder citizen)
    {
        var example = new RatingRequest("satisfied", null);
        var response = new Response(Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), "satisfied", true, [], DateTimeOffset.Parse("2026-12-05T09:00:00+07:00"));
        app.MapPost("/{id:guid}/rating", AgencyAsync).WithName("RateFeedbackAnswer").ProducesProblems(409, "already-rated", "not-answered")
            .WithSummary("Record the applicant's rating of the answer to feedback the caller's agency filed (once, after the answer)")
            .RequireScope(Scopes.Feedback).WithExamples(example, response);
        citizen.MapPost("/{id:guid}/rating", PublicAsync).WithName("RateFeedbackAnswerPublic").ProducesProblems(403, "link-invalid", "link-expired").ProducesProblems(409, "already-rated", "not-answered").ProducesProblems(503, "links-not-configured")
            .WithSummary("Rate the answer to feedback filed without an account, with its follow-up token")
            .AllowAnonymous().RequireRateLimiting(Hardening.PublicLookupPolicy).WithExamples(example, response);
        return app;
    }

    private static Task<Results<Ok<Response>, NotFound, ProblemHttpResult>> AgencyAsync(Guid id, RatingRequest? request, Caller caller,
        NpgsqlDataSource db, IOptions<FeedbackSettings> settings, TimeProvider time, CancellationToken ct)
        => RateAsync(id, request, "agency", caller.Agency, db, settings.Value, time.GetUtcNow(), ct);

    private static async Task<Results<Ok<Response>, NotFound, ProblemHttpResult>> PublicAsync(Guid id, string? token, RatingRequest? request,
        NpgsqlDataSource db, RatingLinks links, IOptions<FeedbackSettings> settings, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (Ratings.DossierRating.Refused(links.Check(RatingLinks.FeedbackPurpose, id.ToString("D"), token, now)) is { } refused) return refused;
        return await RateAsync(id, request, "link", null, db, settings.Value, now, ct);
    }

    private static async Task<Results<Ok<Response>, NotFound, ProblemHttpResult>> RateAsync(Guid id, RatingRequest? request, string channel,
        string? filedBy, NpgsqlDataSource db, FeedbackSettings settings, DateTimeOffset now, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var rating = RatingInput.Validate(request, settings.Rating, errors);
        if (rating is null) return Problems.Validation(errors);

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // The agency channel rates only feedback that agency filed; the token channel only feedback filed publicly.
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition("""
            SELECT agency, procedure_code AS ProcedureCode, answered_at AS AnsweredAt, rated_at AS RatedAt FROM feedback
            WHERE id = @id AND (filed_by = @filedBy OR (@filedBy::text IS NULL AND channel = 'public')) FOR UPDATE
            """, new { id, filedBy }, tx, cancellationToken: ct));
        if (row is null) return TypedResults.NotFound();
        if (row.AnsweredAt is null)
            return Problems.Of(StatusCodes.Status409Conflict, "not-answered", "Chỉ đánh giá được khi đã có trả lời",
                "The answer can be rated only once it is given");
        if (row.RatedAt is not null)
            return Problems.Of(StatusCodes.Status409Conflict, "already-rated", "Trả lời đã được đánh giá",
                "The answer has already been rated; a rating is given once");
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE feedback SET rating_level = @level, rating_satisfied = @satisfied, rating_reasons = @reasons::jsonb, rated_at = @now WHERE id = @id
            """, new { id, level = rating.Level.Code, satisfied = rating.Level.Satisfied, reasons = JsonSerializer.Serialize(rating.Reasons), now },
            tx, cancellationToken: ct));
        await Outbox.PublishAsync(tx, new FeedbackRated(id, row.Agency, row.ProcedureCode, rating.Level.Code, rating.Level.Satisfied, rating.Reasons,
            channel, now), ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(new Response(id, rating.Level.Code, rating.Level.Satisfied, rating.Reasons, now));
    }

    private sealed record Row(string Agency, string? ProcedureCode, DateTimeOffset? AnsweredAt, DateTimeOffset? RatedAt);
}

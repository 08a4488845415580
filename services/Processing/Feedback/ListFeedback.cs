using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.OpenApi;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Processing.Feedback;

/// <summary>
/// GET /api/v1/feedback: the feedback assigned to the caller's agency (every agency's for the city's control office),
/// newest first, with the overdue flag (unanswered past the deadline, or answered after it).
/// </summary>
public static class ListFeedback
{
    public sealed record Item(Guid Id, string Agency, string? DossierCode, string? ProcedureCode, string Category, string Content, string Channel,
        DateTimeOffset FiledAt, DateTimeOffset DueAt, string? Answer, DateTimeOffset? AnsweredAt, bool Overdue, bool OverdueRaised,
        string? RatingLevel, DateTimeOffset? RatedAt);

    public static IEndpointRouteBuilder MapListFeedback(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", HandleAsync).WithName("ListFeedback")
            .WithSummary("Feedback assigned to the caller's agency, newest first; overdue=true for the overdue only, answered=false for the open only")
            .RequireScope(Scopes.Feedback)
            .WithExamples(null, new[]
            {
                new Item(Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), "26740.H29", "26740.H29-261129-0001", "1.003677", "procedure",
                    "Bộ phận một cửa yêu cầu nộp thêm bản sao", "public", DateTimeOffset.Parse("2026-11-27T10:00:00+07:00"),
                    DateTimeOffset.Parse("2026-12-11T17:00:00+07:00"), null, null, false, false, null, null),
            });
        return app;
    }

    private static async Task<Results<Ok<List<Item>>, ProblemHttpResult>> HandleAsync(bool? overdue, bool? answered, int? limit, Caller caller,
        NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        if (limit is < 1 or > 500)
            return Problems.Validation([new("limit", "range", "limit từ 1 đến 500", "limit is between 1 and 500")]);
        var now = time.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition("""
            SELECT id, agency, dossier_code AS DossierCode, procedure_code AS ProcedureCode, category, content, channel, filed_at AS FiledAt,
                   due_at AS DueAt, answer, answered_at AS AnsweredAt, overdue_raised_at IS NOT NULL AS OverdueRaised,
                   rating_level AS RatingLevel, rated_at AS RatedAt
            FROM feedback
            WHERE (@all OR agency = @agency)
              AND (@overdue::boolean IS NULL OR (coalesce(answered_at, @now) > due_at) = @overdue)
              AND (@answered::boolean IS NULL OR (answered_at IS NOT NULL) = @answered)
            ORDER BY filed_at DESC LIMIT @limit
            """, new { all = caller.SeesAllAgencies, agency = caller.Agency, overdue, answered, now, limit = limit ?? 100 }, cancellationToken: ct));
        return TypedResults.Ok(rows.Select(r => new Item(r.Id, r.Agency, r.DossierCode, r.ProcedureCode, r.Category, r.Content, r.Channel, r.FiledAt,
            r.DueAt, r.Answer, r.AnsweredAt, FeedbackRules.Overdue(r.DueAt, r.AnsweredAt, now), r.OverdueRaised, r.RatingLevel, r.RatedAt)).ToList());
    }

    private sealed record Row(Guid Id, string Agency, string? DossierCode, string? ProcedureCode, string Category, string Content, string Channel,
        DateTimeOffset FiledAt, DateTimeOffset DueAt, string? Answer, DateTimeOffset? AnsweredAt, bool OverdueRaised, string? RatingLevel,
        DateTimeOffset? RatedAt);
}

using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Procedures.Contracts;
using Procedures.Messaging.Audit;
using Procedures.Messaging.Outbox;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.OpenApi;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Processing.Feedback;

/// <summary>
/// POST /api/v1/feedback/{id}/answer: the responsible agency — and only it — answers, once. Another agency's feedback
/// answers 404 like an unknown id (an agency learns nothing of others' feedback).
/// </summary>
public static class AnswerFeedback
{
    public sealed record Request(string? Officer, string? Content);

    public sealed record Response(Guid Id, DateTimeOffset AnsweredAt, DateTimeOffset DueAt, bool OnTime);

    public static IEndpointRouteBuilder MapAnswerFeedback(this IEndpointRouteBuilder app)
    {
        app.MapPost("/{id:guid}/answer", HandleAsync).WithName("AnswerFeedback").ProducesProblems(409, "already-answered")
            .WithSummary("Answer feedback assigned to the caller's agency (once)")
            .RequireScope(Scopes.Feedback)
            .WithExamples(new Request("Trần Văn Bình", "Đã chấn chỉnh bộ phận một cửa; bản sao không còn bị yêu cầu"),
                new Response(Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"), DateTimeOffset.Parse("2026-12-04T15:00:00+07:00"),
                    DateTimeOffset.Parse("2026-12-11T17:00:00+07:00"), true));
        return app;
    }

    private static async Task<Results<Ok<Response>, NotFound, ProblemHttpResult>> HandleAsync(Guid id, Request request, Caller caller,
        HttpContext http, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var officer = TextInput.Clean(request.Officer, "officer", errors);
        var content = TextInput.Clean(request.Content, "content", errors);
        if (string.IsNullOrWhiteSpace(officer)) errors.Add(new("officer", "required", "Tên cán bộ trả lời là bắt buộc", "The answering officer is required"));
        if (string.IsNullOrWhiteSpace(content)) errors.Add(new("content", "required", "Nội dung trả lời là bắt buộc", "The answer is required"));
        if (officer is { Length: > 200 } || content is { Length: > 4000 })
            errors.Add(new("content", "max-length", "Nội dung quá dài", "A field is too long (officer 200, content 4000)"));
        if (errors.Count > 0) return Problems.Validation(errors);

        var now = time.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition("""
            SELECT agency, procedure_code AS ProcedureCode, filed_at AS FiledAt, due_at AS DueAt, answered_at AS AnsweredAt
            FROM feedback WHERE id = @id AND agency = @agency FOR UPDATE
            """, new { id, agency = caller.Agency }, tx, cancellationToken: ct));
        if (row is null)
        {
            await Dossiers.ForeignResources.MarkFeedbackAsync(connection, tx, http, caller, id, ct);
            return TypedResults.NotFound();
        }
        if (row.AnsweredAt is not null)
            return Problems.Of(StatusCodes.Status409Conflict, "already-answered", "Phản ánh, kiến nghị đã được trả lời",
                "The feedback has already been answered");
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE feedback SET answer = @content, answered_by = @officer, answered_at = @now WHERE id = @id
            """, new { id, content, officer, now }, tx, cancellationToken: ct));
        var onTime = !FeedbackRules.Overdue(row.DueAt, now, now);
        await Outbox.PublishAsync(tx, new FeedbackAnswered(id, row.Agency, row.ProcedureCode, row.FiledAt, row.DueAt, now, onTime), ct);
        await AuditLog.AppendAsync(tx, AuditActor.FromRequest(http, caller.ClientId, caller.Agency),
            new AuditEntry("feedback.answer", id.ToString("D"), PersonalData: false, Detail: new { onTime }), now, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(new Response(id, now, row.DueAt, onTime));
    }

    private sealed record Row(string Agency, string? ProcedureCode, DateTimeOffset FiledAt, DateTimeOffset DueAt, DateTimeOffset? AnsweredAt);
}

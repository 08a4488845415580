using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Procedures.Contracts;
using Procedures.ServiceDefaults.OpenApi;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Processing.Dossiers;

/// <summary>
/// GET /api/v1/dossiers/{code}/history: the dossier's steps (QuaTrinhXuLy) in sequence — who did what, when, and the
/// appointment each step left — for the receiving unit and the deciding agency (404 for anyone else, as unknown).
/// </summary>
public static class HistoryRead
{
    public sealed record Step(long Sequence, [property: CodeList(typeof(DossierStatus))] int Status, string StatusName, DateTimeOffset OccurredAt, string? Actor, string? Role,
        string? Department, string? Content, DateTimeOffset? AppointmentAt);

    public sealed record History(string Code, IReadOnlyList<Step> Steps);

    public static IEndpointRouteBuilder MapHistoryRead(this IEndpointRouteBuilder app)
    {
        app.MapGet("/{code}/history", HandleAsync).WithName("GetDossierHistory")
            .WithSummary("A dossier's history: every step in sequence (status, when, officer, role, department, content, appointment)")
            .RequireScope(Scopes.Reception, Scopes.Processing)
            .WithExamples(null, new History("26740.H29-261129-0001",
            [
                new(1, 1, StatusNames.Of(DossierStatus.Submitted), DateTimeOffset.Parse("2026-11-29T08:10:00+07:00"), "Hệ thống / System", null, null,
                    "Nộp hồ sơ trực tuyến", null),
                new(2, 2, StatusNames.Of(DossierStatus.Received), DateTimeOffset.Parse("2026-11-29T09:00:00+07:00"), "Nguyễn Thị Hoa", "Chuyên viên",
                    "Bộ phận Một cửa", "Tiếp nhận hồ sơ đầy đủ", DateTimeOffset.Parse("2026-12-02T17:00:00+07:00")),
            ]));
        return app;
    }

    private static async Task<Results<Ok<History>, NotFound>> HandleAsync(
        string code, Caller caller, HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var visible = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            $"SELECT EXISTS (SELECT 1 FROM dossiers WHERE code = @code AND {DossierRecords.VisibleToCaller})",
            new { code, agency = caller.Agency, all = caller.SeesAllAgencies }, cancellationToken: ct));
        if (!visible)
        {
            await ForeignResources.MarkDossierAsync(connection, null, http, caller, code, ct);
            return TypedResults.NotFound();
        }
        var steps = await connection.QueryAsync<(long Sequence, short Status, DateTimeOffset OccurredAt, string? Actor, string? Role,
            string? Department, string? Content, DateTimeOffset? AppointmentAt)>(new CommandDefinition("""
            SELECT sequence, status, occurred_at, actor, role, department, content, step_legal_end
            FROM dossier_history WHERE dossier_code = @code ORDER BY sequence
            """, new { code }, cancellationToken: ct));
        return TypedResults.Ok(new History(code, [.. steps.Select(s => new Step(s.Sequence, s.Status, StatusNames.Of((DossierStatus)s.Status),
            s.OccurredAt, s.Actor, s.Role, s.Department, s.Content, s.AppointmentAt))]));
    }
}

using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.OpenApi;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Procedures.Messaging.Audit;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Intake.Dossiers;

/// <summary>
/// GET /api/v1/dossiers and /api/v1/dossiers/{code}: a client sees only dossiers its agency received, unless
/// its agency sees all (the city's control office). The rule sits in the SQL WHERE, so a forgotten check cannot
/// leak a row; another agency's dossier answers 404 exactly like an unknown code.
/// </summary>
public static class Read
{
    public sealed record Dossier(string Code, string ProcedureCode, string ReceivingUnit, short Channel, string ApplicantName, DateTimeOffset SubmittedAt);

    public sealed record Page(IReadOnlyList<Dossier> Items, string? NextAfter);

    private const string Visible = "(receiving_unit = @agency OR @all)";

    public static RouteGroupBuilder MapRead(this RouteGroupBuilder group)
    {
        group.MapGet("/{code}", GetAsync).WithName("GetDossier").WithExamples(response: IntakeExamples.Dossier).WithSummary("One dossier as submitted (personal data: audited)")
            .RequireScope(Scopes.DossiersSubmit, Scopes.Reception, Scopes.Processing);
        group.MapGet("/", ListAsync).WithName("ListDossiers").WithExamples(response: IntakeExamples.DossierPage).WithSummary("Dossiers of the caller's agency, newest code last, keyset-paged")
            .RequireScope(Scopes.DossiersSubmit, Scopes.Reception, Scopes.Processing);
        return group;
    }

    private static async Task<Results<Ok<Dossier>, NotFound>> GetAsync(
        string code, Caller caller, HttpContext http, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var dossier = await connection.QuerySingleOrDefaultAsync<Dossier>(new CommandDefinition($"""
            SELECT code, procedure_code AS ProcedureCode, receiving_unit AS ReceivingUnit, channel, applicant_name AS ApplicantName,
                   submitted_at AS SubmittedAt
            FROM dossiers WHERE code = @code AND {Visible}
            """, new { code, agency = caller.Agency, all = caller.SeesAllAgencies }, tx, cancellationToken: ct));
        if (dossier is null)
        {
            // Another agency's dossier answers exactly like an unknown code; the attempt is recorded as a security event.
            var owner = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
                "SELECT receiving_unit FROM dossiers WHERE code = @code", new { code }, tx, cancellationToken: ct));
            if (owner is not null) CrossAgency.Refused(http, code, owner);
            return TypedResults.NotFound();
        }
        // The answer carries personal data: it is handed out only once the read is on record.
        await AuditLog.AppendAsync(tx, AuditActor.FromRequest(http, caller.ClientId, caller.Agency),
            new AuditEntry("dossier.read", dossier.Code, PersonalData: true), time.GetUtcNow(), ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(dossier);
    }

    private static async Task<Ok<Page>> ListAsync(
        Caller caller, HttpContext http, NpgsqlDataSource db, TimeProvider time, string? after, int? limit, CancellationToken ct)
    {
        var take = Math.Clamp(limit ?? 50, 1, 200);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var items = (await connection.QueryAsync<Dossier>(new CommandDefinition($"""
            SELECT code, procedure_code AS ProcedureCode, receiving_unit AS ReceivingUnit, channel, applicant_name AS ApplicantName,
                   submitted_at AS SubmittedAt
            FROM dossiers WHERE {Visible} AND (@after::text IS NULL OR code > @after)
            ORDER BY code LIMIT @take
            """, new { agency = caller.Agency, all = caller.SeesAllAgencies, after, take }, tx, cancellationToken: ct))).AsList();
        if (items.Count > 0)
        {
            await AuditLog.AppendAsync(tx, AuditActor.FromRequest(http, caller.ClientId, caller.Agency),
                new AuditEntry("dossier.list", $"{items[0].Code}..{items[^1].Code}", PersonalData: true, Detail: new { count = items.Count }),
                time.GetUtcNow(), ct);
        }
        await tx.CommitAsync(ct);
        return TypedResults.Ok(new Page(items, items.Count == take ? items[^1].Code : null));
    }
}

using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.OpenApi;
using Dapper;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Procedures.Messaging.Audit;
using Procedures.ServiceDefaults.Security;
using Procedures.Intake.Security;
using System.Text.Json;
using Procedures.Contracts;

namespace Procedures.Intake.Dossiers;

/// <summary>
/// GET /api/v1/dossiers and /api/v1/dossiers/{code}: a client sees only dossiers its agency received or decides
/// (<see cref="DossierAccess"/>), unless its agency sees all (the city's control office). The rule sits in the SQL WHERE,
/// so a forgotten check cannot leak a row; another agency's dossier answers 404 exactly like an unknown code. One dossier
/// comes with its documents, so the deciding agency finds what to read (GET /api/v1/documents/{id}).
/// </summary>
public static class Read
{
    public sealed record Dossier(string Code, string ProcedureCode, string ReceivingUnit, [property: CodeList(typeof(SubmissionChannel))] short Channel, string ApplicantName, DateTimeOffset SubmittedAt,
        string? DecidingAgency, IReadOnlyList<SubmittedDocument>? Documents);

    public sealed record Page(IReadOnlyList<Dossier> Items, string? NextAfter);

    private static readonly string Visible = DossierAccess.Visible;

    private const string Columns = """
        code, procedure_code AS ProcedureCode, receiving_unit AS ReceivingUnit, channel, applicant_name AS ApplicantName,
        submitted_at AS SubmittedAt, deciding_agency AS DecidingAgency
        """;

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
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition($"""
            SELECT {Columns}, documents::text AS Documents FROM dossiers WHERE code = @code AND {Visible}
            """, new { code, agency = caller.Agency, all = caller.SeesAllAgencies }, tx, cancellationToken: ct));
        var dossier = row?.ToDossier(JsonSerializer.Deserialize<List<SubmittedDocument>>(row.Documents!, JsonSerializerOptions.Web) ?? []);
        if (dossier is null)
        {
            await ForeignResources.MarkDossierAsync(connection, http, caller, code, ct);
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
        var items = (await connection.QueryAsync<Row>(new CommandDefinition($"""
            SELECT {Columns}, NULL::text AS Documents FROM dossiers WHERE {Visible} AND (@after::text IS NULL OR code > @after)
            ORDER BY code LIMIT @take
            """, new { agency = caller.Agency, all = caller.SeesAllAgencies, after, take }, tx, cancellationToken: ct)))
            .Select(r => r.ToDossier(null)).ToList();
        if (items.Count > 0)
        {
            await AuditLog.AppendAsync(tx, AuditActor.FromRequest(http, caller.ClientId, caller.Agency),
                new AuditEntry("dossier.list", $"{items[0].Code}..{items[^1].Code}", PersonalData: true, Detail: new { count = items.Count }),
                time.GetUtcNow(), ct);
        }
        await tx.CommitAsync(ct);
        return TypedResults.Ok(new Page(items, items.Count == take ? items[^1].Code : null));
    }

    /// <summary>A row as read; the documents (JSON, as Submit stored them) only for a single dossier.</summary>
    private sealed record Row(string Code, string ProcedureCode, string ReceivingUnit, short Channel, string ApplicantName, DateTimeOffset SubmittedAt,
        string? DecidingAgency, string? Documents)
    {
        public Dossier ToDossier(IReadOnlyList<SubmittedDocument>? documents)
            => new(Code, ProcedureCode, ReceivingUnit, Channel, ApplicantName, SubmittedAt, DecidingAgency, documents);
    }
}

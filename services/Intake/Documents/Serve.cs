using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.OpenApi;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Procedures.Messaging.Audit;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Intake.Documents;

/// <summary>
/// GET /api/v1/documents/{id} (metadata) and /api/v1/documents/{id}/content. Only the uploading agency, the parties to
/// the dossier it is attached to (receiving unit, deciding agency), or an agency that sees all, gets a document; the rule
/// sits in the SQL WHERE, and anyone else gets the same 404 as for an unknown id. Both reads are audited as personal-data reads before anything is handed out.
/// </summary>
public static class Serve
{
    public static RouteGroupBuilder MapServe(this RouteGroupBuilder group)
    {
        group.MapGet("/{id:guid}", GetAsync).WithName("GetDocument").WithExamples(response: IntakeExamples.StoredDocument)
            .WithSummary("A document's metadata (personal data: audited)")
            .RequireScope(Scopes.DossiersSubmit, Scopes.Reception, Scopes.Processing);
        group.MapGet("/{id:guid}/content", GetContentAsync).WithName("GetDocumentContent")
            .WithSummary("A document's content, as an attachment of its sniffed type (personal data: audited)")
            .RequireScope(Scopes.DossiersSubmit, Scopes.Reception, Scopes.Processing)
            .Produces(StatusCodes.Status200OK, contentType: DocumentTypes.Pdf, additionalContentTypes: [DocumentTypes.Jpeg, DocumentTypes.Png, DocumentTypes.Tiff])
            .Produces(StatusCodes.Status404NotFound);
        return group;
    }

    public static async Task<Results<Ok<DocumentInfo>, NotFound>> GetAsync(
        Guid id, Caller caller, HttpContext http, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var document = await ReadAuditedAsync(id, "document.metadata.read", caller, http, db, time, ct);
        return document is null ? TypedResults.NotFound() : TypedResults.Ok(document);
    }

    public static async Task<Results<PushStreamHttpResult, NotFound>> GetContentAsync(
        Guid id, Caller caller, HttpContext http, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var document = await ReadAuditedAsync(id, "document.read", caller, http, db, time, ct);
        if (document is null) return TypedResults.NotFound();

        var headers = http.Response.Headers;
        headers.ContentDisposition = FileNames.ContentDisposition(document.FileName, document.MediaType, document.Id);
        headers.XContentTypeOptions = "nosniff";
        headers.CacheControl = "no-store";
        // Should a browser render it anyway: no scripts, no plugins, no requests, no origin.
        headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        http.Response.ContentLength = document.Size;
        return TypedResults.Stream(async body =>
        {
            // Documents never change (0003_documents.sql), so the content read after the audited commit is the one audited.
            if (!await DocumentStore.CopyContentAsync(db, document.Id, caller.Agency, caller.SeesAllAgencies, body, http.RequestAborted))
                throw new InvalidOperationException($"Document {document.Id} has no content.");
        }, document.MediaType);
    }

    /// <summary>The document if the caller may see it, with the read on record (committed) before it is returned.</summary>
    private static async Task<DocumentInfo?> ReadAuditedAsync(
        Guid id, string action, Caller caller, HttpContext http, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        if (caller.Agency.Length == 0 || caller.ClientId.Length == 0) return null;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var document = await DocumentStore.ReadAsync(tx, id, caller.Agency, caller.SeesAllAgencies, ct);
        if (document is null)
        {
            await Security.ForeignResources.MarkDocumentAsync(connection, http, caller, id, ct);
            return null;
        }
        await AuditLog.AppendAsync(tx, AuditActor.FromRequest(http, caller.ClientId, caller.Agency),
            new AuditEntry(action, document.Id.ToString(), PersonalData: true, Detail: new { sha256 = document.Sha256 }),
            time.GetUtcNow(), ct);
        await tx.CommitAsync(ct);
        return document;
    }
}

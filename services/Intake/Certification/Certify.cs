using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using Procedures.Contracts;
using Procedures.Contracts.Identifiers;
using Procedures.Intake.Documents;
using Procedures.Messaging.Audit;
using Procedures.Messaging.Outbox;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.OpenApi;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Intake.Certification;

/// <summary>
/// POST /api/v1/certified-copies: an officer of the one-door desk (scope <c>reception</c>) certifies an uploaded digitised
/// document against the original the applicant presents (chứng thực bản sao điện tử từ bản chính). The copy records the
/// officer, the agency, the time, the SHA-256 of the file bytes and the owner's ID number, signed with the service's key;
/// the owner can later reuse it by reference in any dossier.
/// </summary>
public static class Certify
{
    public sealed record Request(Guid? DocumentId, string? OwnerIdNumber, string? Officer);

    /// <summary>
    /// The certified copy as issued: every fact the signature covers (<see cref="CopySigner.Payload"/>) and the signature,
    /// so its holder can verify it offline against the published keys (<see cref="VerificationKeys"/>).
    /// </summary>
    public sealed record Response(Guid Id, Guid DocumentId, string Sha256, string OwnerIdNumber, string Officer, string Agency,
        DateTimeOffset CertifiedAt, string KeyId, string Signature);

    public static RouteGroupBuilder MapCertify(this RouteGroupBuilder group)
    {
        group.MapPost("/", HandleAsync).WithName("CertifyCopy").ProducesProblems(503, "no-signing-key")
            .WithSummary("Certify a digitised copy against the presented original (chứng thực bản sao điện tử từ bản chính)")
            .WithExamples(new Request(Guid.Parse("3f2b1c9e-6a51-4f0e-9d7b-2c4e8a1f0b6d"), "079203001234", "Nguyễn Thị Hoa"),
                new Response(Guid.Parse("0193f1a2-7b7c-7d2e-9a41-5c3e2b1d0f11"), Guid.Parse("3f2b1c9e-6a51-4f0e-9d7b-2c4e8a1f0b6d"),
                    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "079203001234", "Nguyễn Thị Hoa", "26740.H29",
                    DateTimeOffset.Parse("2026-11-29T02:10:00Z", System.Globalization.CultureInfo.InvariantCulture), "dev-2026-11", "MEUCIQ…"))
            .RequireScope(Scopes.Reception)
            .ProducesProblems(StatusCodes.Status400BadRequest)
            .ProducesProblems(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    public static IReadOnlyList<FieldError> Validate(Request r, DateOnly today, out Request clean)
    {
        var errors = new List<FieldError>();
        clean = new Request(r.DocumentId, TextInput.Clean(r.OwnerIdNumber, "ownerIdNumber", errors), TextInput.Clean(r.Officer, "officer", errors));
        if (clean.DocumentId is null)
            errors.Add(new("documentId", "required", "Mã giấy tờ đã tải lên là bắt buộc", "The uploaded document's id is required"));
        if (clean.Officer is not { Length: > 0 and <= 200 })
            errors.Add(new("officer", "required", "Họ tên người thực hiện chứng thực là bắt buộc (tối đa 200 ký tự)", "The certifying officer's name is required (at most 200 characters)"));
        if (CitizenId.Check(clean.OwnerIdNumber, today, out _) != CitizenId.Problem.None && TaxCode.Check(clean.OwnerIdNumber, out _) != TaxCode.Problem.None)
            errors.Add(new("ownerIdNumber", "id-number-format", "Số CCCD (12 chữ số) hoặc mã số thuế của người có bản chính không hợp lệ",
                "The original's owner needs a valid citizen ID (12 digits) or tax code"));
        return errors;
    }

    public static async Task<Results<Created<Response>, ProblemHttpResult>> HandleAsync(
        Request request, Caller caller, HttpContext http, NpgsqlDataSource db, CopySigner signer, TimeProvider time, CancellationToken ct)
    {
        var now = CopySigner.Micro(time.GetUtcNow());
        var errors = Validate(request, now.VietnamDate(), out request);
        if (errors.Count > 0) return Problems.Validation(errors);
        if (!signer.CanSign)
            return Problems.Of(StatusCodes.Status503ServiceUnavailable, "no-signing-key",
                "Chưa cấu hình khóa ký chứng thực", "No certification signing key is configured");

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // Agency isolation: only a document the caller's agency may see (its own upload) can be certified there.
        var document = await DocumentStore.GetAsync(tx, request.DocumentId!.Value, caller.Agency, caller.SeesAllAgencies, ct);
        if (document is null)
        {
            await Security.ForeignResources.MarkDocumentAsync(connection, http, caller, request.DocumentId!.Value, ct);
            return Problems.Validation([new("documentId", "unknown-document", "Không tìm thấy giấy tờ đã tải lên", "No uploaded document with this id")]);
        }

        var facts = new CopyFacts(Guid.CreateVersion7(now), document.Id, document.Sha256, request.OwnerIdNumber!, request.Officer!,
            caller.Agency, now, signer.KeyId!);
        var copy = new CertifiedCopy(facts, signer.Sign(facts));
        await CertifiedCopyStore.InsertAsync(tx, copy, caller.ClientId, ct);
        await Outbox.PublishAsync(tx, new CopyCertified(facts.CopyId, facts.Agency, now, facts.KeyId), ct);
        await AuditLog.AppendAsync(tx, AuditActor.FromRequest(http, caller.ClientId, caller.Agency),
            new AuditEntry("copy.certify", facts.CopyId.ToString(), PersonalData: true, Detail: new { documentId = document.Id, sha256 = document.Sha256 }),
            now, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Created($"/api/v1/certified-copies/{facts.CopyId}",
            new Response(facts.CopyId, facts.DocumentId, facts.Sha256, facts.OwnerIdNumber, facts.Officer, facts.Agency, facts.CertifiedAt, facts.KeyId, copy.Signature));
    }
}

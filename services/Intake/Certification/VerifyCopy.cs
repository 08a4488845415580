using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using Procedures.Intake.Documents;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.OpenApi;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Intake.Certification;

/// <summary>
/// POST /api/v1/public/certified-copies/verify[?id=]: anyone holding a certified copy (a receiving agency, a bank, the
/// citizen) asks whether it is authentic and unaltered, without an account; rate-limited per address like the public
/// dossier lookup. The body is optional: the file's bytes, as they were given to the asker. With an id and no body the
/// stored file is re-hashed; with a body and no id the copy is found by the file's hash. Authentic means: the signature
/// verifies under the key it names, over the stored facts, and the SHA-256 of the bytes is the one signed. The answer
/// carries no personal data (not the owner).
/// </summary>
public static class VerifyCopy
{
    public sealed record Response(bool Authentic, string Reason, Guid? CopyId, string? Agency, string? Officer, DateTimeOffset? CertifiedAt,
        string? Sha256, string? KeyId);

    public static IEndpointRouteBuilder MapVerifyCopy(this IEndpointRouteBuilder app)
    {
        app.MapPost("/verify", HandleAsync).WithName("VerifyCertifiedCopy").ProducesProblems(413, "document-too-large")
            .WithSummary("Is a certified copy authentic and unaltered? (copy id and/or the file's bytes as the body)")
            .AllowAnonymous()
            .RequireRateLimiting(Hardening.PublicLookupPolicy)
            .DocumentsBinaryBody()
            .WithExamples(null, new Response(true, "authentic", Guid.Parse("0193f1a2-7b7c-7d2e-9a41-5c3e2b1d0f11"), "26740.H29", "Nguyễn Thị Hoa",
                DateTimeOffset.Parse("2026-11-29T02:10:00Z", System.Globalization.CultureInfo.InvariantCulture),
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "dev-2026-11"))
            .ProducesProblems(StatusCodes.Status400BadRequest)
            .ProducesProblems(StatusCodes.Status413PayloadTooLarge);
        return app;
    }

    private static async Task<Results<Ok<Response>, ProblemHttpResult>> HandleAsync(
        Guid? id, HttpContext http, NpgsqlDataSource db, CopySigner signer, [FromServices] DocumentOptions options, CancellationToken ct)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
            bodyLimit.MaxRequestBodySize = options.MaxBytes;
        if (http.Request.ContentLength > options.MaxBytes)
            return Problems.Of(StatusCodes.Status413PayloadTooLarge, "document-too-large",
                "Tệp vượt quá dung lượng cho phép", "The file exceeds the size limit");
        var fileSha256 = await HashBodyAsync(http.Request.Body, ct);
        if (id is null && fileSha256 is null)
            return Problems.Validation([new("id", "one-source", "Cần mã bản sao chứng thực hoặc tệp cần kiểm tra",
                "Give the certified copy's id, the file's bytes, or both")]);
        await using var connection = await db.OpenConnectionAsync(ct);
        return TypedResults.Ok(await VerifyAsync(connection, signer, id, fileSha256, ct));
    }

    /// <summary>The verdict for a copy id and/or the SHA-256 of the bytes presented (null: re-hash the stored file).</summary>
    public static async Task<Response> VerifyAsync(NpgsqlConnection connection, CopySigner signer, Guid? id, string? fileSha256, CancellationToken ct)
    {
        var copy = id is { } copyId
            ? await CertifiedCopyStore.GetAsync(connection, copyId, ct)
            : (await CertifiedCopyStore.FindBySha256Async(connection, fileSha256!, ct)).FirstOrDefault(c => signer.Verify(c.Facts, c.Signature));
        if (copy is null) return new Response(false, "unknown-copy", id, null, null, null, fileSha256, null);
        var f = copy.Facts;
        Response Verdict(bool ok, string reason) => new(ok, reason, f.CopyId, f.Agency, f.Officer, f.CertifiedAt, f.Sha256, f.KeyId);
        if (!signer.Verify(f, copy.Signature)) return Verdict(false, "signature-invalid");
        var actual = fileSha256 ?? await CertifiedCopyStore.ContentSha256Async(connection, f.DocumentId, ct);
        return actual == f.Sha256 ? Verdict(true, "authentic") : Verdict(false, "content-altered");
    }

    /// <summary>SHA-256 of the request body, streamed; null when the body is empty.</summary>
    private static async Task<string?> HashBodyAsync(Stream body, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, ct)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            total += read;
        }
        return total == 0 ? null : Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}

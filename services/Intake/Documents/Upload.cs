using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Npgsql;
using Procedures.Messaging.Audit;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.OpenApi;
using Procedures.ServiceDefaults.Security;

namespace Procedures.Intake.Documents;

/// <summary>
/// POST /api/v1/documents: one document (multipart/form-data: a part <c>file</c>, a field <c>digitised</c> = true|false,
/// optionally a field <c>componentCode</c>), stored under a new id that the dossier submission then references.
/// The type is what the content is, checked against the configured types; the client's Content-Type and file
/// name must not contradict it. Answers 201 only once the document and its audit entry have committed.
/// </summary>
public static class Upload
{
    public sealed record Response(Guid Id, string Sha256, long Size, string MediaType, bool Digitised);

    /// <summary>What the multipart envelope (boundaries, part headers, the small fields) may add to the file's size.</summary>
    public const long EnvelopeBytes = 64 * 1024;

    private const int FieldMaxBytes = 1024;
    private const int ComponentCodeMaxLength = 100;

    public static RouteGroupBuilder MapUpload(this RouteGroupBuilder group)
    {
        group.MapPost("/", HandleAsync)
            .WithName("UploadDocument").ProducesProblems(400, "malformed-multipart").ProducesProblems(403, "no-agency").ProducesProblems(413, "document-too-large").ProducesProblems(415, "multipart-required", "document-type-unsupported", "document-type-mismatch").WithExamples(response: IntakeExamples.Document)
            .WithSummary("Upload a document of a dossier (tải lên thành phần hồ sơ) before submitting the dossier")
            .WithDescription("multipart/form-data: part `file` (PDF, JPEG, PNG or TIFF by content), field `digitised` (true|false, số hóa), " +
                             "optional field `componentCode` (mã thành phần hồ sơ).")
            .RequireScope(Scopes.DossiersSubmit)
            .DocumentsForm("multipart/form-data", "DocumentUpload",
                new FormField("file", "file", true, "The document: PDF, JPEG, PNG or TIFF, told by its content"),
                new FormField("digitised", "boolean", true, "Whether it was digitised from paper at the desk (số hóa)"),
                new FormField("componentCode", "string", false, "The procedure component it is (mã thành phần hồ sơ)"))
            .ProducesProblems(StatusCodes.Status400BadRequest)
            .ProducesProblems(StatusCodes.Status403Forbidden)
            .ProducesProblems(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblems(StatusCodes.Status415UnsupportedMediaType);
        return group;
    }

    public static async Task<Results<Created<Response>, ProblemHttpResult>> HandleAsync(
        HttpContext http, Caller caller, NpgsqlDataSource db, [FromServices] DocumentOptions options, TimeProvider time, CancellationToken ct)
    {
        if (caller.Agency.Length == 0 || caller.ClientId.Length == 0)
            return Problems.Of(StatusCodes.Status403Forbidden, "no-agency",
                "Token không gắn với cơ quan nào", "The token names no agency", "A document belongs to the uploading agency.");

        // The service-wide body limit (Hardening, 1 MB) is too small for documents: this endpoint sets its own.
        var limit = options.MaxBytes + EnvelopeBytes;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
            bodyLimit.MaxRequestBodySize = limit;
        if (http.Request.ContentLength > limit) return TooLarge(options);

        var (form, problem) = await UploadForm.ReadAsync(http.Request, options, ct);
        if (problem is not null) return Problems.Result(problem);
        using var file = form!.File;

        var errors = new List<FieldError>(form.Errors);
        var componentCode = TextInput.Clean(form.ComponentCode, "componentCode", errors);
        if (componentCode is { Length: 0 }) componentCode = null;
        else if (componentCode?.Length > ComponentCodeMaxLength)
            errors.Add(new("componentCode", "max-length", $"Mã thành phần hồ sơ tối đa {ComponentCodeMaxLength} ký tự",
                $"The component code has at most {ComponentCodeMaxLength} characters"));
        bool? digitised = form.Digitised?.Trim().ToLowerInvariant() switch { "true" => true, "false" => false, _ => null };
        if (form.Digitised is null)
            errors.Add(new("digitised", "required", "Phải cho biết tệp có phải bản số hóa hay không", "digitised (true or false) is required"));
        else if (digitised is null)
            errors.Add(new("digitised", "boolean", "Giá trị 'số hóa' phải là true hoặc false", "digitised must be true or false"));
        if (file is null)
            errors.Add(new("file", "required", "Thiếu tệp tải lên (phần 'file')", "The file part is required"));
        else if (file.Size == 0)
            errors.Add(new("file", "empty", "Tệp tải lên rỗng", "The file is empty"));
        if (errors.Count > 0) return Problems.Validation(errors);

        var fileName = FileNames.Display(form.FileName);
        var verdict = FileSniffer.Check(file!.Header, form.DeclaredType, fileName, options.EffectiveAllowedTypes);
        if (!verdict.Accepted) return Problems.Result(Refusal(verdict, form.DeclaredType, options));

        var now = time.GetUtcNow();
        var document = new NewDocument(Guid.CreateVersion7(now), verdict.MediaType!, digitised!.Value, componentCode, fileName,
            caller.ClientId, caller.Agency, now);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await DocumentStore.InsertAsync(tx, document, file, ct);
        await AuditLog.AppendAsync(tx, AuditActor.FromRequest(http, caller.ClientId, caller.Agency),
            new AuditEntry("document.upload", document.Id.ToString(), PersonalData: true,
                Detail: new { sha256 = file.Sha256, size = file.Size, mediaType = document.MediaType, digitised = document.Digitised }),
            now, ct);
        await tx.CommitAsync(ct);

        return TypedResults.Created($"/api/v1/documents/{document.Id}",
            new Response(document.Id, file.Sha256, file.Size, document.MediaType, document.Digitised));
    }

    private static ProblemHttpResult TooLarge(DocumentOptions options)
    {
        var problem = Problems.Create(StatusCodes.Status413PayloadTooLarge, "document-too-large",
            "Tệp vượt quá dung lượng cho phép", "The file exceeds the size limit", $"A document has at most {options.MaxBytes} bytes.");
        problem.Extensions["maxBytes"] = options.MaxBytes;
        return Problems.Result(problem);
    }

    private static ProblemDetails Refusal(SniffResult verdict, string? declaredType, DocumentOptions options)
    {
        var allowed = string.Join(", ", options.EffectiveAllowedTypes);
        var problem = verdict.Outcome switch
        {
            SniffOutcome.DeclaredTypeMismatch => Problems.Create(StatusCodes.Status415UnsupportedMediaType, "document-type-mismatch",
                "Loại tệp khai báo không khớp với nội dung tệp", "The declared file type does not match the file's content",
                $"Declared {Bounded(declaredType)}; the content is {verdict.MediaType}."),
            SniffOutcome.ExtensionMismatch => Problems.Create(StatusCodes.Status415UnsupportedMediaType, "document-type-mismatch",
                "Phần mở rộng của tên tệp không khớp với nội dung tệp", "The file name's extension does not match the file's content",
                $"The content is {verdict.MediaType}."),
            _ => Problems.Create(StatusCodes.Status415UnsupportedMediaType, "document-type-unsupported",
                "Định dạng tệp không được chấp nhận", "The file type is not accepted",
                $"Accepted, judged by content: {allowed}."),
        };
        problem.Extensions["allowedTypes"] = options.EffectiveAllowedTypes;
        return problem;
    }

    private static string Bounded(string? text)
        => text is null ? "" : new string(text.Where(c => !char.IsControl(c)).Take(100).ToArray());

    /// <summary>
    /// The parts of an upload, read straight from the request body with a multipart reader (no form buffering): the
    /// file streams into a <see cref="ReceivedFile"/>, the fields are read up to 1 KB each. Unknown or repeated parts are
    /// field errors; a body that is not multipart, is malformed or holds an oversized file is a problem.
    /// </summary>
    public sealed class UploadForm
    {
        public ReceivedFile? File { get; private set; }
        public string? FileName { get; private set; }
        public string? DeclaredType { get; private set; }
        public string? Digitised { get; private set; }
        public string? ComponentCode { get; private set; }
        public IReadOnlyList<FieldError> Errors => _errors;

        private readonly List<FieldError> _errors = [];

        /// <summary>Either the form (the caller disposes its file) or the problem to answer.</summary>
        public static async Task<(UploadForm? Form, ProblemDetails? Problem)> ReadAsync(HttpRequest request, DocumentOptions options, CancellationToken ct)
        {
            if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
                || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
                || HeaderUtilities.RemoveQuotes(contentType.Boundary).Value is not { Length: > 0 and <= 70 } boundary)
            {
                return (null, Problems.Create(StatusCodes.Status415UnsupportedMediaType, "multipart-required",
                    "Tệp phải được gửi dạng multipart/form-data", "A document is sent as multipart/form-data with a boundary"));
            }

            var form = new UploadForm();
            try
            {
                var reader = new MultipartReader(boundary, request.Body)
                {
                    BodyLengthLimit = options.MaxBytes + EnvelopeBytes,
                    HeadersCountLimit = 8,
                    HeadersLengthLimit = 16 * 1024,
                };
                var seen = new HashSet<string>(StringComparer.Ordinal);
                while (await reader.ReadNextSectionAsync(ct) is { } section)
                {
                    if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                        return form.Fail(Malformed("A part has no form-data Content-Disposition."));
                    var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                    if (!seen.Add(name))
                    {
                        form.AddError(name, "duplicate", "Trường bị gửi lặp lại", "The part is sent more than once");
                        continue;
                    }
                    switch (name)
                    {
                        case "file":
                            form.FileName = disposition.FileNameStar.HasValue
                                ? disposition.FileNameStar.Value
                                : HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                            form.DeclaredType = section.ContentType;
                            form.File = await ReceivedFile.ReceiveAsync(section.Body, options.MaxBytes, ct);
                            if (form.File is null) return form.Fail(TooLarge(options).ProblemDetails);
                            break;
                        case "digitised":
                            form.Digitised = await form.ReadFieldAsync(section, name, ct);
                            break;
                        case "componentCode":
                            form.ComponentCode = await form.ReadFieldAsync(section, name, ct);
                            break;
                        default:
                            form.AddError(name, "unknown-field", "Trường không được hỗ trợ", "Unknown part");
                            break;
                    }
                }
                return (form, null);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException and not BadHttpRequestException)
            {
                // BadHttpRequestException (Kestrel's body limit, a client too slow) goes on to the exception handler.
                return form.Fail(Malformed(ex.Message));
            }
            catch
            {
                form.File?.Dispose();
                throw;
            }
        }

        private (UploadForm?, ProblemDetails?) Fail(ProblemDetails problem)
        {
            File?.Dispose();
            return (null, problem);
        }

        private static ProblemDetails Malformed(string detail)
            => Problems.Create(StatusCodes.Status400BadRequest, "malformed-multipart",
                "Nội dung multipart không hợp lệ", "Malformed multipart body", detail);

        private void AddError(string part, string rule, string vi, string en)
            => _errors.Add(new(Bounded(part) is { Length: > 0 } field ? field : "(unnamed)", rule, vi, en));

        /// <summary>A text field, strict UTF-8, at most <see cref="FieldMaxBytes"/> bytes; null (with an error) otherwise.</summary>
        private async Task<string?> ReadFieldAsync(MultipartSection section, string name, CancellationToken ct)
        {
            var buffer = new byte[FieldMaxBytes + 1];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = await section.Body.ReadAsync(buffer.AsMemory(length), ct)) > 0) length += read;
            if (length > FieldMaxBytes)
            {
                AddError(name, "max-length", $"Trường tối đa {FieldMaxBytes} byte", $"The field has at most {FieldMaxBytes} bytes");
                return null;
            }
            try
            {
                return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer, 0, length);
            }
            catch (DecoderFallbackException)
            {
                AddError(name, "invalid-unicode", "Chuỗi ký tự Unicode không hợp lệ", "Invalid Unicode text");
                return null;
            }
        }
    }
}

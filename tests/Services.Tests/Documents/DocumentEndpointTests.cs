using System.Net.Http.Headers;
using System.Security.Cryptography;
using Dapper;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Procedures.Intake.Documents;
using Procedures.Messaging.Audit;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.Security;
using Procedures.Contracts;
using Procedures.Intake.Dossiers;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests.Documents;

/// <summary>
/// The upload and read handlers called directly (no server): multipart parsing, refusals, the committed row and its
/// audit entry, and agency isolation. Routing, scopes and Kestrel's limits are the end-to-end tests' business.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class DocumentEndpointTests(InfrastructureFixture infra) : IAsyncLifetime
{
    private static readonly Caller Clerk = new("phuong-sai-gon", "26740.H29", new HashSet<string> { Scopes.DossiersSubmit }, false);
    private static readonly Caller OtherClerk = new("phuong-ben-thanh", "26743.H29", new HashSet<string> { Scopes.Reception }, false);
    private static readonly DocumentOptions Options = new();
    private NpgsqlDataSource _db = null!;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _db = await ServiceDatabase.CreateAsync(infra, "intake", typeof(Upload).Assembly);
        _services = new ServiceCollection().AddLogging().BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    private static ByteArrayContent FilePart(byte[] bytes, string? type)
    {
        var part = new ByteArrayContent(bytes);
        if (type is not null) part.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
        return part;
    }

    private async Task<DefaultHttpContext> RequestAsync(MultipartFormDataContent form, bool withLength = true)
    {
        var body = new MemoryStream();
        await form.CopyToAsync(body);
        body.Position = 0;
        var http = new DefaultHttpContext { RequestServices = _services };
        http.Request.Method = "POST";
        http.Request.ContentType = form.Headers.ContentType!.ToString();
        if (withLength) http.Request.ContentLength = body.Length;
        http.Request.Body = body;
        http.Response.Body = new MemoryStream();
        return http;
    }

    private async Task<IResult> UploadAsync(byte[] content, string fileName = "ho-so.pdf", string? type = "application/pdf",
        string? digitised = "true", DocumentOptions? options = null, bool withLength = true, Action<MultipartFormDataContent>? more = null)
    {
        using var form = new MultipartFormDataContent();
        form.Add(FilePart(content, type), "file", fileName);
        if (digitised is not null) form.Add(new StringContent(digitised), "digitised");
        more?.Invoke(form);
        var http = await RequestAsync(form, withLength);
        return (await Upload.HandleAsync(http, Clerk, _db, options ?? Options, TimeProvider.System, CancellationToken.None)).Result;
    }

    private async Task<Guid> UploadedAsync(byte[] content, string fileName = "ho-so.pdf", string type = "application/pdf")
        => Assert.IsType<Created<Upload.Response>>(await UploadAsync(content, fileName, type)).Value!.Id;

    private static void AssertProblem(IResult result, int status, string type)
    {
        var problem = Assert.IsType<ProblemHttpResult>(result).ProblemDetails;
        Assert.Equal((status, Problems.TypePrefix + type), (problem.Status, problem.Type));
    }

    private async Task<long> CountAsync(string sql, object? args = null)
    {
        await using var connection = await _db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>(sql, args);
    }

    private async Task AssertNothingStoredAsync()
    {
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM documents"));
        Assert.Equal(0, await CountAsync("SELECT count(*) FROM audit.entries"));
    }

    private static DefaultHttpContext Reader(ServiceProvider services) => new() { RequestServices = services, Response = { Body = new MemoryStream() } };

    [Fact]
    public async Task Upload_answers_201_with_hash_and_size_after_committing_the_document_and_its_audit_entry()
    {
        var result = await UploadAsync(Samples.Pdf, @"..\..\Giấy khai sinh.pdf", more: form => form.Add(new StringContent("TP01"), "componentCode"));

        var created = Assert.IsType<Created<Upload.Response>>(result);
        var response = created.Value!;
        Assert.Equal(new Upload.Response(response.Id, Convert.ToHexStringLower(SHA256.HashData(Samples.Pdf)), Samples.Pdf.Length,
            DocumentTypes.Pdf, Digitised: true), response);
        Assert.Equal($"/api/v1/documents/{response.Id}", created.Location);
        await using var connection = await _db.OpenConnectionAsync();
        var row = await connection.QuerySingleAsync<(string FileName, string Component, string Client, string Agency)>(
            "SELECT file_name, component_code, uploader_client, uploader_agency FROM documents WHERE id = @Id", new { response.Id });
        Assert.Equal(("Giấy khai sinh.pdf", "TP01", Clerk.ClientId, Clerk.Agency), row);
        var entry = Assert.Single(await AuditLog.QueryAsync(_db, new AuditQuery(Resource: response.Id.ToString()), CancellationToken.None));
        Assert.Equal(("document.upload", Clerk.ClientId, Clerk.Agency, true), (entry.Action, entry.ClientId, entry.Agency, entry.PersonalData));
    }

    [Fact]
    public async Task File_over_the_limit_is_refused_with_413_whether_announced_by_content_length_or_not()
    {
        var small = new DocumentOptions { MaxBytes = 1000 };
        var pdf = Samples.Pdf.Concat(Samples.Random(200 * 1024)).ToArray();

        AssertProblem(await UploadAsync(pdf, options: small), StatusCodes.Status413PayloadTooLarge, "document-too-large");
        AssertProblem(await UploadAsync(pdf[..1001], options: small, withLength: false), StatusCodes.Status413PayloadTooLarge, "document-too-large");
        Assert.IsType<Created<Upload.Response>>(await UploadAsync(pdf[..1000], options: small, withLength: false));
    }

    [Theory]
    [InlineData("exe")]
    [InlineData("html")]
    [InlineData("zip")]
    public async Task Other_content_renamed_to_pdf_is_refused_with_415_and_nothing_is_stored(string kind)
    {
        var content = kind switch { "exe" => Samples.Exe, "html" => Samples.Html, _ => Samples.Zip };

        AssertProblem(await UploadAsync(content, "ho-so.pdf", "application/pdf"), StatusCodes.Status415UnsupportedMediaType, "document-type-unsupported");

        await AssertNothingStoredAsync();
    }

    [Theory]
    [InlineData("anh.png", "application/pdf")]
    [InlineData("anh.pdf", "image/png")]
    public async Task Png_declared_or_named_as_pdf_is_refused_as_a_mismatch(string fileName, string declared)
    {
        AssertProblem(await UploadAsync(Samples.Png, fileName, declared),
            StatusCodes.Status415UnsupportedMediaType, "document-type-mismatch");

        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Empty_file_missing_flag_and_unknown_parts_are_reported_together()
    {
        var result = await UploadAsync([], digitised: null, more: form => form.Add(new StringContent("x"), "path"));

        var problem = Assert.IsType<ProblemHttpResult>(result).ProblemDetails;
        var errors = Assert.IsAssignableFrom<IReadOnlyList<FieldError>>(problem.Extensions["errors"]);
        Assert.Equal([("path", "unknown-field"), ("digitised", "required"), ("file", "empty")], errors.Select(e => (e.Field, e.Rule)).ToArray());
        await AssertNothingStoredAsync();
    }

    [Fact]
    public async Task Digitised_must_be_true_or_false()
    {
        var errors = (IReadOnlyList<FieldError>)Assert.IsType<ProblemHttpResult>(await UploadAsync(Samples.Pdf, digitised: "có"))
            .ProblemDetails.Extensions["errors"]!;

        Assert.Equal(("digitised", "boolean"), (errors[0].Field, errors[0].Rule));
        Assert.IsType<Created<Upload.Response>>(await UploadAsync(Samples.Pdf, digitised: "False"));
    }

    [Fact]
    public async Task Body_that_is_not_multipart_is_refused_with_415()
    {
        var http = new DefaultHttpContext();
        http.Request.ContentType = "application/json";
        http.Request.Body = new MemoryStream("{\"file\":\"JVBERi0=\"}"u8.ToArray());

        var result = await Upload.HandleAsync(http, Clerk, _db, Options, TimeProvider.System, CancellationToken.None);

        AssertProblem(result.Result, StatusCodes.Status415UnsupportedMediaType, "multipart-required");
    }

    [Fact]
    public async Task Owner_gets_the_content_as_an_attachment_of_its_sniffed_type_after_the_read_is_audited()
    {
        var content = Samples.Png;
        var id = await UploadedAsync(content, "ảnh thẻ.png", "image/png");
        var http = Reader(_services);

        var result = Assert.IsType<PushStreamHttpResult>((await Serve.GetContentAsync(id, Clerk, http, _db, TimeProvider.System, CancellationToken.None)).Result);
        var read = Assert.Single(await AuditLog.QueryAsync(_db, new AuditQuery(Resource: id.ToString(), Action: "document.read"), CancellationToken.None));
        await result.ExecuteAsync(http);

        Assert.True(read.PersonalData);
        Assert.Equal(content, ((MemoryStream)http.Response.Body).ToArray());
        Assert.Equal(DocumentTypes.Png, http.Response.ContentType);
        Assert.Equal(content.Length, http.Response.ContentLength);
        Assert.Equal("nosniff", http.Response.Headers.XContentTypeOptions.ToString());
        Assert.StartsWith("attachment; filename=\"anh the.png\"; filename*=UTF-8''", http.Response.Headers.ContentDisposition.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_agency_gets_404_for_metadata_and_content_and_no_read_is_recorded()
    {
        var id = await UploadedAsync(Samples.Pdf);

        Assert.IsType<NotFound>((await Serve.GetAsync(id, OtherClerk, Reader(_services), _db, TimeProvider.System, CancellationToken.None)).Result);
        Assert.IsType<NotFound>((await Serve.GetContentAsync(id, OtherClerk, Reader(_services), _db, TimeProvider.System, CancellationToken.None)).Result);
        var metadata = Assert.IsType<Ok<DocumentInfo>>((await Serve.GetAsync(id, Clerk, Reader(_services), _db, TimeProvider.System, CancellationToken.None)).Result);

        Assert.Equal(("ho-so.pdf", Clerk.Agency), (metadata.Value!.FileName, metadata.Value.Agency));
        Assert.Equal(["document.metadata.read", "document.upload"],
            (await AuditLog.QueryAsync(_db, new AuditQuery(Resource: id.ToString()), CancellationToken.None)).Select(e => e.Action).ToArray());
    }

    [Fact]
    public async Task The_agency_deciding_the_dossier_a_document_is_attached_to_reads_it_and_a_third_agency_still_gets_404()
    {
        var deciding = new Caller("phuong-tan-dinh", "26737.H29", new HashSet<string> { Scopes.Processing }, false);
        var id = await UploadedAsync(Samples.Png, "to-khai.png", "image/png");
        // Before it is attached, the document is only its uploader's.
        Assert.IsType<NotFound>((await Serve.GetAsync(id, deciding, Reader(_services), _db, TimeProvider.System, CancellationToken.None)).Result);

        // A boundary-free dossier: received at the uploader's ward, decided by another.
        // Submitted and attached through Intake's own store, as the submission does.
        await using (var connection = await _db.OpenConnectionAsync())
        await using (var submission = await connection.BeginTransactionAsync())
        {
            const string code = "26740.H29-261207-0001";
            await DossierStore.InsertAsync(submission, new NewDossier(code, "1.003677", Clerk.Agency, SubmissionChannel.Online, "Võ Thị Em",
                DateTimeOffset.UtcNow, deciding.Agency), CancellationToken.None);
            Assert.Equal([id], (await DocumentStore.AttachAsync(submission, [id], code, CancellationToken.None)).Attached);
            await submission.CommitAsync();
        }

        var metadata = Assert.IsType<Ok<DocumentInfo>>((await Serve.GetAsync(id, deciding, Reader(_services), _db, TimeProvider.System, CancellationToken.None)).Result);
        Assert.Equal(("26740.H29-261207-0001", Clerk.Agency), (metadata.Value!.DossierCode, metadata.Value.Agency));
        var http = Reader(_services);
        var content = Assert.IsType<PushStreamHttpResult>((await Serve.GetContentAsync(id, deciding, http, _db, TimeProvider.System, CancellationToken.None)).Result);
        await content.ExecuteAsync(http);
        Assert.Equal(Samples.Png, ((MemoryStream)http.Response.Body).ToArray());
        Assert.IsType<NotFound>((await Serve.GetAsync(id, OtherClerk, Reader(_services), _db, TimeProvider.System, CancellationToken.None)).Result);
        Assert.IsType<NotFound>((await Serve.GetContentAsync(id, OtherClerk, Reader(_services), _db, TimeProvider.System, CancellationToken.None)).Result);

        // Reading is not owning: only the uploader may use the document in a submission or have it certified.
        await using var reader = await _db.OpenConnectionAsync();
        await using var tx = await reader.BeginTransactionAsync();
        Assert.Empty(await DocumentStore.FindForAgencyAsync(tx, [id], deciding.Agency, false, CancellationToken.None));
        Assert.Null(await DocumentStore.GetAsync(tx, id, deciding.Agency, false, CancellationToken.None));
    }
}

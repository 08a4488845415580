using System.Security.Cryptography;
using Dapper;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Procedures.Intake.Certification;
using Procedures.Intake.Documents;
using Procedures.Intake.Dossiers;
using Procedures.ServiceDefaults;
using Procedures.ServiceDefaults.Security;
using Procedures.Services.Tests.Documents;
using Procedures.Contracts;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests.Digitisation;

/// <summary>
/// Electronic certified copies on Intake's real database: certification signs the file's hash and the facts, the
/// verification recomputes both; a later dossier of the same applicant reuses a copy by reference (recorded, evented,
/// no new upload), and nobody else can.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class CertifiedCopyTests(InfrastructureFixture infra) : IAsyncLifetime
{
    private const string Owner = "079203001234";
    private const string OtherCitizen = "079203009999";
    private static readonly Caller Officer = new("phuong-sai-gon", "26740.H29", new HashSet<string> { Scopes.Reception }, false);
    private static readonly Caller OtherAgency = new("phuong-tan-dinh", "26737.H29", new HashSet<string> { Scopes.Reception }, false);
    private readonly CopySigner _signer = Signer("dev-test");
    private NpgsqlDataSource _db = null!;
    private ServiceProvider _services = null!;

    private static CopySigner Signer(string keyId)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CopySigner(new CopySigningOptions { KeyId = keyId, PrivateKeyPem = key.ExportPkcs8PrivateKeyPem() });
    }

    public async Task InitializeAsync()
    {
        _db = await ServiceDatabase.CreateAsync(infra, "intake", typeof(Certify).Assembly);
        _services = new ServiceCollection().AddLogging().BuildServiceProvider();
    }

    public async Task DisposeAsync()
    {
        _signer.Dispose();
        await _services.DisposeAsync();
        await _db.DisposeAsync();
    }

    private async Task<Guid> StoreDocumentAsync(byte[] bytes, string agency = "26740.H29")
    {
        using var file = await ReceivedFile.ReceiveAsync(new MemoryStream(bytes), 1 << 20, CancellationToken.None);
        var id = Guid.CreateVersion7();
        await using var c = await _db.OpenConnectionAsync();
        await using var tx = await c.BeginTransactionAsync();
        await DocumentStore.InsertAsync(tx, new NewDocument(id, "application/pdf", true, "TP01", "cccd.pdf", "phuong-sai-gon", agency,
            DateTimeOffset.UtcNow), file!, CancellationToken.None);
        await tx.CommitAsync();
        return id;
    }

    private async Task<IResult> CertifyAsync(Guid documentId, Caller caller, string owner = Owner)
        => (await Certify.HandleAsync(new Certify.Request(documentId, owner, "Nguyễn Thị Hoa"), caller,
            new DefaultHttpContext { RequestServices = _services }, _db, _signer, TimeProvider.System, CancellationToken.None)).Result;

    private async Task<Certify.Response> CertifiedAsync(byte[] bytes, string owner = Owner)
        => Assert.IsType<Created<Certify.Response>>(await CertifyAsync(await StoreDocumentAsync(bytes), Officer, owner)).Value!;

    private async Task<VerifyCopy.Response> VerifyAsync(Guid? id, byte[]? bytes, CopySigner? signer = null)
    {
        await using var c = await _db.OpenConnectionAsync();
        return await VerifyCopy.VerifyAsync(c, signer ?? _signer, id, bytes is null ? null : CopySigner.Sha256Hex(bytes), CancellationToken.None);
    }

    [Fact]
    public async Task A_certified_copy_verifies_by_id_by_its_bytes_and_by_both()
    {
        var copy = await CertifiedAsync(Samples.Pdf);

        Assert.Equal(CopySigner.Sha256Hex(Samples.Pdf), copy.Sha256);
        Assert.Equal(("26740.H29", "Nguyễn Thị Hoa", "dev-test"), (copy.Agency, copy.Officer, copy.KeyId));
        foreach (var verdict in new[] { await VerifyAsync(copy.Id, null), await VerifyAsync(null, Samples.Pdf), await VerifyAsync(copy.Id, Samples.Pdf) })
            Assert.Equal((true, "authentic", copy.Id), (verdict.Authentic, verdict.Reason, verdict.CopyId));
        await using var c = await _db.OpenConnectionAsync();
        Assert.Equal(1, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM messaging.outbox WHERE message_type LIKE '%CopyCertified%'"));
    }

    [Fact]
    public async Task A_copy_altered_by_one_byte_is_not_authentic()
    {
        var copy = await CertifiedAsync(Samples.Pdf);
        var altered = (byte[])Samples.Pdf.Clone();
        altered[^3] ^= 0x01;

        Assert.Equal((false, "content-altered"), Tuple(await VerifyAsync(copy.Id, altered)));
        Assert.Equal((false, "unknown-copy"), Tuple(await VerifyAsync(null, altered)));
    }

    [Fact]
    public async Task A_wrong_key_a_tampered_signature_or_changed_facts_are_not_authentic()
    {
        var copy = await CertifiedAsync(Samples.Pdf);
        using var impostor = Signer("dev-test"); // same key id, another key
        Assert.Equal((false, "signature-invalid"), Tuple(await VerifyAsync(copy.Id, null, impostor)));
        using var unknown = Signer("other-key");
        Assert.Equal((false, "signature-invalid"), Tuple(await VerifyAsync(copy.Id, null, unknown)));

        // The stored row with its facts changed (another owner) under the original signature: a forgery.
        var forged = Guid.CreateVersion7();
        await using var c = await _db.OpenConnectionAsync();
        await c.ExecuteAsync("""
            INSERT INTO certified_copies (id, document_id, sha256, owner_id_number, officer, officer_client, agency, certified_at, key_id, signature)
            SELECT @forged, document_id, sha256, @other, officer, officer_client, agency, certified_at, key_id, signature
            FROM certified_copies WHERE id = @id
            """, new { forged, other = OtherCitizen, id = copy.Id });
        Assert.Equal((false, "signature-invalid"), Tuple(await VerifyAsync(forged, null)));

        // One flipped bit of the signature.
        var stored = (await CertifiedCopyStore.GetAsync(c, copy.Id, CancellationToken.None))!;
        var signature = Convert.FromBase64String(stored.Signature);
        signature[10] ^= 0x01;
        Assert.True(_signer.Verify(stored.Facts, stored.Signature));
        Assert.False(_signer.Verify(stored.Facts, Convert.ToBase64String(signature)));
    }

    [Fact]
    public async Task Only_a_document_the_agency_may_see_can_be_certified()
    {
        var document = await StoreDocumentAsync(Samples.Png);
        var problem = Assert.IsType<ProblemHttpResult>(await CertifyAsync(document, OtherAgency)).ProblemDetails;
        Assert.Equal(Problems.TypePrefix + "validation", problem.Type);
        var bad = Assert.IsType<ProblemHttpResult>(await CertifyAsync(document, Officer, owner: "12345")).ProblemDetails;
        Assert.Equal(400, bad.Status);
    }

    [Fact]
    public async Task A_later_dossier_of_the_owner_reuses_the_copy_without_a_new_upload_and_nobody_else_can()
    {
        var copy = await CertifiedAsync(Samples.Pdf);
        await using var c = await _db.OpenConnectionAsync();
        var documentsBefore = await c.ExecuteScalarAsync<long>("SELECT count(*) FROM documents");

        var (documents, errors) = await SubmitAsync(c, "D-OWNER", Owner, copy.Id.ToString());
        Assert.Empty(errors);
        var reused = Assert.Single(documents);
        Assert.Equal((true, true, copy.DocumentId, copy.Sha256), (reused.Reused, reused.Digitised, reused.DocumentId, reused.Sha256));
        Assert.Equal(documentsBefore, await c.ExecuteScalarAsync<long>("SELECT count(*) FROM documents")); // nothing uploaded
        Assert.Equal(("certified-copy", copy.Id.ToString()), await c.QuerySingleAsync<(string, string)>(
            "SELECT kind, reference FROM document_reuses WHERE dossier_code = 'D-OWNER'"));
        Assert.Equal(1, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM messaging.outbox WHERE message_type LIKE '%DocumentReused%'"));

        var (none, refused) = await SubmitAsync(c, "D-OTHER", OtherCitizen, copy.Id.ToString());
        Assert.Empty(none);
        Assert.Equal(("documents[0].reusedFrom", "not-reusable"), (Assert.Single(refused).Field, refused[0].Rule));
        Assert.Equal(0, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM document_reuses WHERE dossier_code = 'D-OTHER'"));
    }

    [Fact]
    public async Task An_electronic_result_is_reusable_by_its_owner_only()
    {
        await using var c = await _db.OpenConnectionAsync();
        // The owner's returned dossier and its result, registered as Intake registers them.
        await using (var tx = await c.BeginTransactionAsync())
        {
            await DossierStore.InsertAsync(tx, Dossier("D-RESULT", "26740.H29", "Nguyễn Văn An", Owner), CancellationToken.None);
            await RegisterResults.RegisterAsync(tx, "D-RESULT", new ResultDocument("Giấy khai sinh", "KQ-TEST-1", null), DateTimeOffset.UtcNow,
                CancellationToken.None);
            await tx.CommitAsync();
        }
        var (documents, errors) = await SubmitAsync(c, "D-REUSE", Owner, "KQ-TEST-1");
        Assert.Empty(errors);
        Assert.True(Assert.Single(documents).Reused);
        Assert.Equal("electronic-result", await c.ExecuteScalarAsync<string>("SELECT kind FROM document_reuses WHERE dossier_code = 'D-REUSE'"));
        var (_, refused) = await SubmitAsync(c, "D-THIEF", OtherCitizen, "KQ-TEST-1");
        Assert.Equal("not-reusable", Assert.Single(refused).Rule);
    }

    [Fact]
    public async Task A_reference_Intake_does_not_hold_is_refused_unless_the_citizen_store_vouched_for_it()
    {
        await using var c = await _db.OpenConnectionAsync();
        // The forged reference, as a previous result: no certified copy or result has it → refused, nothing written.
        var (none, refused) = await SubmitAsync(c, "D-FORGED", Owner, "EXT-ANY-THING-123");
        Assert.Empty(none);
        Assert.Equal(("documents[0].reusedFrom", "not-reusable"), (Assert.Single(refused).Field, refused[0].Rule));
        Assert.Equal(0, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM dossiers WHERE code = 'D-FORGED'"));
        // From the citizen store (checked there before the transaction, CitizenStoreCheck): reused, flagged, no copy recorded here.
        var (documents, errors) = await SubmitAsync(c, "D-STORE", Owner, "KQ-IN-THE-STORE", fromCitizenStore: true);
        Assert.Empty(errors);
        var reused = Assert.Single(documents);
        Assert.Equal((true, true, (Guid?)null), (reused.Reused, reused.FromCitizenStore, reused.DocumentId));
        Assert.Equal(0, await c.ExecuteScalarAsync<int>("SELECT count(*) FROM document_reuses WHERE dossier_code = 'D-STORE'"));
    }

    /// <summary>What the submission does with its documents, inside its transaction, for a dossier of <paramref name="applicant"/>.</summary>
    private static async Task<(IReadOnlyList<Procedures.Contracts.SubmittedDocument>, List<FieldError>)> SubmitAsync(
        NpgsqlConnection c, string code, string applicant, string reference, bool fromCitizenStore = false)
    {
        await using var tx = await c.BeginTransactionAsync();
        await DossierStore.InsertAsync(tx, Dossier(code, "26737.H29", "Người nộp", applicant), CancellationToken.None);
        var errors = new List<FieldError>();
        var documents = await DocumentReferences.AttachAsync(tx, [new DocumentReference("TP01", null, reference, fromCitizenStore)], code, "26737.H29", false,
            errors, CancellationToken.None, new DocumentReferences.Reuse(applicant, "26737.H29", DateTimeOffset.UtcNow));
        if (errors.Count == 0) await tx.CommitAsync();
        return (documents, errors);
    }

    private static NewDossier Dossier(string code, string unit, string applicant, string idNumber)
        => new(code, "1.003677", unit, SubmissionChannel.Online, applicant, DateTimeOffset.UtcNow, unit) { IdNumber = idNumber };

    private static (bool, string) Tuple(VerifyCopy.Response r) => (r.Authentic, r.Reason);
}

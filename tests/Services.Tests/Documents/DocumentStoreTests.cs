using System.Security.Cryptography;
using Dapper;
using Npgsql;
using Procedures.Intake.Documents;
using Procedures.Contracts;
using Procedures.Intake.Dossiers;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests.Documents;

/// <summary>DocumentStore on a real migrated Intake database.</summary>
[Collection(InfrastructureCollection.Name)]
public sealed class DocumentStoreTests(InfrastructureFixture infra) : IAsyncLifetime
{
    private const string Ward = "26740.H29";
    private const string OtherWard = "26743.H29";
    private static readonly DateTimeOffset Now = new(2025, 11, 29, 3, 0, 0, TimeSpan.Zero);
    private NpgsqlDataSource _db = null!;

    public async Task InitializeAsync() => _db = await ServiceDatabase.CreateAsync(infra, "intake", typeof(DocumentStore).Assembly);

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private async Task<(Guid Id, byte[] Content)> StoreAsync(string agency, byte[]? content = null, string? fileName = "ho-so.pdf")
    {
        content ??= Samples.Pdf;
        using var file = (await ReceivedFile.ReceiveAsync(new MemoryStream(content), content.Length, CancellationToken.None))!;
        var id = Guid.CreateVersion7(Now);
        await using var connection = await _db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await DocumentStore.InsertAsync(tx, new NewDocument(id, DocumentTypes.Pdf, Digitised: true, "TP01", fileName, "client-a", agency, Now), file,
            CancellationToken.None);
        await tx.CommitAsync();
        return (id, content);
    }

    private async Task DossierAsync(string code, string unit = Ward)
    {
        await using var connection = await _db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await DossierStore.InsertAsync(tx, new NewDossier(code, "1.000948.H29", unit, SubmissionChannel.Online, "Nguyễn Văn An", Now, unit),
            CancellationToken.None);
        await tx.CommitAsync();
    }

    private async Task<T> InTransactionAsync<T>(Func<NpgsqlTransaction, Task<T>> work)
    {
        await using var connection = await _db.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var result = await work(tx);
        await tx.CommitAsync();
        return result;
    }

    private Task<DocumentInfo?> GetAsync(Guid id, string agency, bool all = false)
        => InTransactionAsync(tx => DocumentStore.GetAsync(tx, id, agency, all, CancellationToken.None));

    private async Task<(bool Found, byte[] Written)> ContentAsync(Guid id, string agency, bool all = false)
    {
        using var destination = new MemoryStream();
        var found = await DocumentStore.CopyContentAsync(_db, id, agency, all, destination, CancellationToken.None);
        return (found, destination.ToArray());
    }

    private async Task<string?> AttachedToAsync(Guid id)
    {
        await using var connection = await _db.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<string?>("SELECT dossier_code FROM documents WHERE id = @id", new { id });
    }

    [Fact]
    public async Task Stored_document_keeps_its_hash_size_type_flags_and_uploader()
    {
        var (id, content) = await StoreAsync(Ward);

        var document = await GetAsync(id, Ward);

        Assert.Equal(new DocumentInfo(id, Convert.ToHexStringLower(SHA256.HashData(content)), content.Length, DocumentTypes.Pdf,
            Digitised: true, "TP01", "ho-so.pdf", Ward, Now, DossierCode: null), document);
        await using var connection = await _db.OpenConnectionAsync();
        Assert.Equal("client-a", await connection.ExecuteScalarAsync<string>("SELECT uploader_client FROM documents WHERE id = @id", new { id }));
    }

    [Fact]
    public async Task Content_of_several_chunks_reads_back_byte_for_byte()
    {
        var (id, content) = await StoreAsync(Ward, Samples.Random(ReceivedFile.ChunkSize * 2 + 777));

        var (found, written) = await ContentAsync(id, Ward);

        Assert.True(found);
        Assert.Equal(content, written);
        await using var connection = await _db.OpenConnectionAsync();
        Assert.Equal(3, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM document_chunks WHERE document_id = @id", new { id }));
    }

    [Fact]
    public async Task Another_agency_sees_neither_metadata_nor_content_exactly_like_an_unknown_id()
    {
        var (id, _) = await StoreAsync(Ward);

        Assert.Null(await GetAsync(id, OtherWard));
        Assert.Null(await GetAsync(Guid.NewGuid(), Ward));
        var (foundByOther, writtenToOther) = await ContentAsync(id, OtherWard);
        Assert.False(foundByOther);
        Assert.Empty(writtenToOther);
        Assert.False((await ContentAsync(Guid.NewGuid(), Ward)).Found);
        Assert.Null(await GetAsync(id, ""));
    }

    [Fact]
    public async Task An_agency_that_sees_all_reads_every_agencys_documents()
    {
        var (id, content) = await StoreAsync(Ward);

        Assert.NotNull(await GetAsync(id, "000.00.00.H29", all: true));
        var (found, written) = await ContentAsync(id, "000.00.00.H29", all: true);
        Assert.True(found);
        Assert.Equal(content, written);
    }

    [Fact]
    public async Task Find_for_an_agency_returns_only_the_documents_it_may_see()
    {
        var (mine1, _) = await StoreAsync(Ward);
        var (mine2, _) = await StoreAsync(Ward);
        var (theirs, _) = await StoreAsync(OtherWard);
        var unknown = Guid.NewGuid();

        var found = await InTransactionAsync(tx => DocumentStore.FindForAgencyAsync(tx, [mine1, theirs, unknown, mine2, mine1], Ward, false, CancellationToken.None));

        Assert.Equal(new[] { mine1, mine2 }.Order(), found.Select(d => d.Id).Order());
        Assert.All(found, d => Assert.Equal((DocumentTypes.Pdf, true, "TP01", (string?)null), (d.MediaType, d.Digitised, d.ComponentCode, d.DossierCode)));
        var all = await InTransactionAsync(tx => DocumentStore.FindForAgencyAsync(tx, [mine1, theirs, unknown], "x", true, CancellationToken.None));
        Assert.Equal(new[] { mine1, theirs }.Order(), all.Select(d => d.Id).Order());
        Assert.Empty(await InTransactionAsync(tx => DocumentStore.FindForAgencyAsync(tx, [], Ward, true, CancellationToken.None)));
    }

    [Fact]
    public async Task Attached_documents_belong_to_the_dossier_and_attaching_them_again_to_it_is_a_no_op()
    {
        var (a, _) = await StoreAsync(Ward);
        var (b, _) = await StoreAsync(Ward);
        await DossierAsync("26740.H29-251129-0001");

        var first = await InTransactionAsync(tx => DocumentStore.AttachAsync(tx, [a, b], "26740.H29-251129-0001", CancellationToken.None));
        var again = await InTransactionAsync(tx => DocumentStore.AttachAsync(tx, [b], "26740.H29-251129-0001", CancellationToken.None));

        Assert.True(first.Succeeded);
        Assert.Equal(new[] { a, b }.Order(), first.Attached.Order());
        Assert.True(again.Succeeded);
        Assert.Equal("26740.H29-251129-0001", await AttachedToAsync(a));
        Assert.Equal("26740.H29-251129-0001", (await GetAsync(b, Ward))!.DossierCode);
    }

    [Fact]
    public async Task Document_of_another_dossier_is_a_conflict_and_then_nothing_is_attached()
    {
        var (used, _) = await StoreAsync(Ward);
        var (free, _) = await StoreAsync(Ward);
        var unknown = Guid.NewGuid();
        await DossierAsync("26740.H29-251129-0001");
        await DossierAsync("26740.H29-251129-0002");
        await InTransactionAsync(tx => DocumentStore.AttachAsync(tx, [used], "26740.H29-251129-0001", CancellationToken.None));

        var result = await InTransactionAsync(tx => DocumentStore.AttachAsync(tx, [free, used, unknown], "26740.H29-251129-0002", CancellationToken.None));

        Assert.False(result.Succeeded);
        Assert.Empty(result.Attached);
        Assert.Equal([new AttachConflict(used, "26740.H29-251129-0001")], result.Conflicts);
        Assert.Equal([unknown], result.Missing);
        Assert.Null(await AttachedToAsync(free));
        Assert.Equal("26740.H29-251129-0001", await AttachedToAsync(used));
    }

    [Fact]
    public async Task Two_submissions_racing_for_one_document_cannot_both_attach_it()
    {
        var (id, _) = await StoreAsync(Ward);
        await DossierAsync("26740.H29-251129-0001");
        await DossierAsync("26740.H29-251129-0002");

        await using var holder = await _db.OpenConnectionAsync();
        await using var holderTx = await holder.BeginTransactionAsync();
        Assert.True((await DocumentStore.AttachAsync(holderTx, [id], "26740.H29-251129-0001", CancellationToken.None)).Succeeded);
        var waiterPid = 0;
        var waiter = Task.Run(async () =>
        {
            await using var connection = await _db.OpenConnectionAsync();
            Volatile.Write(ref waiterPid, connection.ProcessID);
            await using var tx = await connection.BeginTransactionAsync();
            var result = await DocumentStore.AttachAsync(tx, [id], "26740.H29-251129-0002", CancellationToken.None);
            await tx.CommitAsync();
            return result;
        });
        await using (var observer = await _db.OpenConnectionAsync())
        {
            await Eventually.Until(async () => Volatile.Read(ref waiterPid) != 0 && await observer.ExecuteScalarAsync<bool>(
                "SELECT coalesce(wait_event_type = 'Lock', false) FROM pg_stat_activity WHERE pid = @pid", new { pid = Volatile.Read(ref waiterPid) }),
                TimeSpan.FromSeconds(10), "the second submission to wait for the document's row lock");
        }
        await holderTx.CommitAsync();

        var second = await waiter;
        Assert.Equal([new AttachConflict(id, "26740.H29-251129-0001")], second.Conflicts);
        Assert.Equal("26740.H29-251129-0001", await AttachedToAsync(id));
    }

    [Fact]
    public async Task Attaching_to_a_dossier_that_does_not_exist_fails_on_the_foreign_key()
    {
        var (id, _) = await StoreAsync(Ward);

        var error = await Assert.ThrowsAsync<PostgresException>(() =>
            InTransactionAsync(tx => DocumentStore.AttachAsync(tx, [id], "26740.H29-251129-9999", CancellationToken.None)));

        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, error.SqlState);
    }

    [Theory]
    [InlineData("UPDATE documents SET dossier_code = NULL")]
    [InlineData("UPDATE documents SET sha256 = repeat('0', 64)")]
    [InlineData("UPDATE documents SET uploader_agency = '26743.H29'")]
    [InlineData("UPDATE document_chunks SET data = '\\x00'")]
    public async Task Stored_documents_cannot_be_changed_by_sql_either(string sql)
    {
        var (id, _) = await StoreAsync(Ward);
        await DossierAsync("26740.H29-251129-0001");
        await InTransactionAsync(tx => DocumentStore.AttachAsync(tx, [id], "26740.H29-251129-0001", CancellationToken.None));
        await using var connection = await _db.OpenConnectionAsync();

        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(sql));

        Assert.Contains("immutable", error.MessageText, StringComparison.Ordinal);
    }
}

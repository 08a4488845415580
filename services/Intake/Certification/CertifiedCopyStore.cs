using System.Security.Cryptography;
using Dapper;
using Npgsql;

namespace Procedures.Intake.Certification;

/// <summary>A certified copy as stored: its signed facts and signature.</summary>
public sealed record CertifiedCopy(CopyFacts Facts, string Signature);

/// <summary>Certified copies in Intake's database (0005_certified_copies.sql).</summary>
public static class CertifiedCopyStore
{
    private const string Columns = """
        id AS CopyId, document_id AS DocumentId, sha256, owner_id_number AS OwnerIdNumber, officer, agency, certified_at AS CertifiedAt,
        key_id AS KeyId, signature
        """;

    public static Task InsertAsync(NpgsqlTransaction tx, CertifiedCopy copy, string officerClient, CancellationToken ct)
        => tx.Connection!.ExecuteAsync(new CommandDefinition("""
            INSERT INTO certified_copies (id, document_id, sha256, owner_id_number, officer, officer_client, agency, certified_at, key_id, signature)
            VALUES (@CopyId, @DocumentId, @Sha256, @OwnerIdNumber, @Officer, @officerClient, @Agency, @at, @KeyId, @signature)
            """, new
            {
                copy.Facts.CopyId, copy.Facts.DocumentId, copy.Facts.Sha256, copy.Facts.OwnerIdNumber, copy.Facts.Officer, officerClient,
                copy.Facts.Agency, at = copy.Facts.CertifiedAt.ToUniversalTime(), copy.Facts.KeyId, signature = copy.Signature,
            }, tx, cancellationToken: ct));

    public static async Task<CertifiedCopy?> GetAsync(NpgsqlConnection connection, Guid id, CancellationToken ct)
        => (await connection.QueryAsync<Row>(new CommandDefinition($"SELECT {Columns} FROM certified_copies WHERE id = @id",
            new { id }, cancellationToken: ct))).Select(r => r.ToCopy()).SingleOrDefault();

    /// <summary>Copies certified for exactly these bytes (by hash), newest first.</summary>
    public static async Task<IReadOnlyList<CertifiedCopy>> FindBySha256Async(NpgsqlConnection connection, string sha256, CancellationToken ct)
        => (await connection.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM certified_copies WHERE sha256 = @sha256 ORDER BY certified_at DESC LIMIT 10",
            new { sha256 }, cancellationToken: ct))).Select(r => r.ToCopy()).ToList();

    /// <summary>SHA-256 of the stored content of <paramref name="documentId"/>, recomputed chunk by chunk (null: no content).</summary>
    public static async Task<string?> ContentSha256Async(NpgsqlConnection connection, Guid documentId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand("SELECT data FROM document_chunks WHERE document_id = $1 ORDER BY seq", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = documentId });
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, ct);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var any = false;
        while (await reader.ReadAsync(ct))
        {
            any = true;
            hash.AppendData(await reader.GetFieldValueAsync<byte[]>(0, ct));
        }
        return any ? Convert.ToHexStringLower(hash.GetHashAndReset()) : null;
    }

    private sealed record Row(Guid CopyId, Guid DocumentId, string Sha256, string OwnerIdNumber, string Officer, string Agency,
        DateTimeOffset CertifiedAt, string KeyId, string Signature)
    {
        public CertifiedCopy ToCopy() => new(new CopyFacts(CopyId, DocumentId, Sha256, OwnerIdNumber, Officer, Agency, CertifiedAt, KeyId), Signature);
    }
}

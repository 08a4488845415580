using System.Data;
using Npgsql;
using NpgsqlTypes;

namespace Procedures.Intake.Documents;

/// <summary>A document as stored: its metadata, never its content.</summary>
/// <param name="Agency">The uploading agency: with the see-all agencies, the only one that may read the document.</param>
/// <param name="DossierCode">The dossier the document belongs to, or null while it is not attached.</param>
public sealed record DocumentInfo(
    Guid Id, string Sha256, long Size, string MediaType, bool Digitised, string? ComponentCode, string? FileName,
    string Agency, DateTimeOffset UploadedAt, string? DossierCode);

/// <summary>A document to store: everything but the content, which comes as a <see cref="ReceivedFile"/>.</summary>
public sealed record NewDocument(
    Guid Id, string MediaType, bool Digitised, string? ComponentCode, string? FileName,
    string UploaderClient, string UploaderAgency, DateTimeOffset UploadedAt);

/// <summary>A document that already belongs to another dossier.</summary>
public sealed record AttachConflict(Guid Id, string DossierCode);

/// <summary>
/// Outcome of <see cref="DocumentStore.AttachAsync"/>: nothing is attached unless every document was found and
/// free (or already attached to this same dossier).
/// </summary>
public sealed record AttachResult(IReadOnlyList<Guid> Attached, IReadOnlyList<Guid> Missing, IReadOnlyList<AttachConflict> Conflicts)
{
    public bool Succeeded => Missing.Count == 0 && Conflicts.Count == 0;
}

/// <summary>
/// Documents in Intake's database. Visibility is part of every read's WHERE: the uploading agency, or any
/// agency that sees all; anything else is indistinguishable from an unknown id.
/// </summary>
public static class DocumentStore
{
    private const string Columns = """
        d.id, d.sha256, d.size, d.media_type, d.digitised, d.component_code, d.file_name, d.uploader_agency, d.uploaded_at, d.dossier_code
        """;

    /// <summary>Who may use a document in a submission: the uploading agency, or one that sees all.</summary>
    private const string Visible = "(d.uploader_agency = $2 OR $3)";

    /// <summary>
    /// Who may read one: also the parties to the dossier it is attached to (<see cref="Dossiers.DossierAccess"/>), so the
    /// agency deciding a boundary-free dossier reads the documents the receiving ward uploaded.
    /// </summary>
    private static readonly string Readable = $"({Visible} OR {Dossiers.DossierAccess.OfVisibleDossier})";

    /// <summary>
    /// Stores <paramref name="document"/> with the content of <paramref name="file"/> (its size and hash included) in
    /// <paramref name="tx"/>, in one round trip: the metadata row, then one row per chunk, written straight from the
    /// received buffers.
    /// </summary>
    public static async Task InsertAsync(NpgsqlTransaction tx, NewDocument document, ReceivedFile file, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(file);
        if (file.Size == 0) throw new ArgumentException("An empty file cannot be stored.", nameof(file));
        var connection = tx.Connection ?? throw new InvalidOperationException("The transaction has already completed.");

        await using var batch = new NpgsqlBatch(connection, tx);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("""
            INSERT INTO documents (id, sha256, size, media_type, file_name, digitised, component_code,
                                   uploader_client, uploader_agency, uploaded_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """)
        {
            Parameters =
            {
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = document.Id },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = file.Sha256 },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Bigint, Value = file.Size },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = document.MediaType },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)document.FileName ?? DBNull.Value },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Boolean, Value = document.Digitised },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)document.ComponentCode ?? DBNull.Value },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = document.UploaderClient },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = document.UploaderAgency },
                new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = document.UploadedAt.ToUniversalTime() },
            },
        });
        var seq = 0;
        foreach (var chunk in file.Chunks())
        {
            batch.BatchCommands.Add(new NpgsqlBatchCommand("INSERT INTO document_chunks (document_id, seq, data) VALUES ($1, $2, $3)")
            {
                Parameters =
                {
                    new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = document.Id },
                    new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = seq++ },
                    new NpgsqlParameter<ReadOnlyMemory<byte>> { NpgsqlDbType = NpgsqlDbType.Bytea, TypedValue = chunk },
                },
            });
        }
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The document <paramref name="id"/> if <paramref name="agency"/> uploaded it (<paramref name="all"/>: it sees every agency's).</summary>
    public static async Task<DocumentInfo?> GetAsync(NpgsqlTransaction tx, Guid id, string agency, bool all, CancellationToken ct)
        => (await QueryAsync(tx, $"SELECT {Columns} FROM documents d WHERE d.id = $1 AND {Visible}", id, agency, all, ct)).SingleOrDefault();

    /// <summary>The document <paramref name="id"/> if <paramref name="agency"/> may read it: <see cref="GetAsync"/>, or a party to its dossier.</summary>
    public static async Task<DocumentInfo?> ReadAsync(NpgsqlTransaction tx, Guid id, string agency, bool all, CancellationToken ct)
        => (await QueryAsync(tx, $"SELECT {Columns} FROM documents d WHERE d.id = $1 AND {Readable}", id, agency, all, ct)).SingleOrDefault();

    /// <summary>
    /// For a submission that references uploaded documents: those of <paramref name="ids"/> that <paramref name="agency"/>
    /// may see (<paramref name="all"/>: it sees every agency's), in no particular order. Ids that are unknown or belong to
    /// another agency are simply absent, for the caller to report; <see cref="DocumentInfo.DossierCode"/> tells
    /// which are already used by a dossier.
    /// </summary>
    public static async Task<IReadOnlyList<DocumentInfo>> FindForAgencyAsync(
        NpgsqlTransaction tx, IReadOnlyCollection<Guid> ids, string agency, bool all, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0) return [];
        return await QueryAsync(tx, $"SELECT {Columns} FROM documents d WHERE d.id = ANY($1) AND {Visible}", ids.Distinct().ToArray(), agency, all, ct);
    }

    /// <summary>
    /// Marks <paramref name="ids"/> as documents of the dossier <paramref name="dossierCode"/>, which must already be
    /// inserted in <paramref name="tx"/> (or earlier). A document belongs to one dossier only: when any id is unknown
    /// or attached to another dossier, nothing is attached and the result says which (the caller rolls back or
    /// answers). Attaching again to the same dossier is a no-op. The rows stay locked until <paramref name="tx"/> ends,
    /// so two submissions racing for one document cannot both succeed. Visibility is not checked here: call
    /// <see cref="FindForAgencyAsync"/> first.
    /// </summary>
    public static async Task<AttachResult> AttachAsync(NpgsqlTransaction tx, IReadOnlyCollection<Guid> ids, string dossierCode, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentException.ThrowIfNullOrWhiteSpace(dossierCode);
        var wanted = ids.Distinct().ToArray();
        if (wanted.Length == 0) return new([], [], []);
        var connection = tx.Connection ?? throw new InvalidOperationException("The transaction has already completed.");

        // Lock in id order so concurrent attachments of overlapping sets cannot deadlock.
        var current = new Dictionary<Guid, string?>();
        await using (var select = new NpgsqlCommand(
            "SELECT id, dossier_code FROM documents WHERE id = ANY($1) ORDER BY id FOR UPDATE", connection, tx))
        {
            select.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, Value = wanted });
            await using var reader = await select.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                current[reader.GetGuid(0)] = reader.IsDBNull(1) ? null : reader.GetString(1);
        }

        var missing = wanted.Where(id => !current.ContainsKey(id)).ToList();
        var conflicts = wanted
            .Where(id => current.TryGetValue(id, out var code) && code is not null && code != dossierCode)
            .Select(id => new AttachConflict(id, current[id]!))
            .ToList();
        if (missing.Count > 0 || conflicts.Count > 0) return new([], missing, conflicts);

        var free = wanted.Where(id => current[id] is null).ToArray();
        if (free.Length > 0)
        {
            await using var update = new NpgsqlCommand(
                "UPDATE documents SET dossier_code = $1 WHERE id = ANY($2) AND dossier_code IS NULL", connection, tx);
            update.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = dossierCode });
            update.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, Value = free });
            await update.ExecuteNonQueryAsync(ct);
        }
        return new(wanted, [], []);
    }

    /// <summary>
    /// Writes the content of document <paramref name="id"/> to <paramref name="destination"/>, chunk by chunk, if
    /// <paramref name="agency"/> may read it; false (nothing written) otherwise. Reads one chunk row at a time.
    /// </summary>
    public static async Task<bool> CopyContentAsync(
        NpgsqlDataSource db, Guid id, string agency, bool all, Stream destination, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(destination);
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand($"""
            SELECT c.data FROM document_chunks c JOIN documents d ON d.id = c.document_id
            WHERE c.document_id = $1 AND {Readable}
            ORDER BY c.seq
            """, connection);
        AddVisibility(command.Parameters, id, agency, all);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, ct);
        var found = false;
        while (await reader.ReadAsync(ct))
        {
            found = true;
            await using var chunk = await reader.GetStreamAsync(0, ct);
            await chunk.CopyToAsync(destination, ct);
        }
        return found;
    }

    private static async Task<IReadOnlyList<DocumentInfo>> QueryAsync(
        NpgsqlTransaction tx, string sql, object key, string agency, bool all, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        ArgumentNullException.ThrowIfNull(agency);
        var connection = tx.Connection ?? throw new InvalidOperationException("The transaction has already completed.");
        await using var command = new NpgsqlCommand(sql, connection, tx);
        AddVisibility(command.Parameters, key, agency, all);
        var documents = new List<DocumentInfo>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            documents.Add(new DocumentInfo(
                reader.GetGuid(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3), reader.GetBoolean(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.GetString(7), reader.GetFieldValue<DateTimeOffset>(8), reader.IsDBNull(9) ? null : reader.GetString(9)));
        }
        return documents;
    }

    /// <summary>$1 the id (or id array), $2 the caller's agency, $3 whether it sees all agencies.</summary>
    private static void AddVisibility(NpgsqlParameterCollection parameters, object key, string agency, bool all)
    {
        parameters.Add(key is Guid[]
            ? new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid, Value = key }
            : new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Uuid, Value = key });
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = agency });
        parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Boolean, Value = all });
    }
}

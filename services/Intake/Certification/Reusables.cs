using Dapper;
using Npgsql;
using Procedures.Contracts;

namespace Procedures.Intake.Certification;

/// <summary>Something a later dossier can reuse by reference: a certified copy (by its id) or an electronic result (by its code).</summary>
public sealed record Reusable(string Reference, string Kind, string OwnerIdNumber, Guid? DocumentId, string? FileName, string? Sha256)
{
    public const string CertifiedCopy = "certified-copy";
    public const string ElectronicResult = "electronic-result";
}

/// <summary>
/// Looks reusable documents up for a submission. Ownership is the applicant's ID number (CCCD or tax code): a reference
/// owned by someone else is answered exactly like an unknown one, so a submission cannot probe other people's documents.
/// Reuse crosses agencies on purpose (a citizen reuses a copy certified at one commune in a dossier at another);
/// the content itself stays readable only by the agency that stored it.
/// </summary>
public static class Reusables
{
    public static async Task<IReadOnlyDictionary<string, Reusable>> FindAsync(NpgsqlTransaction tx, IReadOnlyCollection<string> references,
        string ownerIdNumber, CancellationToken ct)
    {
        if (references.Count == 0) return new Dictionary<string, Reusable>();
        var ids = references.Select(r => Guid.TryParse(r, out var g) ? g : (Guid?)null).Where(g => g is not null).Select(g => g!.Value).ToArray();
        var rows = await tx.Connection!.QueryAsync<Reusable>(new CommandDefinition("""
            SELECT c.id::text AS Reference, 'certified-copy' AS Kind, c.owner_id_number AS OwnerIdNumber, c.document_id AS DocumentId,
                   d.file_name AS FileName, c.sha256
            FROM certified_copies c JOIN documents d ON d.id = c.document_id
            WHERE c.id = ANY(@ids) AND c.owner_id_number = @owner
            UNION ALL
            SELECT code, 'electronic-result', owner_id_number, NULL::uuid, name, NULL
            FROM electronic_results WHERE code = ANY(@codes) AND owner_id_number = @owner
            """, new { ids, codes = references.ToArray(), owner = ownerIdNumber }, tx, cancellationToken: ct));
        var found = new Dictionary<string, Reusable>(StringComparer.Ordinal);
        foreach (var row in rows)
            foreach (var reference in references.Where(r => Same(r, row)))
                found[reference] = row;
        return found;
    }

    /// <summary>Records the reuses of a submission and publishes them (same transaction as the dossier).</summary>
    public static async Task RecordAsync(NpgsqlTransaction tx, string dossierCode, string receivingUnit,
        IEnumerable<(string Component, Reusable Item)> reuses, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var (component, item) in reuses)
        {
            await tx.Connection!.ExecuteAsync(new CommandDefinition("""
                INSERT INTO document_reuses (dossier_code, component_code, reference, kind, reused_at)
                VALUES (@dossierCode, @component, @Reference, @Kind, @now) ON CONFLICT DO NOTHING
                """, new { dossierCode, component, item.Reference, item.Kind, now = now.ToUniversalTime() }, tx, cancellationToken: ct));
            await Messaging.Outbox.Outbox.PublishAsync(tx, new DocumentReused(dossierCode, component, item.Reference, item.Kind, receivingUnit, now), ct);
        }
    }

    private static bool Same(string reference, Reusable row)
        => row.Kind == Reusable.CertifiedCopy
            ? Guid.TryParse(reference, out var g) && g.ToString() == row.Reference
            : reference == row.Reference;
}

using Npgsql;
using Procedures.Contracts;
using Procedures.Intake.Certification;
using Procedures.Intake.Documents;
using Procedures.ServiceDefaults;

namespace Procedures.Intake.Dossiers;

/// <summary>
/// A dossier component (thành phần hồ sơ): an uploaded document referenced by id, or a document reused by
/// reference (an earlier result or certified copy, or the citizen's data store) instead of a new upload.
/// </summary>
public sealed record DocumentReference(string? ComponentCode, Guid? DocumentId, string? ReusedFrom, bool? FromCitizenStore);

public static class DocumentReferences
{
    public const int MaxDocuments = 100;

    public static IReadOnlyList<DocumentReference> Normalize(IReadOnlyList<DocumentReference>? refs, List<FieldError> errors)
    {
        if (refs is null) return [];
        if (refs.Count > MaxDocuments)
        {
            errors.Add(new("documents", "max-items", $"Tối đa {MaxDocuments} giấy tờ", $"At most {MaxDocuments} documents"));
            return [];
        }
        var clean = new List<DocumentReference>(refs.Count);
        for (var i = 0; i < refs.Count; i++)
        {
            var field = $"documents[{i}]";
            var r = refs[i];
            if (r is null)
            {
                errors.Add(new(field, "required", "Giấy tờ không được để trống", "A document entry cannot be null"));
                continue;
            }
            var component = TextInput.Clean(r.ComponentCode, $"{field}.componentCode", errors);
            var reused = TextInput.Clean(r.ReusedFrom, $"{field}.reusedFrom", errors);
            if (string.IsNullOrEmpty(component) || component.Length > 50)
                errors.Add(new($"{field}.componentCode", "required", "Mã thành phần hồ sơ là bắt buộc (tối đa 50 ký tự)", "The component code is required (at most 50 characters)"));
            if ((r.DocumentId is null) == string.IsNullOrEmpty(reused))
                errors.Add(new(field, "one-source", "Mỗi giấy tờ cần đúng một nguồn: documentId hoặc reusedFrom", "Each document needs exactly one source: documentId or reusedFrom"));
            if (reused is { Length: > 200 })
                errors.Add(new($"{field}.reusedFrom", "max-length", "Tham chiếu tối đa 200 ký tự", "The reference has at most 200 characters"));
            clean.Add(new DocumentReference(component, r.DocumentId, reused, r.FromCitizenStore ?? false));
        }
        var duplicates = clean.Where(d => d.DocumentId is not null).GroupBy(d => d.DocumentId).Where(g => g.Count() > 1).Select(g => g.Key);
        foreach (var id in duplicates)
            errors.Add(new("documents", "duplicate-document", $"Giấy tờ {id} được tham chiếu nhiều lần", $"Document {id} is referenced more than once"));
        return clean;
    }

    /// <summary>
    /// Resolves uploaded documents visible to the caller's agency and attaches them to the dossier inside the
    /// submission transaction. Errors name the entry; on any error the caller rolls back (nothing half-written).
    /// </summary>
    public static async Task<IReadOnlyList<SubmittedDocument>> AttachAsync(
        NpgsqlTransaction tx, IReadOnlyList<DocumentReference> refs, string dossierCode, string agency, bool all,
        List<FieldError> errors, CancellationToken ct, Reuse? reuse = null)
    {
        // Reuse by reference: a certified copy or an electronic result of an earlier dossier (RegisterResults) must be one
        // Intake holds for the applicant; unknown and someone else's are refused alike (no probing of other people's
        // documents). A reference taken from the citizen store was checked there (CitizenStoreCheck) and needs no copy
        // here; when Intake holds it for the applicant too, the reuse is recorded with what Intake knows of it.
        var reused = new Dictionary<string, Reusable>(StringComparer.Ordinal);
        if (refs.Any(r => r.ReusedFrom is { Length: > 0 }))
        {
            var references = refs.Where(r => r.ReusedFrom is { Length: > 0 }).Select(r => r.ReusedFrom!).Distinct().ToList();
            if (reuse is { ApplicantIdNumber.Length: > 0 })
                reused = new Dictionary<string, Reusable>(await Reusables.FindAsync(tx, references, reuse.ApplicantIdNumber, ct), StringComparer.Ordinal);
            for (var i = 0; i < refs.Count; i++)
                if (refs[i] is { ReusedFrom: { Length: > 0 } reference, FromCitizenStore: not true } && !reused.ContainsKey(reference))
                    errors.Add(NotReusable($"documents[{i}].reusedFrom"));
            if (errors.Count > 0) return [];
        }
        var ids = refs.Where(r => r.DocumentId is not null).Select(r => r.DocumentId!.Value).ToList();
        var found = ids.Count == 0 ? [] : (await DocumentStore.FindForAgencyAsync(tx, ids, agency, all, ct)).ToDictionary(d => d.Id);
        for (var i = 0; i < refs.Count; i++)
        {
            if (refs[i].DocumentId is not { } id) continue;
            if (!found.TryGetValue(id, out var doc))
                errors.Add(new($"documents[{i}].documentId", "unknown-document", "Không tìm thấy giấy tờ đã tải lên", "No uploaded document with this id"));
            else if (doc.DossierCode is not null)
                errors.Add(new($"documents[{i}].documentId", "document-already-used", "Giấy tờ đã thuộc hồ sơ khác", "The document already belongs to another dossier"));
        }
        if (errors.Count > 0) return [];
        if (ids.Count > 0)
        {
            var attached = await DocumentStore.AttachAsync(tx, ids, dossierCode, ct);
            foreach (var conflict in attached.Conflicts) // lost a race with a concurrent submission
                errors.Add(new("documents", "document-already-used", $"Giấy tờ {conflict.Id} đã thuộc hồ sơ khác", $"Document {conflict.Id} already belongs to another dossier"));
            if (!attached.Succeeded && errors.Count == 0)
                errors.Add(new("documents", "unknown-document", "Không tìm thấy giấy tờ đã tải lên", "An uploaded document was not found"));
            if (errors.Count > 0) return [];
        }
        if (reuse is not null && reused.Count > 0)
            await Reusables.RecordAsync(tx, dossierCode, reuse.ReceivingUnit,
                refs.Where(r => r.ReusedFrom is { } x && reused.ContainsKey(x)).Select(r => (r.ComponentCode!, reused[r.ReusedFrom!])), reuse.At, ct);
        return refs.Select(r => r.DocumentId is { } id
                ? new SubmittedDocument(r.ComponentCode!, id, found[id].FileName, found[id].Digitised, Reused: false, FromCitizenStore: false, found[id].Sha256)
                : reused.TryGetValue(r.ReusedFrom!, out var item)
                    ? new SubmittedDocument(r.ComponentCode!, item.DocumentId, item.FileName, Digitised: true, Reused: true, r.FromCitizenStore ?? false, item.Sha256)
                    : new SubmittedDocument(r.ComponentCode!, null, null, Digitised: true, Reused: true, r.FromCitizenStore ?? false, null))
            .ToList();
    }

    public static FieldError NotReusable(string field) => new(field, "not-reusable",
        "Không có bản sao chứng thực hoặc kết quả điện tử của chủ hồ sơ với tham chiếu này",
        "The applicant has no certified copy or electronic result with this reference");

    /// <summary>Who reuses (the applicant's ID number), at which unit and when: reuses are checked, recorded and evented.</summary>
    public sealed record Reuse(string ApplicantIdNumber, string ReceivingUnit, DateTimeOffset At);
}

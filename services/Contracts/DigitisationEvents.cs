namespace Procedures.Contracts;

// Digitisation events (issue 10): electronic certified copies, reuse by reference, results in the citizen's data store.
// They carry no personal data (no ID numbers, names or file content): Reporting counts them, PortalSync and Intake act on them.

/// <summary>An officer of <see cref="Agency"/> certified a digitised copy against the presented original (chứng thực bản sao điện tử).</summary>
public sealed record CopyCertified(Guid CopyId, string Agency, DateTimeOffset CertifiedAt, string KeyId);

/// <summary>
/// A submission reused, by reference and without a new upload, a certified copy (<c>certified-copy</c>) or an electronic
/// result (<c>electronic-result</c>) of the same applicant.
/// </summary>
public sealed record DocumentReused(string DossierCode, string ComponentCode, string Reference, string Kind, string ReceivingUnit,
    DateTimeOffset ReusedAt);

/// <summary>The national portal acknowledged an electronic result of the dossier in the applicant's data store.</summary>
public sealed record ResultStoredForCitizen(string DossierCode, string ResultCode, DateTimeOffset StoredAt);

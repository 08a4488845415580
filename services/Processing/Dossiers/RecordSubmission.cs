using Procedures.Contracts;
using Procedures.Messaging.Inbox;
using Procedures.Processing.Calendar;

namespace Procedures.Processing.Dossiers;

/// <summary>
/// Records a submitted dossier and announces its first status event, both as <see cref="DossierDecisions.Submit"/> decides.
/// Keeps what the receipt (form 01) and the public lookup need; of the applicant's ID only a hash with its last 4 digits.
/// </summary>
public sealed class RecordSubmission(ConsumerServices services, CalendarProvider calendars) : IdempotentConsumer<DossierSubmitted>(services)
{
    protected override async Task HandleAsync(DossierSubmitted message, ConsumeScope<DossierSubmitted> scope, CancellationToken ct)
    {
        var calendar = await calendars.GetAsync(ct);
        var submitted = DossierDecisions.Submit(message, calendar);
        var documents = (message.Documents ?? []).Select(d => new ReceivedDocument(d.ComponentCode, d.FileName, d.Reused || d.FromCitizenStore,
            d.ComponentName));
        await DossierRecords.InsertAsync(scope.Transaction, submitted, message, documents,
            PublicLookup.Hash(message.DossierCode, message.Applicant?.IdNumber), ct);
    }
}

/// <summary>
/// A document listed on the receipt (form 01): its component (code and, when the submission named it, name), file name, and
/// whether it was reused rather than handed in.
/// </summary>
public sealed record ReceivedDocument(string ComponentCode, string? FileName, bool Reused, string? ComponentName = null);

using Npgsql;
using Procedures.Contracts;
using Procedures.PortalSync.Ledger;

namespace Procedures.Services.Tests;

/// <summary>
/// Seeds PortalSync's ledger through its own store (<see cref="LedgerStore"/>): the statements its consumers and its worker
/// run, never a copy of them, so a test's ledger has exactly the shape the product gives it.
/// </summary>
internal static class LedgerSeed
{
    /// <summary>A submission as Intake announces it (channel online, unit 38.98.H29 unless given).</summary>
    public static DossierSubmitted Submission(string code, DateTimeOffset submittedAt, string applicantName = "Lê Văn Cường",
        string receivingUnit = "38.98.H29", SubmissionChannel channel = SubmissionChannel.Online, string? decidingAgency = null,
        ApplicantIdentity? applicant = null)
        => new(code, "1.000948.H29", receivingUnit, channel, applicantName, submittedAt, applicant, DecidingAgency: decidingAgency);

    /// <summary>What <see cref="ProjectDossier"/> does when DossierSubmitted arrives.</summary>
    public static Task SubmittedAsync(NpgsqlDataSource db, DossierSubmitted m)
        => db.InTransactionAsync(tx => LedgerStore.ProjectSubmissionAsync(tx, m, CancellationToken.None));

    /// <summary>What <see cref="RecordStatusEvent"/> does when a status event arrives at <paramref name="now"/>.</summary>
    public static Task StatusAsync(NpgsqlDataSource db, DossierStatusChanged m, DateTimeOffset now)
        => db.InTransactionAsync(tx => LedgerStore.RecordStatusEventAsync(tx, m, now, CancellationToken.None));

    /// <summary>
    /// Status events 1..<paramref name="sequence"/> recorded (each "received" past the first) and, when
    /// <paramref name="acked"/> &gt; 0, the portal's acknowledgement up to it as the worker stores it (with its DossierSynced).
    /// </summary>
    public static async Task StepsAsync(NpgsqlDataSource db, string code, long sequence, long acked, DateTimeOffset at)
    {
        for (var s = 1L; s <= sequence; s++)
            await StatusAsync(db, new DossierStatusChanged(code, s, s == 1 ? DossierStatus.Submitted : DossierStatus.Received, at, null), at);
        if (acked > 0)
            await AcknowledgedAsync(db, code, acked, acked == 1 ? DossierStatus.Submitted : DossierStatus.Received, at,
                pendingSince: sequence > acked ? at : null);
    }

    /// <summary>
    /// The portal acknowledged the dossier up to <paramref name="sequence"/> (at <paramref name="status"/>), as the worker
    /// stores it, with its DossierSynced; <paramref name="pendingSince"/>: a newer step is known and waits since then.
    /// </summary>
    public static Task AcknowledgedAsync(NpgsqlDataSource db, string code, long sequence, DossierStatus status, DateTimeOffset at,
        DateTimeOffset? pendingSince = null)
        => db.InTransactionAsync(tx => LedgerStore.ApplyAsync(tx, new Acknowledge(code, sequence, (short)status, at, pendingSince,
            new DossierSynced(code, sequence, at)), CancellationToken.None));

    /// <summary>The portal refused the dossier's content: parked as failed, as the worker stores a rejection.</summary>
    public static Task RejectedAsync(NpgsqlDataSource db, string code, string error, DateTimeOffset at)
        => db.InTransactionAsync(tx => LedgerStore.ApplyAsync(tx, new Reject(code, RecordHeld: false, Attempts: 1, error, at),
            CancellationToken.None));

    /// <summary>What <see cref="QueueCitizenStore"/> does with a returned dossier's electronic result.</summary>
    public static Task ResultQueuedAsync(NpgsqlDataSource db, DossierStatusChanged returned, ResultDocument result)
        => db.InTransactionAsync(tx => LedgerStore.QueueCitizenStoreAsync(tx, returned, result, CancellationToken.None));
}

using Procedures.Contracts;
using Procedures.Messaging.CatchUp;
using Procedures.Messaging.Inbox;

namespace Procedures.Payment.CatchUp;

/// <summary>
/// Compares Intake's digest of submitted codes with Payment's dossiers (each with the fees it carried): a code missing here
/// lost its DossierSubmitted, so its fees are unknown and no payment could be requested when Processing asks for one.
/// Intake is asked for it again (DossierSubmissionRequested, answered by Intake's ResendSubmission).
/// </summary>
public sealed class CompareSubmittedWithFees(ConsumerServices services, ILogger<CompareSubmittedWithFees> logger)
    : AskForMissing<DossiersSubmittedDigest, DossierSubmissionRequested>(services, logger)
{
    /// <summary>
    /// The class was CompareSubmissions: its inbox rows and its queue keep that name, so digests applied before the rename
    /// stay applied and no queue is left bound to the digest, filling with nobody reading it.
    /// </summary>
    public const string InboxName = "CompareSubmissions";

    /// <inheritdoc cref="InboxName"/>
    public const string QueueName = "payment-compare-submissions";

    protected override string ConsumerName => InboxName;
    protected override string KeyTable => "payment_dossiers";
    protected override IReadOnlyList<string> KeysOf(DossiersSubmittedDigest digest) => digest.Codes;
    protected override DossierSubmissionRequested Ask(string key, DateTimeOffset now) => new(key, ResourceNames.Payment, now);
}

using Procedures.Contracts;
using Procedures.Messaging.CatchUp;
using Procedures.Messaging.Inbox;

namespace Procedures.Processing.CatchUp;

/// <summary>
/// Compares Intake's digest of submitted codes with Processing's dossiers: a code missing here lost its DossierSubmitted,
/// so its clock never started and no desk would ever receive it. Intake is asked for it again (DossierSubmissionRequested,
/// answered by Intake's ResendSubmission).
/// </summary>
public sealed class CompareSubmittedWithDossiers(ConsumerServices services, ILogger<CompareSubmittedWithDossiers> logger)
    : AskForMissing<DossiersSubmittedDigest, DossierSubmissionRequested>(services, logger)
{
    /// <summary>
    /// The class was CompareSubmissions: its inbox rows and its queue keep that name, so digests applied before the rename
    /// stay applied and no queue is left bound to the digest, filling with nobody reading it.
    /// </summary>
    public const string InboxName = "CompareSubmissions";

    /// <inheritdoc cref="InboxName"/>
    public const string QueueName = "processing-compare-submissions";

    protected override string ConsumerName => InboxName;
    protected override string KeyTable => "dossiers";
    protected override IReadOnlyList<string> KeysOf(DossiersSubmittedDigest digest) => digest.Codes;
    protected override DossierSubmissionRequested Ask(string key, DateTimeOffset now) => new(key, ResourceNames.Processing, now);
}

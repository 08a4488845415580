using Procedures.Contracts;
using Procedures.Messaging.Inbox;

namespace Procedures.Processing.Dossiers;

/// <summary>
/// A submitted code missing here lost its DossierSubmitted: its clock never started and no desk would ever receive it.
/// Intake is asked for it again (see <see cref="AskForLostSubmissions"/>).
/// </summary>
public sealed class CompareSubmissions(ConsumerServices services, ILogger<CompareSubmissions> logger) : AskForLostSubmissions(services, logger)
{
    protected override string DossierTable => "dossiers";
    protected override string Requester => ResourceNames.Processing;
}

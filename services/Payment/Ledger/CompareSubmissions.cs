using Procedures.Contracts;
using Procedures.Messaging.Inbox;

namespace Procedures.Payment.Ledger;

/// <summary>
/// A submitted code missing here lost its DossierSubmitted: its fees are unknown, so no payment could be requested when
/// Processing asks for one. Intake is asked for it again (see <see cref="AskForLostSubmissions"/>).
/// </summary>
public sealed class CompareSubmissions(ConsumerServices services, ILogger<CompareSubmissions> logger) : AskForLostSubmissions(services, logger)
{
    protected override string DossierTable => "payment_dossiers";
    protected override string Requester => ResourceNames.Payment;
}

using Procedures.Contracts;
using Procedures.Messaging.Inbox;

namespace Procedures.PortalSync.Ledger;

/// <summary>Keeps the facts the portal payload needs from DossierSubmitted.</summary>
public sealed class ProjectDossier(ConsumerServices services) : IdempotentConsumer<DossierSubmitted>(services)
{
    protected override Task HandleAsync(DossierSubmitted m, ConsumeScope<DossierSubmitted> scope, CancellationToken ct)
        => LedgerStore.ProjectSubmissionAsync(scope.Transaction, m, ct);
}

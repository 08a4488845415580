using Procedures.Contracts;
using Procedures.Messaging.Inbox;
using Procedures.PortalSync.Ledger;

namespace Procedures.PortalSync.CatchUp;

/// <summary>
/// Compares Processing's digest of newest sequences (DossierHeadsDigest) with the ledger. A dossier known here at an older
/// sequence lost its newest step(s): its known sequence is raised, so the ledger shows a gap, and the gap catch-up asks
/// Processing for the missing steps once they are overdue (<see cref="SyncOptions.GapGrace"/>). A dossier unknown here
/// (its DossierSubmitted lost too) gets a row without data, which counts in the sync backlog. Comparing is idempotent: a
/// digest applied twice raises nothing more.
/// </summary>
public sealed partial class CompareHeads(ConsumerServices services, TimeProvider time, ILogger<CompareHeads> logger)
    : IdempotentConsumer<DossierHeadsDigest>(services)
{
    protected override async Task HandleAsync(DossierHeadsDigest m, ConsumeScope<DossierHeadsDigest> scope, CancellationToken ct)
    {
        var raised = await LedgerStore.RaiseHeadsAsync(scope.Transaction, m.Heads, time.GetUtcNow(), ct);
        if (raised.Count == 0) return;
        SyncMetrics.HeadsLost(raised.Count);
        LogRaised(raised.Count, string.Join(", ", raised.Take(20)));
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Processing's digest shows {Count} dossier(s) whose newest status event never arrived here (first: {Codes}); they wait for the gap catch-up")]
    private partial void LogRaised(int count, string codes);
}

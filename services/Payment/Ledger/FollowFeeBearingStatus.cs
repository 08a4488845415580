using Dapper;
using Procedures.Contracts;
using Procedures.Messaging.Inbox;

namespace Procedures.Payment.Ledger;

/// <summary>
/// Reacts to the status of a dossier with fees (Processing sends Payment only those dossiers' steps, FeeBearingStatusChanged;
/// a dossier without fees has nothing to pay or refund): 6 (waiting for payment) creates the payment request (or,
/// if it was already paid up front, announces the payment again so Processing can move on); 3 (refused), 7 (withdrawn)
/// or 8 (stopped) after a successful payment starts a refund. Every step is kept as the dossier's last status, which the
/// payment endpoints check. (Its queue is new: the one before, payment-follow-status, took every dossier's every step.)
/// </summary>
public sealed class FollowFeeBearingStatus(ConsumerServices services, Microsoft.Extensions.Options.IOptions<PaymentOptions> options)
    : IdempotentConsumer<FeeBearingStatusChanged>(services)
{
    public const string AtPaymentRequest = "status-6";

    private sealed record Dossier(long TotalVnd, long LastSequence);

    protected override async Task HandleAsync(FeeBearingStatusChanged m, ConsumeScope<FeeBearingStatusChanged> scope, CancellationToken ct)
    {
        var dossier = await scope.Connection.QuerySingleOrDefaultAsync<Dossier>(new CommandDefinition(
            "SELECT total_vnd AS TotalVnd, last_sequence AS LastSequence FROM payment_dossiers WHERE code = @DossierCode FOR UPDATE",
            new { m.DossierCode }, scope.Transaction, cancellationToken: ct));
        if (dossier is null)
        {
            // Fees arrive with DossierSubmitted (another publisher, another queue): only the statuses that need them wait for it.
            if (m.Status == DossierStatus.AwaitingPayment || PaymentLedger.RefundsOnStatus(m.Status))
                throw new InvalidOperationException($"Fees of {m.DossierCode} are not known yet; retried later.");
            return;
        }
        if (m.Sequence <= dossier.LastSequence) return; // an older status event arriving late changes nothing
        await scope.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE payment_dossiers SET last_status = @status, last_sequence = @Sequence WHERE code = @DossierCode",
            new { status = (short)m.Status, m.Sequence, m.DossierCode }, scope.Transaction, cancellationToken: ct));

        var now = Services.Time.GetUtcNow();
        var live = await PaymentLedger.LiveAsync(scope.Transaction, m.DossierCode, ct);
        switch (m.Status)
        {
            case DossierStatus.AwaitingPayment when dossier.TotalVnd > 0:
                if (live is null)
                    await PaymentLedger.CreateAsync(scope.Transaction, m.DossierCode, dossier.TotalVnd, AtPaymentRequest, now, ct);
                else if (live.State == PaymentStates.Succeeded)
                    await PaymentLedger.RepublishSuccessAsync(scope.Transaction, live.Reference, ct);
                break;
            case var status when PaymentLedger.RefundsOnStatus(status) && live is { State: PaymentStates.Succeeded }:
                await PaymentLedger.ApplyAsync(scope.Transaction, live.Reference, Outcome.RefundRequested,
                    new OutcomeFacts(Reason: PaymentLedger.RefundReason((short)m.Status)), now, options.Value.PaidOnlineChannel, ct);
                break;
        }
    }
}

namespace Procedures.Contracts;

// Payment's integration events. Processing moves 6 → 4 on PaymentSucceeded or PaymentRecordedAtDesk; PortalSync sends the paid-online flag;
// Reporting counts fee-bearing dossiers paid online.

/// <summary>Where a fee was paid online (DuocThanhToanTrucTuyen): 1 on the national portal, 2 via the local gateway.</summary>
public static class PaidOnlineChannel
{
    public const int NationalPortal = 1;
    public const int LocalGateway = 2;
}

/// <summary>A payment request was created at the payment platform; <see cref="PaymentUrl"/> is where the citizen pays.</summary>
public sealed record PaymentRequested(string DossierCode, string Reference, long AmountVnd, string PaymentUrl, DateTimeOffset RequestedAt);

/// <summary>The platform confirmed the payment (first final state; later callbacks change nothing).</summary>
public sealed record PaymentSucceeded(string DossierCode, string Reference, string TransactionId, long AmountVnd, DateTimeOffset PaidAt,
    int PaidOnline);

/// <summary>The payment failed, was abandoned or expired; <see cref="Reason"/> says which.</summary>
public sealed record PaymentFailed(string DossierCode, string Reference, string Reason, DateTimeOffset FailedAt);

/// <summary>A paid fee was refunded because the dossier was refused, stopped or withdrawn after payment.</summary>
public sealed record PaymentRefunded(string DossierCode, string Reference, long AmountVnd, string Reason, DateTimeOffset RefundedAt);

/// <summary>Where a fee paid at the desk was paid: cash over the counter or a bank transfer to the agency's account.</summary>
public static class DeskPaymentMethod
{
    public const string Cash = "cash";
    public const string BankTransfer = "bank-transfer";

    public static readonly IReadOnlyList<string> All = [Cash, BankTransfer];
}

/// <summary>
/// The desk recorded a fee paid in cash or by bank transfer, with its receipt. Not an online payment: it never sets
/// DuocThanhToanTrucTuyen and does not count as paid online. Processing treats the fee as paid (6 → 4).
/// </summary>
public sealed record PaymentRecordedAtDesk(string DossierCode, string Reference, string ReceiptNumber, string Method, long AmountVnd,
    DateTimeOffset PaidAt, string RecordedBy);

using Procedures.Contracts;

namespace Procedures.Payment;

/// <summary>Payment's tunables; section "Payment".</summary>
public sealed class PaymentOptions
{
    public const string Section = "Payment";

    /// <summary>
    /// Procedure codes whose fees are paid up front, when the dossier is submitted, rather than when Processing asks
    /// for payment (status 6). Empty by default: every fee is requested at status 6.
    /// </summary>
    public string[] PayableAtSubmission { get; set; } = [];

    /// <summary>A pending payment older than this is checked with the platform's QUERY (a callback may have been lost).</summary>
    public TimeSpan ReconcileAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often a pending payment is asked about again once reconciliation has started on it.</summary>
    public TimeSpan ReconcileEvery { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A payment still unpaid at the platform this long after its request is cancelled (PaymentFailed "expired").</summary>
    public TimeSpan ExpireAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>DuocThanhToanTrucTuyen of payments made through this platform (1 national portal, 2 local gateway).</summary>
    public int PaidOnlineChannel { get; set; } = Contracts.PaidOnlineChannel.NationalPortal;

    /// <summary>Fallback look for due work: new work wakes the workers at once (LISTEN/NOTIFY); this finds work due by time.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public int Workers { get; set; } = 2;

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    public bool IsPayableAtSubmission(string procedureCode) => PayableAtSubmission.Contains(procedureCode, StringComparer.Ordinal);
}

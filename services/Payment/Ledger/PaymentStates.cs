namespace Procedures.Payment.Ledger;

/// <summary>What the platform (a callback or a QUERY answer) or our own clock says about a payment.</summary>
public enum Outcome
{
    /// <summary>INIT answered with the pay URL.</summary>
    Initiated,
    Succeeded,
    Failed,
    /// <summary>Still unpaid past the configured age (reconciliation).</summary>
    Expired,
    /// <summary>The dossier was refused or stopped after payment.</summary>
    RefundRequested,
    /// <summary>The platform confirmed the refund.</summary>
    Refunded,
}

/// <summary>How an outcome lands on a payment in a given state.</summary>
public enum Effect
{
    /// <summary>The state changes to <see cref="Transition.To"/>.</summary>
    Apply,
    /// <summary>Already in the state the outcome leads to (a duplicate callback, a replayed answer): nothing changes.</summary>
    Duplicate,
    /// <summary>The payment already reached another final state (first final state wins): nothing changes, the conflict is reported.</summary>
    Conflict,
}

public sealed record Transition(Effect Effect, string From, string? To);

/// <summary>
/// The payment state machine, pure. new → pending → succeeded | failed | expired; new → succeeded | failed (a callback that
/// overtakes INIT's answer); succeeded → refunding → refunded. Callers apply <see cref="Effect.Apply"/> with a conditional
/// UPDATE on <see cref="Transition.From"/>, so of two concurrent outcomes only the first commits.
/// </summary>
public static class PaymentStates
{
    public const string New = "new";
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Expired = "expired";
    public const string Refunding = "refunding";
    public const string Refunded = "refunded";

    public static readonly IReadOnlyList<string> All = [New, Pending, Succeeded, Failed, Expired, Refunding, Refunded];

    /// <summary>States in which the dossier's fee counts as paid.</summary>
    public static bool IsPaid(string state) => state is Succeeded or Refunding or Refunded;

    /// <summary>
    /// A success reported with another amount than requested is not applied (a callback or a QUERY answer alike): it is
    /// answered as a conflict and kept for a person.
    /// </summary>
    public static bool AmountDiffers(Outcome outcome, long? reportedVnd, long requestedVnd)
        => outcome == Outcome.Succeeded && reportedVnd is { } reported && reported != requestedVnd;

    public static Transition Decide(string state, Outcome outcome)
    {
        string? to = (state, outcome) switch
        {
            (New, Outcome.Initiated) => Pending,
            (New or Pending, Outcome.Succeeded) => Succeeded,
            (New or Pending, Outcome.Failed) => Failed,
            (Pending, Outcome.Expired) => Expired,
            (Succeeded, Outcome.RefundRequested) => Refunding,
            (Refunding, Outcome.Refunded) => Refunded,
            _ => null,
        };
        if (to is not null) return new(Effect.Apply, state, to);
        var duplicate = (state, outcome) switch
        {
            (Pending or Succeeded or Failed or Expired or Refunding or Refunded, Outcome.Initiated) => true,
            (Succeeded or Refunding or Refunded, Outcome.Succeeded) => true,
            (Failed or Expired, Outcome.Failed or Outcome.Expired) => true,
            (Refunding or Refunded, Outcome.RefundRequested) => true,
            (Refunded, Outcome.Refunded) => true,
            (New or Pending or Failed or Expired, Outcome.RefundRequested) => true, // nothing was paid: nothing to refund
            _ => false,
        };
        return new(duplicate ? Effect.Duplicate : Effect.Conflict, state, null);
    }
}

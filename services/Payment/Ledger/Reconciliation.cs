using Procedures.Payment.Platform;

namespace Procedures.Payment.Ledger;

public sealed record LocalEntry(string Reference, long AmountVnd, string State, string? TransactionId);

public sealed record PlatformEntry(string Reference, long AmountVnd, string State, string? TransactionId);

/// <summary>One difference between the ledgers: kind is missing-locally, missing-at-platform, state, amount or transaction.</summary>
public sealed record Difference(string Reference, string Kind, string? LocalState, string? PlatformState, long? LocalAmountVnd,
    long? PlatformAmountVnd, string? LocalTransactionId, string? PlatformTransactionId);

/// <summary>Compares the local ledger with the platform's for one day, pure. Every difference is listed.</summary>
public static class Reconciliation
{
    /// <summary>The platform states that agree with a local state (null = the platform not knowing it agrees).</summary>
    public static IReadOnlyList<string?> Agreeing(string localState) => localState switch
    {
        PaymentStates.New => [null, PlatformProtocol.Created], // INIT not answered yet: it may or may not have arrived
        PaymentStates.Pending => [PlatformProtocol.Created],
        PaymentStates.Succeeded or PaymentStates.Refunding => [PlatformProtocol.Succeeded],
        PaymentStates.Refunded => [PlatformProtocol.Refunded],
        PaymentStates.Failed => [PlatformProtocol.Failed],
        PaymentStates.Expired => [PlatformProtocol.Created, PlatformProtocol.Failed], // never paid; the platform may not have timed it out
        _ => [],
    };

    public static IReadOnlyList<Difference> Compare(IEnumerable<LocalEntry> local, IEnumerable<PlatformEntry> platform)
    {
        var ours = local.ToDictionary(e => e.Reference, StringComparer.Ordinal);
        var theirs = platform.ToDictionary(e => e.Reference, StringComparer.Ordinal);
        var differences = new List<Difference>();
        foreach (var reference in ours.Keys.Union(theirs.Keys).Order(StringComparer.Ordinal))
        {
            var l = ours.GetValueOrDefault(reference);
            var p = theirs.GetValueOrDefault(reference);
            Difference Of(string kind) => new(reference, kind, l?.State, p?.State, l?.AmountVnd, p?.AmountVnd, l?.TransactionId, p?.TransactionId);
            if (l is null)
                differences.Add(Of("missing-locally"));
            else if (!Agreeing(l.State).Contains(p?.State))
                differences.Add(Of(p is null ? "missing-at-platform" : "state"));
            else if (p is not null && p.AmountVnd != l.AmountVnd)
                differences.Add(Of("amount"));
            else if (p is not null && l.TransactionId is not null && p.TransactionId is not null && l.TransactionId != p.TransactionId)
                differences.Add(Of("transaction"));
        }
        return differences;
    }
}

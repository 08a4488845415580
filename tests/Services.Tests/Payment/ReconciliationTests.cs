using Procedures.Payment.Ledger;

namespace Procedures.Services.Tests.Payment;

[Trait("Kind", "Pure")]
public sealed class ReconciliationTests
{
    [Fact]
    public void Agreeing_ledgers_have_no_differences()
        => Assert.Empty(Reconciliation.Compare(
            [new("A", 100, "succeeded", "T1"), new("B", 200, "pending", null), new("C", 300, "expired", null), new("D", 50, "new", null)],
            [new("A", 100, "succeeded", "T1"), new("B", 200, "created", "T2"), new("C", 300, "failed", "T3")]));

    [Fact]
    public void Every_kind_of_difference_is_listed_once_in_reference_order()
    {
        var differences = Reconciliation.Compare(
            [new("A", 100, "pending", null), new("B", 200, "succeeded", "T2"), new("C", 300, "succeeded", "T3"), new("E", 10, "failed", null),
             new("F", 20, "refunded", "T6")],
            [new("A", 100, "succeeded", "T1"), new("B", 250, "succeeded", "T2"), new("C", 300, "succeeded", "OTHER"), new("D", 5, "created", "T4"),
             new("F", 20, "succeeded", "T6")]);

        Assert.Equal([("A", "state"), ("B", "amount"), ("C", "transaction"), ("D", "missing-locally"), ("E", "missing-at-platform"), ("F", "state")],
            differences.Select(d => (d.Reference, d.Kind)));
        Assert.Equal(("pending", "succeeded"), (differences[0].LocalState, differences[0].PlatformState));
        Assert.Equal((200L, 250L), (differences[1].LocalAmountVnd!.Value, differences[1].PlatformAmountVnd!.Value));
    }
}

using Procedures.Payment.Ledger;
using static Procedures.Payment.Ledger.PaymentStates;

namespace Procedures.Services.Tests.Payment;

[Trait("Kind", "Pure")]
public sealed class PaymentStatesTests
{
    [Theory]
    [InlineData(New, Outcome.Initiated, Pending)]
    [InlineData(New, Outcome.Succeeded, Succeeded)]
    [InlineData(Pending, Outcome.Succeeded, Succeeded)]
    [InlineData(Pending, Outcome.Failed, Failed)]
    [InlineData(Pending, Outcome.Expired, Expired)]
    [InlineData(Succeeded, Outcome.RefundRequested, Refunding)]
    [InlineData(Refunding, Outcome.Refunded, Refunded)]
    public void Allowed_transitions_apply(string from, Outcome outcome, string to)
        => Assert.Equal(new Transition(Effect.Apply, from, to), Decide(from, outcome));

    [Theory]
    [InlineData(Succeeded, Outcome.Succeeded)]
    [InlineData(Refunded, Outcome.Succeeded)]
    [InlineData(Failed, Outcome.Failed)]
    [InlineData(Expired, Outcome.Failed)]
    [InlineData(Pending, Outcome.Initiated)]
    [InlineData(Refunding, Outcome.RefundRequested)]
    [InlineData(Pending, Outcome.RefundRequested)]
    public void Repeated_outcomes_are_duplicates_and_change_nothing(string state, Outcome outcome)
        => Assert.Equal(new Transition(Effect.Duplicate, state, null), Decide(state, outcome));

    [Theory]
    [InlineData(Succeeded, Outcome.Failed)]   // a late failure after success: the first final state wins
    [InlineData(Succeeded, Outcome.Expired)]
    [InlineData(Failed, Outcome.Succeeded)]   // paid after failing: reported, not applied (reconciliation lists it)
    [InlineData(Expired, Outcome.Succeeded)]
    [InlineData(Refunded, Outcome.Failed)]
    [InlineData(New, Outcome.Refunded)]
    public void Conflicting_outcomes_after_a_final_state_are_reported_and_change_nothing(string state, Outcome outcome)
        => Assert.Equal(new Transition(Effect.Conflict, state, null), Decide(state, outcome));

    [Fact]
    public void Every_state_and_outcome_has_a_decision()
    {
        foreach (var state in All)
            foreach (var outcome in Enum.GetValues<Outcome>())
                Assert.Equal(state, Decide(state, outcome).From);
    }
}

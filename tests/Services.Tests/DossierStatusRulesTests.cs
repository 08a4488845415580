using Procedures.Contracts;

namespace Procedures.Services.Tests;

/// <summary>The status rules Processing, PortalSync, Reporting and Payment share.</summary>
[Trait("Kind", "Pure")]
public sealed class DossierStatusRulesTests
{
    private sealed record Seen(long Sequence, DossierStatus Status);

    private static DossierStatus? End(params DossierStatus[] statuses)
        => DossierStatusRules.EndOfProcessing(statuses.Select((s, i) => new Seen(i + 1, s)), s => s.Status, s => s.Sequence)?.Status;

    [Fact]
    public void Refused_withdrawn_stopped_decided_and_returned_end_processing_and_nothing_else_does()
    {
        Assert.Equal([3, 7, 8, 9, 10], Enum.GetValues<DossierStatus>().Where(DossierStatusRules.Ends).Select(s => (int)s));
    }

    [Fact]
    public void Processing_ends_at_the_decision_else_at_the_return_else_at_the_first_other_ending()
    {
        Assert.Null(End(DossierStatus.Submitted, DossierStatus.Received, DossierStatus.InProcessing));
        Assert.Equal(DossierStatus.Decided, End(DossierStatus.Received, DossierStatus.InProcessing, DossierStatus.Decided, DossierStatus.Returned));
        // A return seen without its decision (a gap) ends processing; a decision seen later still wins.
        Assert.Equal(DossierStatus.Returned, End(DossierStatus.InProcessing, DossierStatus.Returned));
        Assert.Equal(DossierStatus.Decided, End(DossierStatus.Returned, DossierStatus.Stopped, DossierStatus.Decided));
        Assert.Equal(DossierStatus.Stopped, End(DossierStatus.InProcessing, DossierStatus.Stopped, DossierStatus.Refused));
        Assert.Equal(DossierStatus.Withdrawn, End(DossierStatus.Submitted, DossierStatus.Withdrawn));
    }

    [Fact]
    public void The_first_step_is_the_lowest_sequence_whatever_order_the_steps_arrive_in()
    {
        Seen[] arrived = [new(9, DossierStatus.Decided), new(4, DossierStatus.InProcessing), new(5, DossierStatus.Decided)];

        Assert.Equal(5, DossierStatusRules.EndOfProcessing(arrived, s => s.Status, s => s.Sequence)!.Sequence);
    }
}

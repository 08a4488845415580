using Procedures.ServiceDefaults.Audit;

namespace Procedures.Services.Tests.Api;

/// <summary>The one rule for what a request leaves in the audit log besides its handler's own entries.</summary>
[Trait("Kind", "Pure")]
public sealed class RequestAuditDecisionTests
{
    private static RequestAuditKind Decide(string method = "POST", int status = 200, bool reached = true, bool appended = false,
        bool forbade = false, bool crossAgency = false)
        => RequestAuditDecision.Decide(new RequestFacts(method, status, reached, appended, forbade, crossAgency));

    [Theory]
    [InlineData("POST")]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    public void A_write_whose_handler_wrote_nothing_is_recorded(string method) => Assert.Equal(RequestAuditKind.Write, Decide(method));

    [Fact]
    public void A_successful_write_with_its_own_entry_is_not_doubled() => Assert.Equal(RequestAuditKind.None, Decide(appended: true));

    [Fact]
    public void A_refused_write_is_recorded_even_after_the_handler_appended() => Assert.Equal(RequestAuditKind.Write, Decide(status: 409, appended: true));

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    [InlineData("OPTIONS")]
    public void Reads_are_left_to_their_handlers(string method) => Assert.Equal(RequestAuditKind.None, Decide(method));

    [Fact]
    public void A_path_no_operation_answers_is_not_a_write() => Assert.Equal(RequestAuditKind.None, Decide(status: 404, reached: false));

    [Fact]
    public void Rate_limited_requests_are_not_written() => Assert.Equal(RequestAuditKind.None, Decide(status: 429));

    [Fact]
    public void Security_events_whatever_the_method()
    {
        Assert.Equal(RequestAuditKind.Unauthenticated, Decide("GET", 401, reached: true));
        Assert.Equal(RequestAuditKind.Unauthenticated, Decide("POST", 401, reached: false));
        Assert.Equal(RequestAuditKind.Forbidden, Decide("GET", 403, forbade: true));
        Assert.Equal(RequestAuditKind.CrossAgency, Decide("GET", 404, crossAgency: true));
        Assert.Equal(RequestAuditKind.CrossAgency, Decide("POST", 403, crossAgency: true, forbade: false));
    }

    [Fact]
    public void A_handlers_own_403_is_a_refused_write_not_a_scope_event()
        => Assert.Equal(RequestAuditKind.Write, Decide("POST", 403, forbade: false));
}

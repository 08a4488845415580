using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Procedures.Sandbox.Faults;

namespace Procedures.Services.Tests.Sandbox;

[Trait("Kind", "Pure")]
public sealed class OperatorLogTests
{
    [Fact]
    public void A_refused_setting_holding_an_infinite_rate_is_recorded_not_thrown()
    {
        // "-1e309" in a request body reads as negative infinity, which plain JSON cannot write back.
        var log = new OperatorLog(TimeProvider.System, NullLogger<OperatorLog>.Instance);

        log.Record(new DefaultHttpContext(), "faults.portal.set", "refused", new PortalFaults { LatencyRate = double.NegativeInfinity });

        var entry = Assert.Single(log.Newest());
        Assert.Equal("refused", entry.Outcome);
        Assert.Equal("-Infinity", entry.Settings.GetProperty("latencyRate").GetString());
    }
}

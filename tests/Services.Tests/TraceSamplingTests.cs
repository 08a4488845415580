using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting.Internal;
using OpenTelemetry.Trace;
using Procedures.ServiceDefaults.Telemetry;

namespace Procedures.Services.Tests;

[Trait("Kind", "Pure")]
public sealed class TraceSamplingTests
{
    private static double Ratio(string environment, string? configured = null)
        => TraceSampling.Ratio(new ConfigurationBuilder().AddInMemoryCollection(configured is null ? [] :
                [new KeyValuePair<string, string?>(TraceSampling.RatioSetting, configured)]).Build(),
            new HostingEnvironment { EnvironmentName = environment });

    [Fact]
    public void Every_trace_in_development_a_tenth_elsewhere_unless_configured()
    {
        Assert.Equal(1.0, Ratio("Development"));
        Assert.Equal(0.1, Ratio("Production"));
        Assert.Equal(0.1, Ratio("Staging"));
        Assert.Equal(0.25, Ratio("Production", "0.25"));
        Assert.Equal(0.0, Ratio("Development", "0"));
    }

    private static SamplingDecision Decide(Sampler sampler, ActivityTraceId traceId, ActivityContext parent = default)
        => sampler.ShouldSample(new SamplingParameters(parent, traceId, "span", ActivityKind.Server)).Decision;

    [Fact]
    public void New_traces_are_kept_at_the_ratio()
    {
        var sampler = TraceSampling.Sampler(0.1);
        var random = new Random(23);
        var bytes = new byte[16];
        var kept = 0;
        for (var i = 0; i < 10_000; i++)
        {
            random.NextBytes(bytes);
            if (Decide(sampler, ActivityTraceId.CreateFromBytes(bytes)) == SamplingDecision.RecordAndSample) kept++;
        }
        Assert.InRange(kept, 800, 1200);
    }

    [Fact]
    public void An_incoming_trace_follows_its_callers_decision_whatever_the_ratio()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var sampledParent = new ActivityContext(traceId, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
        var droppedParent = new ActivityContext(traceId, ActivitySpanId.CreateRandom(), ActivityTraceFlags.None, isRemote: true);

        Assert.Equal(SamplingDecision.RecordAndSample, Decide(TraceSampling.Sampler(0.0), traceId, sampledParent));
        Assert.Equal(SamplingDecision.Drop, Decide(TraceSampling.Sampler(1.0), traceId, droppedParent));
    }
}

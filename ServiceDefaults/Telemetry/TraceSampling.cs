using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Trace;

namespace Procedures.ServiceDefaults.Telemetry;

/// <summary>
/// Which traces a service records (issue 23). A trace that starts here is kept with probability
/// <c>Telemetry:TraceSampleRatio</c>; a trace that comes in (traceparent of a request or a message) follows its caller's
/// decision, so a trace is whole or absent, never half-kept. Without the setting: every trace in Development (the dashboard
/// shows each request), one in ten elsewhere: one submission makes about a hundred spans across the services, and
/// recording all of them costs the exporters and the collector a noticeable share of the CPU under load.
/// </summary>
public static class TraceSampling
{
    public const string RatioSetting = "Telemetry:TraceSampleRatio";

    /// <summary>The share of new traces kept outside Development unless configured.</summary>
    public const double ProductionRatio = 0.1;

    public static double Ratio(IConfiguration configuration, IHostEnvironment environment)
        => configuration.GetValue<double?>(RatioSetting) ?? (environment.IsDevelopment() ? 1.0 : ProductionRatio);

    /// <summary>Parent-based: the caller's decision when there is one, otherwise the ratio over the trace id.</summary>
    public static Sampler Sampler(double ratio) => new ParentBasedSampler(new TraceIdRatioBasedSampler(ratio));
}

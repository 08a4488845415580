using System.Diagnostics;
using Procedures.Payment.Ledger;
using Procedures.Sandbox.Payment;
using Procedures.TestInfrastructure;

namespace Procedures.Services.Tests.Payment;

/// <summary>
/// Payment's Polly pipeline against the sandbox platform answering 5xx or slowly: retries with backoff, per-attempt
/// timeouts and the circuit breaker act, and each shows as an event on the "payment-platform TYPE" span.
/// </summary>
[Collection(InfrastructureCollection.Name)]
public sealed class PlatformResilienceTests(InfrastructureFixture infra)
{
    private static string[] Events(Activity span, string name)
        => span.Events.Where(e => e.Name == "resilience." + name).Select(e => string.Join(",", e.Tags.Select(t => $"{t.Key}={t.Value}"))).ToArray();

    [Fact]
    public async Task Platform_5xx_is_retried_with_backoff_then_the_payment_waits_and_goes_through_once_the_platform_recovers()
    {
        await using var h = await PaymentHarness.StartAsync(infra, new Dictionary<string, string?> { ["PaymentPlatform:MaxRetries"] = "2" });
        await h.SetFaultsAsync(new PaymentFaults { ErrorRate = 1 });
        var reference = await h.RequestAsync("26740.H29-261129-0101");

        Assert.True(await h.Worker.NextAsync(CancellationToken.None));

        var row = await h.PaymentAsync(reference);
        Assert.Equal((PaymentStates.New, 1, "http-503: Service Unavailable"), (row.State, row.Attempts, row.LastError));
        var span = Assert.Single(h.Spans(reference));
        Assert.Equal("payment-platform INIT", span.DisplayName);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        var retries = Events(span, "retry");
        Assert.Equal(2, retries.Length);
        Assert.Contains("attempt=1", retries[0]);
        Assert.Contains("outcome=503", retries[0]);
        Assert.Contains("attempt=2", retries[1]);

        await h.SetFaultsAsync(new PaymentFaults());
        await h.MakeDueAsync();
        Assert.True(await h.Worker.NextAsync(CancellationToken.None));
        Assert.Equal(PaymentStates.Pending, (await h.PaymentAsync(reference)).State);
        Assert.Empty(Events(h.Spans(reference)[^1], "retry"));
    }

    [Fact]
    public async Task A_slow_platform_hits_the_attempt_timeout_and_each_attempt_is_traced()
    {
        await using var h = await PaymentHarness.StartAsync(infra, new Dictionary<string, string?>
        {
            ["PaymentPlatform:MaxRetries"] = "1", ["PaymentPlatform:AttemptTimeout"] = "00:00:00.300",
        });
        await h.SetFaultsAsync(new PaymentFaults { LatencyRate = 1, LatencyMs = 5000 });
        var reference = await h.RequestAsync("26740.H29-261129-0102");
        var clock = Stopwatch.StartNew();

        Assert.True(await h.Worker.NextAsync(CancellationToken.None));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"gave up after {clock.Elapsed}, not after the platform's 5 s");
        var row = await h.PaymentAsync(reference);
        Assert.Equal(PaymentStates.New, row.State);
        Assert.StartsWith("TimeoutRejectedException", row.LastError);
        var span = Assert.Single(h.Spans(reference));
        Assert.Equal(["scope=attempt,timeout_ms=300", "scope=attempt,timeout_ms=300"], Events(span, "timeout"));
        Assert.Single(Events(span, "retry"));
    }

    [Fact]
    public async Task Repeated_failures_open_the_circuit_so_calls_fail_fast_until_it_closes_again()
    {
        await using var h = await PaymentHarness.StartAsync(infra, new Dictionary<string, string?>
        {
            ["PaymentPlatform:MaxRetries"] = "1", ["PaymentPlatform:BreakerMinimumThroughput"] = "4",
            ["PaymentPlatform:BreakerFailureRatio"] = "0.5", ["PaymentPlatform:BreakDuration"] = "00:00:00.500",
        });
        await h.SetFaultsAsync(new PaymentFaults { Down = true });
        var reference = await h.RequestAsync("26740.H29-261129-0103");

        for (var i = 0; i < 2; i++)
        {
            await h.MakeDueAsync();
            await h.Worker.NextAsync(CancellationToken.None);
        }
        Assert.Single(h.Spans(reference).SelectMany(s => Events(s, "circuit-opened")));

        await h.MakeDueAsync();
        var clock = Stopwatch.StartNew();
        await h.Worker.NextAsync(CancellationToken.None);
        Assert.StartsWith("BrokenCircuitException", (await h.PaymentAsync(reference)).LastError);
        Assert.Contains(h.Spans(reference)[^1].Events, e => e.Name == "exception");
        Assert.Empty(Events(h.Spans(reference)[^1], "retry")); // failing fast: no attempt reached the platform
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), clock.Elapsed.ToString());

        await h.SetFaultsAsync(new PaymentFaults());
        await Eventually.Until(async () =>
        {
            await h.MakeDueAsync();
            await h.Worker.NextAsync(CancellationToken.None);
            return (await h.PaymentAsync(reference)).State == PaymentStates.Pending;
        }, TimeSpan.FromSeconds(10), "the circuit to half-open and the INIT to go through");
        Assert.Contains(h.Spans(reference), s => Events(s, "circuit-closed").Length == 1);
    }
}

using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using Procedures.Notifications.Webhooks;

namespace Procedures.Services.Tests.Notifications;

/// <summary>The pure rules of webhook delivery: the retry schedule and the SSRF guard.</summary>
public sealed class WebhookRulesTests
{
    private static readonly IReadOnlyList<TimeSpan> Schedule = new WebhookOptions().EffectiveRetrySchedule;

    [Fact]
    public void Default_schedule_spans_about_three_days()
    {
        var total = Schedule.Aggregate(TimeSpan.Zero, (a, b) => a + b);
        Assert.InRange(total, TimeSpan.FromDays(2.5), TimeSpan.FromDays(3.5));
    }

    [Theory]
    [InlineData(0.0, 0.8)]
    [InlineData(0.5, 1.0)]
    [InlineData(0.999999, 1.2)]
    public void Jitter_spreads_each_wait_by_up_to_a_fifth_either_way(double random, double factor)
        => Assert.Equal(TimeSpan.FromMinutes(5).TotalSeconds * factor,
            RetrySchedule.NextDelay(2, Schedule, 0.2, random, null, TimeSpan.FromHours(24))!.Value.TotalSeconds, 3);

    [Fact]
    public void Retry_after_is_honoured_when_longer_and_capped()
    {
        Assert.Equal(TimeSpan.FromMinutes(10), RetrySchedule.NextDelay(1, Schedule, 0, 0.5, TimeSpan.FromMinutes(10), TimeSpan.FromHours(24)));
        Assert.Equal(TimeSpan.FromSeconds(5), RetrySchedule.NextDelay(1, Schedule, 0, 0.5, TimeSpan.FromSeconds(1), TimeSpan.FromHours(24)));
        Assert.Equal(TimeSpan.FromHours(24), RetrySchedule.NextDelay(1, Schedule, 0, 0.5, TimeSpan.FromDays(7), TimeSpan.FromHours(24)));
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(TimeSpan.FromSeconds(120), RetrySchedule.RetryAfter(new RetryConditionHeaderValue(TimeSpan.FromSeconds(120)), now));
        Assert.Equal(TimeSpan.FromMinutes(3), RetrySchedule.RetryAfter(new RetryConditionHeaderValue(now.AddMinutes(3)), now));
    }

    [Fact]
    public void Schedule_exhausted_means_dead_letter()
    {
        Assert.NotNull(RetrySchedule.NextDelay(Schedule.Count, Schedule, 0.2, 0.5, null, TimeSpan.FromHours(24)));
        Assert.Null(RetrySchedule.NextDelay(Schedule.Count + 1, Schedule, 0.2, 0.5, null, TimeSpan.FromHours(24)));
    }

    private static CallbackUrlGuard Guard(bool allowPrivate = false, bool requireHttps = true, params string[] allowed)
        => new(Options.Create(new WebhookOptions { AllowPrivateNetworks = allowPrivate, RequireHttps = requireHttps, AllowedPrivateHosts = allowed }));

    [Theory]
    [InlineData("https://127.0.0.1/hook")]
    [InlineData("https://localhost/hook")]
    [InlineData("https://10.1.2.3/hook")]
    [InlineData("https://172.20.0.1/hook")]
    [InlineData("https://192.168.1.1/hook")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://100.64.0.1/hook")]
    [InlineData("https://[::1]/hook")]
    [InlineData("https://[fd00::1]/hook")]
    [InlineData("https://[::ffff:10.0.0.1]/hook")]
    [InlineData("https://0.0.0.0/hook")]
    public async Task Private_and_loopback_callbacks_are_refused(string url)
        => Assert.Equal("private-address", (await Guard().CheckAsync(url, CancellationToken.None))?.Rule);

    [Theory]
    [InlineData("http://203.0.113.10/hook", "https-required")]
    [InlineData("ftp://203.0.113.10/hook", "absolute-http-url")]
    [InlineData("https://user:pw@203.0.113.10/hook", "absolute-http-url")]
    [InlineData("/relative", "absolute-http-url")]
    [InlineData("", "absolute-http-url")]
    public async Task Malformed_or_plain_http_callbacks_are_refused(string url, string rule)
        => Assert.Equal(rule, (await Guard().CheckAsync(url, CancellationToken.None))?.Rule);

    [Fact]
    public async Task Public_addresses_pass_and_private_ones_pass_only_where_allowed()
    {
        Assert.Null(await Guard().CheckAsync("https://203.0.113.10/hook", CancellationToken.None));
        Assert.Null(await Guard(allowPrivate: true, requireHttps: false).CheckAsync("http://127.0.0.1:8080/hook", CancellationToken.None));
        Assert.Null(await Guard(false, true, "10.1.2.3").CheckAsync("https://10.1.2.3/hook", CancellationToken.None));
        Assert.False(Guard().MayConnect("evil.example", IPAddress.Parse("127.0.0.1")));
        Assert.True(Guard().MayConnect("good.example", IPAddress.Parse("203.0.113.10")));
    }
}

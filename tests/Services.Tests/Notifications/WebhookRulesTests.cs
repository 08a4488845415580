using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using Procedures.Notifications.Webhooks;

namespace Procedures.Services.Tests.Notifications;

/// <summary>The pure rules of webhook delivery: the retry schedule and the SSRF guard.</summary>
[Trait("Kind", "Pure")]
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

    private static CallbackUrlGuard Guard(bool requireHttps = true, params string[] loopbackHosts)
        => new(Options.Create(new WebhookOptions { RequireHttps = requireHttps, AllowedLoopbackHosts = loopbackHosts }));

    /// <summary>The development profile's setting: loopback through the name "localhost" only.</summary>
    private static CallbackUrlGuard Development() => Guard(requireHttps: false, "localhost");

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
    [InlineData("https://[fe80::1]/hook")]
    [InlineData("https://[::ffff:10.0.0.1]/hook")]
    [InlineData("https://[::ffff:127.0.0.1]/hook")]
    [InlineData("https://[::ffff:169.254.169.254]/hook")]
    [InlineData("https://[::127.0.0.1]/hook")]
    [InlineData("https://[64:ff9b::a9fe:a9fe]/hook")]
    [InlineData("https://[2002:a9fe:a9fe::1]/hook")]
    [InlineData("https://[::]/hook")]
    [InlineData("https://0.0.0.0/hook")]
    public async Task Private_and_loopback_callbacks_are_refused(string url)
        => Assert.Equal("private-address", (await Guard().CheckAsync(url, CancellationToken.None))?.Rule);

    /// <summary>The probes of issue #20 (point 5), under the development profile's settings: refused there too.</summary>
    [Theory]
    [InlineData("http://169.254.169.254/latest", "private-address")]
    [InlineData("http://10.0.0.1/x", "private-address")]
    [InlineData("http://0.0.0.0", "private-address")]
    [InlineData("http://2130706433", "numeric-host-encoding")]
    [InlineData("http://127.0.0.1:8080/hook", "private-address")]     // loopback by address: not a listed name
    [InlineData("http://[::1]:8080/hook", "private-address")]
    [InlineData("http://[::ffff:127.0.0.1]/hook", "private-address")]
    [InlineData("http://[::ffff:7f00:1]/hook", "private-address")]
    [InlineData("http://0177.0.0.1/hook", "numeric-host-encoding")]    // octal
    [InlineData("http://0x7f.1/hook", "numeric-host-encoding")]        // hex, short
    [InlineData("http://0x7f000001/hook", "numeric-host-encoding")]
    [InlineData("http://127.1/hook", "numeric-host-encoding")]         // short form
    [InlineData("http://127.0.0.1./hook", "numeric-host-encoding")]    // trailing dot
    [InlineData("http://010.0.0.1/hook", "numeric-host-encoding")]     // leading zero: octal to inet_aton
    [InlineData("http://2852039166/latest", "numeric-host-encoding")]  // 169.254.169.254
    [InlineData("http://0/hook", "numeric-host-encoding")]
    [InlineData("http://user@0x7f.1:80/hook", "absolute-http-url")]
    public async Task Probes_and_encodings_are_refused_even_in_development(string url, string rule)
        => Assert.Equal(rule, (await Development().CheckAsync(url, CancellationToken.None))?.Rule);

    [Theory]
    [InlineData("http://169.254.169.254/latest")]
    [InlineData("http://10.0.0.1/x")]
    [InlineData("http://0.0.0.0/")]
    [InlineData("http://[fe80::1]/")]
    public async Task Listing_a_non_loopback_address_does_not_allow_it(string url)
    {
        var host = new Uri(url).IdnHost;
        Assert.Equal("private-address", (await Guard(false, host, "localhost").CheckAsync(url, CancellationToken.None))?.Rule);
    }

    [Theory]
    [InlineData("http://203.0.113.10/hook", "https-required")]
    [InlineData("ftp://203.0.113.10/hook", "absolute-http-url")]
    [InlineData("https://user:pw@203.0.113.10/hook", "absolute-http-url")]
    [InlineData("/relative", "absolute-http-url")]
    [InlineData("", "absolute-http-url")]
    public async Task Malformed_or_plain_http_callbacks_are_refused(string url, string rule)
        => Assert.Equal(rule, (await Guard().CheckAsync(url, CancellationToken.None))?.Rule);

    [Fact]
    public async Task Public_addresses_pass_and_loopback_only_by_a_listed_name()
    {
        Assert.Null(await Guard().CheckAsync("https://203.0.113.10/hook", CancellationToken.None));
        Assert.Null(await Guard().CheckAsync("https://[2001:4860:4860::8888]/hook", CancellationToken.None));
        Assert.Null(await Development().CheckAsync("http://localhost:8080/hook", CancellationToken.None));
        Assert.Equal("private-address", (await Guard().CheckAsync("https://localhost/hook", CancellationToken.None))?.Rule);
        Assert.False(Guard().MayConnect("evil.example", IPAddress.Parse("127.0.0.1")));
        Assert.False(Development().MayConnect("evil.example", IPAddress.Parse("127.0.0.1")));
        Assert.False(Development().MayConnect("localhost", IPAddress.Parse("10.0.0.1")));
        Assert.False(Development().MayConnect("localhost", IPAddress.Parse("169.254.169.254")));
        Assert.True(Development().MayConnect("localhost", IPAddress.Parse("127.0.0.1")));
        Assert.True(Development().MayConnect("localhost", IPAddress.IPv6Loopback));
        Assert.True(Guard().MayConnect("good.example", IPAddress.Parse("203.0.113.10")));
    }

    [Theory]
    [InlineData("http://0x7f.1/x", "0x7f.1")]
    [InlineData("http://u@h.example:8080/x?q#f", "h.example")]
    [InlineData("https://[::1]:443/x", "[::1]")]
    [InlineData("http://2130706433", "2130706433")]
    public void The_written_host_is_read_before_any_parser_rewrites_it(string url, string host)
        => Assert.Equal(host, CallbackAddresses.WrittenHost(url));

    [Theory]
    [InlineData("http://8.8.8.8/x")]
    [InlineData("http://cafe.example/x")]
    [InlineData("http://1e100.net/x")]
    [InlineData("http://[::1]/x")]
    public void Plain_hosts_are_not_numeric_encodings(string url)
        => Assert.False(CallbackAddresses.IsNumericEncoding(url));
}

using System.Net;
using Microsoft.Extensions.Options;
using Procedures.Notifications.Webhooks;

namespace Procedures.Services.Tests.Notifications;

/// <summary>
/// The sender connects to the address the guard checked, over real sockets to a real receiver on loopback: a resolver
/// that answers a public address when the subscription is checked and loopback afterwards (DNS rebinding) gets no
/// request through, and a name only the guard's resolver knows is reached at the address it gave.
/// </summary>
public sealed class WebhookRebindingTests : IAsyncLifetime
{
    private readonly WebhookReceiver _receiver = new();

    public Task InitializeAsync() => _receiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private static (CallbackUrlGuard Guard, WebhookSender Sender) Build(HostResolver resolver, params string[] loopbackHosts)
    {
        var options = Options.Create(new WebhookOptions { RequireHttps = false, AllowedLoopbackHosts = loopbackHosts, Timeout = TimeSpan.FromSeconds(5) });
        var guard = new CallbackUrlGuard(options, resolver);
        return (guard, new WebhookSender(guard, options, TimeProvider.System));
    }

    [Fact]
    public async Task A_name_that_rebinds_to_loopback_after_the_check_reaches_nothing()
    {
        var lookups = 0;
        HostResolver rebinding = (host, _) => Task.FromResult(Interlocked.Increment(ref lookups) == 1
            ? new[] { IPAddress.Parse("203.0.113.10") }  // at the check: public
            : new[] { IPAddress.Loopback });             // at the connection: where the receiver listens
        var (guard, sender) = Build(rebinding, "localhost");
        using var _ = sender;
        var url = _receiver.Url("rebound", WebhookSender.NewSecret()).Replace("localhost", "rebind.test", StringComparison.Ordinal);

        Assert.Null(await guard.CheckAsync(url, CancellationToken.None)); // the subscription passes: the name resolved public
        var result = await sender.SendAsync(url, [WebhookSender.NewSecret()], Guid.NewGuid(), "{}", new DeliveryMarks(null), CancellationToken.None);

        Assert.Null(result.Status);
        Assert.Contains("refused address", result.Error);
        Assert.True(lookups >= 2, "the sender resolved the name again for its connection");
        Assert.Empty(_receiver.Requests);
    }

    [Fact]
    public async Task The_connection_goes_to_the_address_the_guard_checked()
    {
        // "receiver.test" exists in no DNS: the request can only arrive if the socket connected to the guard's answer.
        HostResolver only = (host, _) => Task.FromResult(host == "receiver.test" ? new[] { IPAddress.Loopback } : []);
        var (guard, sender) = Build(only, "receiver.test");
        using var _ = sender;
        var secret = WebhookSender.NewSecret();
        var url = _receiver.Url("checked", secret).Replace("localhost", "receiver.test", StringComparison.Ordinal);

        Assert.Null(await guard.CheckAsync(url, CancellationToken.None));
        var result = await sender.SendAsync(url, [secret], Guid.NewGuid(), """{"specversion":"1.0","dossierCode":"x"}""", new DeliveryMarks(null), CancellationToken.None);

        Assert.Equal(200, result.Status);
        var received = Assert.Single(_receiver.Requests);
        Assert.True(received.Verified);
    }

    [Fact]
    public async Task A_loopback_address_given_only_at_connection_time_is_refused_for_an_unlisted_name()
    {
        HostResolver loopback = (_, _) => Task.FromResult(new[] { IPAddress.Loopback, IPAddress.IPv6Loopback });
        var (_, sender) = Build(loopback, "localhost");
        using var s = sender;
        var url = _receiver.Url("direct", WebhookSender.NewSecret()).Replace("localhost", "elsewhere.test", StringComparison.Ordinal);

        var result = await sender.SendAsync(url, [WebhookSender.NewSecret()], Guid.NewGuid(), "{}", new DeliveryMarks(null), CancellationToken.None);

        Assert.Null(result.Status);
        Assert.Empty(_receiver.Requests);
    }
}

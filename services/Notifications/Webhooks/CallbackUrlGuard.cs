using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Procedures.ServiceDefaults;

namespace Procedures.Notifications.Webhooks;

/// <summary>Resolves a host name to its addresses (DNS by default; tests give their own to play a rebinding DNS).</summary>
public delegate Task<IPAddress[]> HostResolver(string host, CancellationToken ct);

/// <summary>
/// SSRF guard: a callback must be an absolute https URL (http only where allowed) whose host is written as a name or a
/// plain address (no numeric encodings) and resolves only to public addresses; loopback passes only for a host named in
/// <see cref="WebhookOptions.AllowedLoopbackHosts"/> (local receivers in development). Private ranges, link-local and
/// metadata addresses and 0.0.0.0 never pass, in any profile. Checked when a subscription is saved, and again on every
/// connection, where the sender connects to exactly the address this guard checked (<see cref="AddressesToConnectAsync"/>):
/// a DNS answer that changes after the check (rebinding) never reaches a refused address.
/// </summary>
public sealed class CallbackUrlGuard(IOptions<WebhookOptions> options, HostResolver? resolver = null)
{
    private readonly HostResolver _resolve = resolver ?? ((host, ct) => Dns.GetHostAddressesAsync(host, ct));

    public async Task<FieldError?> CheckAsync(string? url, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Length > 2000 || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
            return new FieldError("url", "absolute-http-url", "URL gọi lại phải là địa chỉ http(s) tuyệt đối, không chứa thông tin đăng nhập",
                "The callback must be an absolute http(s) URL without credentials or fragment");
        if (uri.Scheme == Uri.UriSchemeHttp && options.Value.RequireHttps)
            return new FieldError("url", "https-required", "URL gọi lại phải dùng https", "The callback must use https");
        if (CallbackAddresses.IsNumericEncoding(url))
            return new FieldError("url", "numeric-host-encoding",
                "Địa chỉ IPv4 trong URL gọi lại phải viết dạng chuẩn a.b.c.d (không dạng thập phân, bát phân, thập lục phân hay rút gọn)",
                "An IPv4 host must be written as a plain dotted quad (no decimal, octal, hex or short forms)");
        IPAddress[] addresses;
        try
        {
            addresses = await ResolveAsync(uri.IdnHost, ct);
        }
        catch (SocketException)
        {
            return new FieldError("url", "unresolvable-host", "Không phân giải được tên máy chủ của URL gọi lại", "The callback host does not resolve");
        }
        return addresses.Length == 0 || !addresses.All(a => MayConnect(uri.IdnHost, a))
            ? new FieldError("url", "private-address", "URL gọi lại trỏ tới mạng nội bộ hoặc loopback (không được phép)",
                "The callback points to a private, loopback or link-local address (not allowed)")
            : null;
    }

    /// <summary>True when connecting to <paramref name="address"/> for <paramref name="host"/> is allowed.</summary>
    public bool MayConnect(string host, IPAddress address) => CallbackAddresses.Classify(address) switch
    {
        AddressKind.Public => true,
        AddressKind.Loopback => options.Value.AllowedLoopbackHosts.Contains(host.TrimStart('[').TrimEnd(']'), StringComparer.OrdinalIgnoreCase),
        _ => false,
    };

    /// <summary>
    /// Resolves <paramref name="host"/> once and keeps the addresses that may be connected to, in the resolver's order;
    /// the sender connects to these and nothing else. Empty when none may be (the connection is refused).
    /// </summary>
    public async Task<IPAddress[]> AddressesToConnectAsync(string host, CancellationToken ct)
        => (await ResolveAsync(host, ct)).Where(a => MayConnect(host, a)).ToArray();

    private async Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct)
        => IPAddress.TryParse(host, out var literal) ? [literal] : await _resolve(host, ct);
}

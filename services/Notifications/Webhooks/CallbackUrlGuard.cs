using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Procedures.ServiceDefaults;

namespace Procedures.Notifications.Webhooks;

/// <summary>
/// SSRF guard: a callback must be an absolute https URL (http only where allowed) whose host resolves only to public
/// addresses, unless the host is configured as allowed or private networks are allowed (the development profile).
/// Checked when a subscription is saved and again on every connection (DNS may change after the check).
/// </summary>
public sealed class CallbackUrlGuard(IOptions<WebhookOptions> options)
{
    public async Task<FieldError?> CheckAsync(string? url, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Length > 2000 || !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp) || uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
            return new FieldError("url", "absolute-http-url", "URL gọi lại phải là địa chỉ http(s) tuyệt đối, không chứa thông tin đăng nhập",
                "The callback must be an absolute http(s) URL without credentials or fragment");
        if (uri.Scheme == Uri.UriSchemeHttp && options.Value.RequireHttps)
            return new FieldError("url", "https-required", "URL gọi lại phải dùng https", "The callback must use https");
        if (options.Value.AllowPrivateNetworks) return null; // development profile: any address, no lookup needed
        IPAddress[] addresses;
        try
        {
            addresses = await ResolveAsync(uri.IdnHost, ct);
        }
        catch (SocketException)
        {
            return new FieldError("url", "unresolvable-host", "Không phân giải được tên máy chủ của URL gọi lại", "The callback host does not resolve");
        }
        return addresses.Length == 0 || (!HostAllowed(uri.IdnHost) && addresses.Any(IsPrivate))
            ? new FieldError("url", "private-address", "URL gọi lại trỏ tới mạng nội bộ hoặc loopback (không được phép)",
                "The callback points to a private, loopback or link-local address (not allowed)")
            : null;
    }

    /// <summary>True when connecting to <paramref name="address"/> for <paramref name="host"/> is allowed.</summary>
    public bool MayConnect(string host, IPAddress address) => HostAllowed(host) || !IsPrivate(address);

    private bool HostAllowed(string host)
        => options.Value.AllowPrivateNetworks || options.Value.AllowedPrivateHosts.Contains(host, StringComparer.OrdinalIgnoreCase);

    private static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken ct)
        => IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);

    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any)) return true;
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal;
        var b = address.GetAddressBytes();
        return b[0] switch
        {
            0 or 10 or 127 => true,
            100 => b[1] is >= 64 and <= 127,         // carrier-grade NAT
            169 => b[1] == 254,                      // link-local (cloud metadata)
            172 => b[1] is >= 16 and <= 31,
            192 => b[1] == 168 || (b[1] == 0 && b[2] is 0 or 2), // private, IETF, TEST-NET-1
            198 => b[1] is 18 or 19,                 // benchmarking
            >= 224 => true,                          // multicast, reserved, broadcast
            _ => false,
        };
    }
}

using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Procedures.Notifications.Webhooks;

/// <summary>What a callback address is to the SSRF guard.</summary>
public enum AddressKind
{
    /// <summary>A public unicast address: always allowed.</summary>
    Public,
    /// <summary>127.0.0.0/8 or ::1: allowed only for a host named in <see cref="WebhookOptions.AllowedLoopbackHosts"/>.</summary>
    Loopback,
    /// <summary>Private, link-local (cloud metadata), unspecified (0.0.0.0, ::), CGNAT, multicast, reserved: never allowed.</summary>
    Refused,
}

/// <summary>The SSRF guard's decisions as pure functions: how an address is classed, and whether a written host is a numeric encoding.</summary>
public static partial class CallbackAddresses
{
    public static AddressKind Classify(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) return Classify(address.MapToIPv4()); // ::ffff:127.0.0.1 is 127.0.0.1
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => ClassifyV4(address.GetAddressBytes()),
            AddressFamily.InterNetworkV6 => ClassifyV6(address),
            _ => AddressKind.Refused,
        };
    }

    private static AddressKind ClassifyV4(byte[] b)
    {
        if (b[0] == 127) return AddressKind.Loopback;
        var refused = b[0] switch
        {
            0 or 10 => true,                                      // "this network" (0.0.0.0), private
            100 => b[1] is >= 64 and <= 127,                     // carrier-grade NAT
            169 => b[1] == 254,                                  // link-local (cloud metadata 169.254.169.254)
            172 => b[1] is >= 16 and <= 31,                      // private
            192 => b[1] == 168 || (b[1] == 0 && b[2] is 0 or 2), // private, IETF protocol assignments, TEST-NET-1
            198 => b[1] is 18 or 19,                             // benchmarking
            >= 224 => true,                                      // multicast, reserved, broadcast
            _ => false,
        };
        return refused ? AddressKind.Refused : AddressKind.Public;
    }

    private static AddressKind ClassifyV6(IPAddress address)
    {
        if (address.Equals(IPAddress.IPv6Loopback)) return AddressKind.Loopback;
        if (address.Equals(IPAddress.IPv6Any) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
            || address.IsIPv6UniqueLocal || address.IsIPv6Teredo) return AddressKind.Refused;
        var b = address.GetAddressBytes();
        // Forms that carry an IPv4 address inside (IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::/96, 6to4 2002::/16) count as
        // public only when the address inside is; loopback reached that way is refused, as no allow-list names it.
        if (b[..12].All(x => x == 0)) return AddressKind.Refused;
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4..12].All(x => x == 0))
            return ClassifyV4(b[12..]) == AddressKind.Public ? AddressKind.Public : AddressKind.Refused;
        if (b[0] == 0x20 && b[1] == 0x02)
            return ClassifyV4(b[2..6]) == AddressKind.Public ? AddressKind.Public : AddressKind.Refused;
        return AddressKind.Public;
    }

    /// <summary>
    /// True when the host as written in <paramref name="url"/> is an IPv4 address in any form but the plain dotted quad:
    /// decimal (2130706433), octal (0177.0.0.1), hex (0x7f.1), short (127.1), leading zeros, a trailing dot. Resolvers
    /// and URL parsers read these differently (inet_aton takes them all), so a guard and a connector could disagree:
    /// they are refused whatever address they name.
    /// </summary>
    public static bool IsNumericEncoding(string url)
    {
        var host = WrittenHost(url);
        if (host is null || host.StartsWith('[')) return false; // IPv6 literals: parsed by IPAddress, classed by Classify
        var labels = host.Split('.');
        if (!labels.All(l => NumericLabel().IsMatch(l) || l.Length == 0) || !labels.Any(l => l.Length > 0)) return false; // a name
        return !(labels.Length == 4 && labels.All(l => CanonicalOctet().IsMatch(l) && int.Parse(l, System.Globalization.CultureInfo.InvariantCulture) <= 255));
    }

    /// <summary>The authority's host exactly as the client wrote it (no user info, no port), or null.</summary>
    public static string? WrittenHost(string url)
    {
        var start = url.IndexOf("://", StringComparison.Ordinal);
        if (start < 0) return null;
        var rest = url[(start + 3)..];
        var end = rest.IndexOfAny(['/', '?', '#', '\\']);
        var authority = end < 0 ? rest : rest[..end];
        authority = authority[(authority.LastIndexOf('@') + 1)..];
        if (authority.StartsWith('[')) return authority[..(authority.IndexOf(']') + 1)];
        var colon = authority.LastIndexOf(':');
        return colon < 0 ? authority : authority[..colon];
    }

    [GeneratedRegex(@"^(0[xX][0-9a-fA-F]*|[0-9]+)\z")]
    private static partial Regex NumericLabel();

    [GeneratedRegex(@"^(0|[1-9][0-9]{0,2})\z")]
    private static partial Regex CanonicalOctet();
}

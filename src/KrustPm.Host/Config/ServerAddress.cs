using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace KrustPm.Host.Config;

/// <summary>Where the HTTP API listens: a host (name, IPv4 or IPv6 address) and a TCP port, or a Unix socket.</summary>
/// <param name="Host">A host name, an IPv4 address, or an IPv6 address without brackets (e.g. <c>::1</c>).</param>
/// <param name="Port">The TCP port, from 1 to 65535.</param>
public sealed record ServerAddress(string Host, int Port)
{
    /// <summary>The host used when the configuration gives only a port, and by <see cref="Default"/>.</summary>
    public const string DefaultHost = "localhost";

    /// <summary>The port of <see cref="Default"/>.</summary>
    public const int DefaultPort = 4000;

    /// <summary>The address used when the configuration has no <c>server-port</c>: <c>localhost:4000</c>.</summary>
    public static ServerAddress Default { get; } = new(DefaultHost, DefaultPort);

    /// <summary>The Unix socket to serve on instead of TCP (<c>server-port = "unix:/path"</c>), if any.</summary>
    public string? UnixSocket { get; init; }

    /// <summary>An address that serves on a Unix socket.</summary>
    /// <param name="path">The socket's absolute path.</param>
    /// <returns>The address.</returns>
    public static ServerAddress ForUnixSocket(string path) => new("unix", 0) { UnixSocket = path };

    /// <summary>Renders <c>host:port</c>, with an IPv6 host in brackets (<c>[::1]:4000</c>), or <c>unix:/path</c>.</summary>
    public override string ToString() =>
        UnixSocket is { } socket ? $"unix:{socket}"
        : Host.Contains(':', StringComparison.Ordinal)
            ? $"[{Host}]:{Port.ToString(CultureInfo.InvariantCulture)}"
            : $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Whether <paramref name="port"/> is a usable TCP port (1 to 65535).</summary>
    public static bool IsValidPort(long port) => port is >= 1 and <= 65535;

    /// <summary>Whether only this machine can reach the address (localhost, 127.0.0.0/8, ::1).</summary>
    public bool IsLoopback =>
        UnixSocket is not null
        || string.Equals(Host, "localhost", StringComparison.OrdinalIgnoreCase)
        || System.Net.IPAddress.TryParse(Host, out var address) && System.Net.IPAddress.IsLoopback(address);

    /// <summary>
    /// Parses <c>host:port</c>, where host is a name (<c>localhost</c>), an IPv4 address, or a bracketed IPv6
    /// address (<c>[::1]:4000</c>).
    /// </summary>
    /// <param name="text">The text to parse.</param>
    /// <param name="address">The address, when valid.</param>
    /// <param name="error">What is wrong with <paramref name="text"/>, when invalid.</param>
    /// <returns>Whether <paramref name="text"/> is a valid address.</returns>
    public static bool TryParse(
        string text,
        [NotNullWhen(true)] out ServerAddress? address,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        address = null;
        string host;
        string portText;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                error = "missing ']' after the IPv6 address";
                return false;
            }

            host = text[1..close];
            if (close + 1 >= text.Length || text[close + 1] != ':')
            {
                error = "missing ':port' after the host";
                return false;
            }

            portText = text[(close + 2)..];
            if (!IPAddress.TryParse(host, out var ip) || ip.AddressFamily != AddressFamily.InterNetworkV6)
            {
                error = $"'{host}' is not a valid IPv6 address";
                return false;
            }
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon < 0)
            {
                error = "missing ':port' after the host";
                return false;
            }

            host = text[..colon];
            portText = text[(colon + 1)..];
            if (host.Contains(':', StringComparison.Ordinal))
            {
                error = "an IPv6 address must be in brackets, e.g. \"[::1]:4000\"";
                return false;
            }

            if (host.Length == 0)
            {
                error = "missing host before ':'";
                return false;
            }

            if (!IsValidHostName(host))
            {
                error = $"'{host}' is not a valid host name or IPv4 address";
                return false;
            }
        }

        if (portText.Length == 0 || portText.Length > 5 || !portText.All(char.IsAsciiDigit)
            || !IsValidPort(int.Parse(portText, CultureInfo.InvariantCulture)))
        {
            error = $"port '{portText}' is not a number from 1 to 65535";
            return false;
        }

        address = new ServerAddress(host, int.Parse(portText, CultureInfo.InvariantCulture));
        error = null;
        return true;
    }

    /// <summary>A DNS name (labels of letters, digits and inner hyphens) or a dotted-quad IPv4 address.</summary>
    private static bool IsValidHostName(string host)
    {
        if (host.All(c => char.IsAsciiDigit(c) || c == '.'))
        {
            var parts = host.Split('.');
            return parts.Length == 4 && parts.All(p =>
                p.Length is >= 1 and <= 3 && int.Parse(p, CultureInfo.InvariantCulture) <= 255);
        }

        if (host.Length > 253)
        {
            return false;
        }

        foreach (var label in host.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-'
                || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return false;
            }
        }

        return true;
    }
}

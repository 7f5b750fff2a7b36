using System.Globalization;
using System.Net;
using KrustPm.Host.Config;

namespace KrustPm.Host.Api;

/// <summary>
/// Which <c>Host</c> a request may name. A page on evil.example whose DNS name is re-pointed at 127.0.0.1 (DNS
/// rebinding) reaches krust-pm as its own origin: Origin, Host and Sec-Fetch-Site all say evil.example, same-origin.
/// What gives it away is the name: krust-pm answers only for its loopback names (<c>localhost</c>, loopback
/// addresses such as <c>127.0.0.1</c> and <c>[::1]</c>), the host configured in <c>server-port</c>, and, when it
/// listens beyond loopback (which needs a token), any IP address, which no DNS answer can rebind. The port must be
/// the one the connection came in on (a Host without a port means 80). Over a Unix socket nothing is checked: a
/// browser cannot open one, and HTTP clients put any name there.
/// </summary>
internal sealed class HostCheck(ServerAddress server)
{
    private readonly bool _beyondLoopback = server.UnixSocket is null && !server.IsLoopback;

    /// <summary>Whether requests on this server are checked at all (not over a Unix socket).</summary>
    public bool Applies => server.UnixSocket is null;

    /// <summary>The refusal (421) of a request for a name or port krust-pm does not serve, or <see langword="null"/>.</summary>
    public IResult? Refusal(HttpContext context)
    {
        var host = context.Request.Host;
        if (!Applies || !host.HasValue)
        {
            // HTTP/1.0 without a Host header: no browser sends that.
            return null;
        }

        var localPort = context.Connection.LocalPort;
        var port = host.Port ?? (context.Request.IsHttps ? 443 : 80);
        if (IsOwnName(host.Host) && (localPort == 0 || port == localPort))
        {
            return null;
        }

        var served = localPort == 0 ? string.Empty : $" on port {localPort.ToString(CultureInfo.InvariantCulture)}";
        var configured = server.IsLoopback || _beyondLoopback && IPAddress.TryParse(server.Host, out _) ? string.Empty : $", {server.Host}";
        var addresses = _beyondLoopback ? " or an IP address" : string.Empty;
        return Problems.MisdirectedHost(
            $"Host '{host.Value}' is not this krust-pm: it answers for localhost, 127.0.0.1, [::1]{configured}{addresses}{served}. " +
            "Requests for other names are refused so that a web page cannot reach krust-pm through DNS rebinding; " +
            "use one of those names, or give the name in server-port.");
    }

    private bool IsOwnName(string name)
    {
        if (string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase)
            || string.Equals(name.Trim('[', ']'), server.Host, StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(name.Trim('[', ']'), out var address) && (_beyondLoopback || IPAddress.IsLoopback(address));
    }
}

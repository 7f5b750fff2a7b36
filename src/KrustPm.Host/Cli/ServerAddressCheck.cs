using System.Net;
using System.Net.Sockets;
using KrustPm.Host.Config;
using KrustPm.Host.Hosting;

namespace KrustPm.Host.Cli;

/// <summary>
/// Whether krust-pm could listen on <c>server-port</c>: the host name resolves, the Unix socket's folder exists and
/// nothing but a stale socket is in its way (errors for <c>run</c> and <c>check</c> alike); and, for <c>check</c>
/// only, whether the address is free right now (a warning: the krust-pm being replaced may still hold it). <c>run</c>
/// learns that by binding, which is race-free.
/// </summary>
internal static class ServerAddressCheck
{
    /// <summary>An error (the configuration cannot run), or a warning (it cannot run right now).</summary>
    public readonly record struct Finding(string Message, bool IsWarning);

    public static Finding? Inspect(ServerAddress server, bool tryBinding)
    {
        if (server.UnixSocket is { } path)
        {
            var state = UnixSocketGuard.Inspect(path);
            return UnixSocketGuard.Describe(state, path) is not { } problem ? null
                : state == SocketPathState.Live ? (tryBinding ? new Finding($"cannot listen on unix:{path} now: {problem}", IsWarning: true) : null)
                : new Finding($"server-port unix:{path}: {problem}", IsWarning: false);
        }

        if (Addresses(server, out var resolveError) is not { } addresses)
        {
            return new Finding($"server-port {server}: cannot resolve the host name: {resolveError}", IsWarning: false);
        }

        if (!tryBinding)
        {
            return null;
        }

        foreach (var address in addresses)
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(address, server.Port));
            }
            catch (SocketException error)
            {
                var reason = error.SocketErrorCode == SocketError.AddressAlreadyInUse ? "address already in use" : error.Message;
                return new Finding($"cannot listen on {server} now: {reason}", IsWarning: true);
            }
        }

        return null;
    }

    /// <summary>The addresses krust-pm listens on for <paramref name="server"/> (<c>localhost</c>: the IPv4 loopback is enough to tell).</summary>
    private static IPAddress[]? Addresses(ServerAddress server, out string? error)
    {
        error = null;
        if (string.Equals(server.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return [IPAddress.Loopback];
        }

        if (IPAddress.TryParse(server.Host.Trim('[', ']'), out var address))
        {
            return [address];
        }

        try
        {
            return Dns.GetHostAddresses(server.Host);
        }
        catch (SocketException failure)
        {
            error = failure.Message;
            return null;
        }
    }
}

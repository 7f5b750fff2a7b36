using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace KrustPm.Engine.Health;

/// <summary>A TCP probe: passes when a connection to <c>host:port</c> is accepted; the connection is closed at once.</summary>
internal static class TcpProbe
{
    public static async Task<ProbeVerdict> RunAsync(string address, TimeSpan timeout)
    {
        if (!TryParse(address, out var endPoint))
        {
            return ProbeVerdict.Fail($"not a host:port address: '{address}'");
        }

        using var limit = new CancellationTokenSource(timeout);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(endPoint, limit.Token).ConfigureAwait(false);
            return ProbeVerdict.Pass("connected");
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            return ProbeVerdict.Fail(ProbeRunner.TimedOut(timeout));
        }
        catch (SocketException error)
        {
            return ProbeVerdict.Fail(Describe(error, endPoint.Host));
        }
    }

    /// <summary>Splits <c>host:port</c> (an IPv6 host in brackets: <c>[::1]:80</c>).</summary>
    internal static bool TryParse(string address, out DnsEndPoint endPoint)
    {
        endPoint = null!;
        var colon = address.LastIndexOf(':');
        if (colon <= 0
            || !int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || port is < 1 or > 65535)
        {
            return false;
        }

        var host = address[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        if (host.Length == 0)
        {
            return false;
        }

        endPoint = new DnsEndPoint(host, port);
        return true;
    }

    /// <summary>A connection failure in the probes' words ("connection refused"), shared with <see cref="HttpProbe"/>.</summary>
    internal static string Describe(SocketException error, string host) => error.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused",
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => $"host not found: '{host}'",
        SocketError.NetworkUnreachable => "network unreachable",
        SocketError.HostUnreachable => "host unreachable",
        SocketError.TimedOut => "connection timed out",
        SocketError.ConnectionReset => "connection reset",
        _ => error.Message,
    };
}

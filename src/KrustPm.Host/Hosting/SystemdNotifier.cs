using System.Net.Sockets;
using System.Text;
using KrustPm.Host.Config;

namespace KrustPm.Host.Hosting;

/// <summary>
/// systemd's readiness protocol (<c>Type=notify</c>, sd_notify(3)): when <c>NOTIFY_SOCKET</c> names a socket, krust-pm
/// sends <c>READY=1</c> once the API listens and the programs are loaded (the host's ApplicationStarted comes after
/// every hosted service's StartedAsync, where <see cref="EngineService"/> loads them), and <c>STOPPING=1</c> when it
/// begins to stop, each with a <c>STATUS=</c> line that <c>systemctl status</c> shows. Written by hand rather than with
/// Microsoft.Extensions.Hosting.Systemd, which also replaces the console formatter by its own when it detects
/// systemd: one datagram per message is all the protocol needs. The variable is withheld from the programs
/// (<see cref="KrustPmApp.LauncherOptions"/>), so a program cannot report krust-pm ready.
/// </summary>
internal sealed partial class SystemdNotifier(KrustConfig config, IHostApplicationLifetime lifetime, ILogger<SystemdNotifier> logger) : IHostedService
{
    /// <summary>The variable systemd sets for a <c>Type=notify</c> service.</summary>
    public const string SocketVariable = "NOTIFY_SOCKET";

    private readonly string? _socket = Environment.GetEnvironmentVariable(SocketVariable);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_socket is { Length: > 0 } socket)
        {
            lifetime.ApplicationStarted.Register(() => Notify(socket, $"READY=1\nSTATUS={Status(config)}\nMAINPID={Environment.ProcessId}"));
            lifetime.ApplicationStopping.Register(() => Notify(socket, "STOPPING=1\nSTATUS=stopping every program"));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>What <c>systemctl status</c> shows while krust-pm runs.</summary>
    internal static string Status(KrustConfig config) =>
        $"supervising {config.Programs.Length} program(s); API on {config.Server}";

    /// <summary>
    /// Sends one datagram to <paramref name="socket"/>: a path, or <c>@name</c> for an abstract socket (whose address
    /// begins with a NUL byte).
    /// </summary>
    internal static void Send(string socket, string message)
    {
        var address = socket.StartsWith('@') ? "\0" + socket[1..] : socket;
        using var datagram = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        datagram.SendTo(Encoding.UTF8.GetBytes(message), new UnixDomainSocketEndPoint(address));
    }

    private void Notify(string socket, string message)
    {
        try
        {
            Send(socket, message);
        }
        catch (SocketException error)
        {
            // Not fatal: krust-pm supervises as well; systemd will say the start timed out.
            LogNotifyFailed(socket, message[..message.IndexOf('\n', StringComparison.Ordinal)], error.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "cannot tell systemd {Message} through NOTIFY_SOCKET {Socket}: {Reason}")]
    private partial void LogNotifyFailed(string socket, string message, string reason);
}

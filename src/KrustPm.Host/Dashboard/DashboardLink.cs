using System.Net;
using KrustPm.Host.Config;

namespace KrustPm.Host.Dashboard;

/// <summary>
/// Logs the dashboard's address once krust-pm listens: <c>dashboard: http://localhost:4000/ui/</c>. With a token,
/// the link carries it (<c>?token=...</c>, which the page keeps for the browser tab and removes from the address bar)
/// only when krust-pm's log goes to a terminal: a log that is a file or the journal must not hold the secret, so there
/// the line says that the page asks for the token instead.
/// </summary>
internal sealed partial class DashboardLink(KrustConfig config, IHostApplicationLifetime lifetime, ILogger<DashboardLink> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var line = Line(config, logToTerminal: !Console.IsErrorRedirected);
        lifetime.ApplicationStarted.Register(() => LogLink(logger, line));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>What follows <c>dashboard: </c> in the start-up log.</summary>
    internal static string Line(KrustConfig config, bool logToTerminal)
    {
        var server = config.Server;
        if (server.UnixSocket is not null)
        {
            return $"not on {server} (a browser cannot open a Unix socket); serve on a TCP address to use it";
        }

        // A wildcard address is reached on this machine through its loopback.
        var host = IPAddress.TryParse(server.Host.Trim('[', ']'), out var address)
            && (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
            ? ServerAddress.DefaultHost
            : server.Host;
        var url = $"http://{new ServerAddress(host, server.Port)}/ui/";
        return config.AuthToken switch
        {
            null => url,
            { } token when logToTerminal => $"{url}?token={Uri.EscapeDataString(token)}",
            _ => $"{url} (it asks for the token)",
        };
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "dashboard: {Link}")]
    private static partial void LogLink(ILogger logger, string link);
}

using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using KrustPm.Host.Config;

namespace KrustPm.Host.Dashboard;

/// <summary>
/// Logs where krust-pm listens, once it does, in one line with the API's and the dashboard's addresses:
/// <c>listening on http://localhost:4000: API http://localhost:4000/api/v1/programs, dashboard: http://localhost:4000/ui/</c>. With a token,
/// the link carries it (<c>?token=...</c>, which the page keeps for the browser tab and removes from the address bar)
/// only when krust-pm's log goes to a terminal: a log that is a file or the journal must not hold the secret, so there
/// the line says that the page asks for the token instead.
/// </summary>
internal sealed partial class DashboardLink(
    KrustConfig config, IHostApplicationLifetime lifetime, IServer server, ILogger<DashboardLink> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var (line, api) = (Line(config, logToTerminal: !Console.IsErrorRedirected), Api(config));
        lifetime.ApplicationStarted.Register(() =>
        {
            // The addresses Kestrel bound, once it has: "http://127.0.0.1:4000", or both loopbacks' for localhost.
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses;
            var listening = addresses is { Count: > 0 } ? string.Join(", ", addresses) : config.Server.ToString();
            LogListening(logger, listening, api, line);
        });
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

    /// <summary>Where the API answers, as curl would be given it.</summary>
    internal static string Api(KrustConfig config) => config.Server.UnixSocket is { } socket
        ? $"curl --unix-socket {socket} http://localhost/api/v1/programs"
        : $"http://{config.Server}/api/v1/programs";

    [LoggerMessage(EventName = "krust-pm.listening", Level = LogLevel.Information, Message = "listening on {Address}: API {Api}, dashboard: {Link}")]
    private static partial void LogListening(ILogger logger, string address, string api, string link);
}

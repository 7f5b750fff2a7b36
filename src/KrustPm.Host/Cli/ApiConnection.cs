using System.Net.Sockets;
using KrustPm.Host.Config;

namespace KrustPm.Host.Cli;

/// <summary>
/// Where the command line finds the running krust-pm: <c>--url</c>, else <c>KRUST_PM_URL</c> (an http(s) URL or
/// any form of <c>server-port</c>: <c>host:port</c>, a port, <c>unix:PATH</c>), else the
/// <c>server-port</c> of the configuration file found the usual way (<c>-c</c>, <c>krust-pm.toml</c>,
/// <c>rust-pm.toml</c>), else (no <c>-c</c> and no file in the current folder) the default address
/// <c>localhost:4000</c>, said on stderr. The token comes from <c>KRUST_PM_TOKEN</c>, else the file's <c>auth_token</c>.
/// </summary>
internal sealed record ApiConnection(Uri BaseAddress, string? Token, string? UnixSocket, string Source)
{
    /// <summary>Resolves the connection, or reports why it cannot (usage or config error).</summary>
    /// <param name="url">The <c>--url</c> option.</param>
    /// <param name="configPath">The <c>-c</c> option.</param>
    /// <param name="currentDirectory">Where to look for a configuration file; the current directory when <see langword="null"/>.</param>
    /// <param name="notSent">What it means when the file does not load, said after its problems.</param>
    public static async Task<ApiConnection?> ResolveAsync(string? url, string? configPath, string? currentDirectory = null, string notSent = "the command was not sent")
    {
        var token = Environment.GetEnvironmentVariable("KRUST_PM_TOKEN") is { Length: > 0 } fromEnvironment ? fromEnvironment : null;
        var given = url ?? (Environment.GetEnvironmentVariable("KRUST_PM_URL") is { Length: > 0 } fromUrl ? fromUrl : null);
        if (given is not null)
        {
            var from = url is null ? "KRUST_PM_URL" : "--url";
            if (FromText(given, token, from) is { } connection)
            {
                return connection;
            }

            await Console.Error.WriteLineAsync(
                $"krust-pm: '{given}' is not an address krust-pm can reach (from {from}): expected http://HOST:PORT, HOST:PORT, PORT or unix:PATH, as in server-port.");
            return null;
        }

        var location = ConfigLocator.Locate(configPath, currentDirectory ?? Environment.CurrentDirectory);
        if (configPath is null && !location.Found)
        {
            // Run from another folder than krust-pm's (the README starts it with -c): the default address is the
            // best guess, and saying so explains a "cannot reach" that follows.
            var fallback = new Uri($"http://{ServerAddress.Default}/");
            var folder = Path.GetFullPath(currentDirectory ?? Environment.CurrentDirectory);
            await Console.Error.WriteLineAsync(
                $"krust-pm: no {ConfigLocator.DefaultFileName} or {ConfigLocator.FallbackFileName} in {folder}; using the default address {fallback} (give -c FILE or --url to choose)");
            return new ApiConnection(fallback, token, null, "default address");
        }

        if (await StartChecks.LoadWithWarningsAsync(location, notSent) is not { Config: { } config })
        {
            return null;
        }

        return ToServer(config.Server, token ?? config.AuthToken, $"server-port of {config.Path}");
    }

    /// <summary>
    /// An address given on the command line or in <c>KRUST_PM_URL</c>: an http(s) URL, or any form <c>server-port</c>
    /// takes in the configuration (<c>host:port</c>, a port alone, <c>unix:PATH</c>); <see langword="null"/> when it is none.
    /// </summary>
    internal static ApiConnection? FromText(string text, string? token, string source)
    {
        if (text.StartsWith(UnixPrefix, StringComparison.Ordinal))
        {
            return text.Length > UnixPrefix.Length
                ? ToServer(ServerAddress.ForUnixSocket(Path.GetFullPath(text[UnixPrefix.Length..])), token, source)
                : null;
        }

        if (text.Contains("://", StringComparison.Ordinal))
        {
            return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                ? new ApiConnection(uri, token, null, source)
                : null;
        }

        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port))
        {
            return ServerAddress.IsValidPort(port) ? ToServer(ServerAddress.Default with { Port = port }, token, source) : null;
        }

        return ServerAddress.TryParse(text, out var address, out _) ? ToServer(address, token, source) : null;
    }

    private const string UnixPrefix = "unix:";

    private static ApiConnection ToServer(ServerAddress server, string? token, string source)
    {
        if (server.UnixSocket is { } socket)
        {
            return new ApiConnection(new Uri("http://krust-pm/"), token, socket, source);
        }

        // A server listening on every address is reached on this machine's loopback.
        var host = server.Host is "0.0.0.0" ? "127.0.0.1" : server.Host is "::" ? "::1" : server.Host;
        return new ApiConnection(new Uri($"http://{server with { Host = host }}/"), token, null, source);
    }

    /// <summary>What to say when nothing answers there.</summary>
    public string Describe => UnixSocket is { } socket ? $"unix:{socket} ({Source})" : $"{BaseAddress} ({Source})";

    public HttpClient CreateClient()
    {
        var handler = new SocketsHttpHandler();
        if (UnixSocket is { } path)
        {
            handler.ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        var client = new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        // krust-pm's log names commands from here as the CLI's (see Api.CommandLog).
        client.DefaultRequestHeaders.UserAgent.TryParseAdd($"{Api.CommandLog.CliProduct}/{KrustPmCommandLine.Version()}");
        if (Token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Token);
        }

        return client;
    }
}

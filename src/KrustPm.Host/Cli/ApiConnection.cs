using System.Net.Sockets;
using KrustPm.Host.Config;

namespace KrustPm.Host.Cli;

/// <summary>
/// Where the command line finds the running krust-pm: <c>--url</c>, else <c>KRUST_PM_URL</c>, else the
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
            if (!Uri.TryCreate(given, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                await Console.Error.WriteLineAsync($"krust-pm: '{given}' is not an http:// or https:// address (from {(url is null ? "KRUST_PM_URL" : "--url")}).");
                return null;
            }

            return new ApiConnection(uri, token, null, url is null ? "KRUST_PM_URL" : "--url");
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

        var source = $"server-port of {config.Path}";
        if (config.Server.UnixSocket is { } socket)
        {
            return new ApiConnection(new Uri("http://krust-pm/"), token ?? config.AuthToken, socket, source);
        }

        // A server listening on every address is reached on this machine's loopback.
        var host = config.Server.Host is "0.0.0.0" ? "127.0.0.1" : config.Server.Host is "::" ? "::1" : config.Server.Host;
        var address = (config.Server with { Host = host }).ToString();
        return new ApiConnection(new Uri($"http://{address}/"), token ?? config.AuthToken, null, source);
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

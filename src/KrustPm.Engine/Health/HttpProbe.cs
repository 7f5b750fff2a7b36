using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace KrustPm.Engine.Health;

/// <summary>
/// An HTTP probe: one GET, passing on a 2xx status. Redirects are not followed (a 3xx fails, as its status says), the
/// body is never read, and no proxy from the environment applies (a probe checks the instance, not a proxy).
/// </summary>
internal static class HttpProbe
{
    /// <summary>
    /// One client for the whole process: its connection pool keeps one connection per probed address alive between
    /// probes instead of leaving a socket in TIME_WAIT per probe (thousands of instances probed every second would
    /// exhaust the local ports).
    /// </summary>
    private static readonly HttpClient Client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan, // each request carries its own
        DefaultRequestHeaders = { UserAgent = { new ProductInfoHeaderValue("krust-pm-probe", "1") } },
    };

    public static async Task<ProbeVerdict> RunAsync(string url, TimeSpan timeout)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return ProbeVerdict.Fail($"not an http:// or https:// URL: '{url}'");
        }

        using var limit = new CancellationTokenSource(timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, limit.Token)
                .ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var detail = string.Create(CultureInfo.InvariantCulture, $"HTTP {status}");
            return status is >= 200 and <= 299 ? ProbeVerdict.Pass(detail) : ProbeVerdict.Fail(detail);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            return ProbeVerdict.Fail(ProbeRunner.TimedOut(timeout));
        }
        catch (HttpRequestException error)
        {
            return ProbeVerdict.Fail(Describe(error, uri));
        }
    }

    private static string Describe(HttpRequestException error, Uri uri)
    {
        for (Exception? inner = error; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
            {
                return TcpProbe.Describe(socket, uri.Host);
            }
        }

        return error.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => $"host not found: '{uri.Host}'",
            HttpRequestError.SecureConnectionError => $"TLS failed: {error.Message}",
            HttpRequestError.ResponseEnded => "the connection closed before a response",
            HttpRequestError.InvalidResponse => "not an HTTP response",
            _ => error.Message,
        };
    }
}

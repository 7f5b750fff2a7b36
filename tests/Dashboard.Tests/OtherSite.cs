using System.Net;
using System.Text;
using KrustPm.Host.Tests.EndToEnd;

namespace KrustPm.Dashboard.Tests;

/// <summary>
/// A web site of another origin on this machine (<c>http://localhost:PORT/</c>, a free port) serving one page: a real
/// server, so that Chromium treats it as a loopback site like krust-pm (a page Playwright fakes with a route counts
/// as public, and the browser's Local Network Access rules would stop its requests before krust-pm sees them).
/// </summary>
internal sealed class OtherSite : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;

    public OtherSite(string html)
    {
        Url = $"http://localhost:{KrustPmProcess.FreePort()}/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        var body = Encoding.UTF8.GetBytes(html);
        _serving = Task.Run(async () =>
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception error) when (error is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                context.Response.ContentType = "text/html; charset=utf-8";
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        });
    }

    public string Url { get; }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(5));
    }
}

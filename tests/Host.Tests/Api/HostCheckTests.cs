using System.Net;

namespace KrustPm.Host.Tests.Api;

/// <summary>
/// DNS rebinding: a web page on evil.example whose name the attacker re-points at 127.0.0.1 talks to krust-pm as its
/// own origin (same-origin, Origin and Host both evil.example). Without a token, krust-pm answers only requests for
/// its own loopback names (and the configured host), reads as well as changes, and refuses the rest with 421.
/// </summary>
public sealed class HostCheckTests : ApiTestBase
{
    private const string Web = """
        [web]
        command = "./web"
        instances = 2
        max_instances = 5
        """;

    private const string Secret = "s3cret-t0ken-for-host-tests";

    public static TheoryData<string, string, string?> EveryKindOfRequest => new()
    {
        { "POST", "/api/v1/programs/web/restart", null },
        { "POST", "/api/v1/programs/web/stop", null },
        { "POST", "/api/v1/programs/web/scale", """{"instances": 3}""" },
        { "DELETE", "/api/v1/programs/web/instances/0", null },
        { "GET", "/ps?name=web&to=3", null },
        { "GET", "/api/v1/programs/web/logs?instance=0", null },
        { "GET", "/api/v1/programs/web/logs?instance=0&follow=true", null },
        { "GET", "/api/v1/events?since=0", null },
        { "GET", "/", null },
        { "GET", "/api/v1/programs", null },
        { "GET", "/healthz", null },
        { "GET", "/openapi/v1.json", null },
    };

    [Theory]
    [MemberData(nameof(EveryKindOfRequest))]
    public async Task A_page_rebound_to_loopback_is_refused_with_421_naming_the_host_and_changes_nothing(string method, string url, string? body)
    {
        await StartAsync(Web);

        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        request.Headers.Host = "evil.example:4210";
        request.Headers.Add("Origin", "http://evil.example:4210");
        request.Headers.Add("Sec-Fetch-Site", "same-origin");
        if (body is not null)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }

        // Headers only: a stream that was let through would never end.
        using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Token);
        Assert.Equal(HttpStatusCode.MisdirectedRequest, response.StatusCode);
        var problem = await AssertProblemAsync(response, HttpStatusCode.MisdirectedRequest, parameter: null);
        Assert.Contains("evil.example:4210", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("DNS rebinding", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        AssertNothingChanged();
    }

    [Theory]
    [InlineData("evil.example")]
    [InlineData("localhost.evil.example")]
    [InlineData("127.0.0.1.nip.io")]
    [InlineData("evil.localhost")]
    [InlineData("192.168.1.10")]
    [InlineData("[::2]")]
    [InlineData("0.0.0.0")]
    public async Task Any_other_name_is_refused(string host)
    {
        await StartAsync(Web);

        using var response = await SendAsync(HttpMethod.Get, "/", null, ("Host", host));

        await AssertProblemAsync(response, HttpStatusCode.MisdirectedRequest, parameter: null);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("LOCALHOST")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.2")]
    [InlineData("[::1]")]
    public async Task Loopback_names_are_served(string host)
    {
        await StartAsync(Web);

        using var response = await SendAsync(HttpMethod.Post, "/api/v1/programs/web/stop", null, ("Host", host));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task With_a_token_the_token_decides_whatever_the_host()
    {
        await StartAsync($"auth_token = \"{Secret}\"\n{Web}");

        using var authorized = await SendAsync(
            HttpMethod.Get, "/api/v1/programs/web/logs?instance=0", null, ("Host", "evil.example:4210"), ("Authorization", $"Bearer {Secret}"));
        using var anonymous = await SendAsync(HttpMethod.Get, "/api/v1/programs", null, ("Host", "evil.example:4210"));

        Assert.Equal(HttpStatusCode.OK, authorized.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task With_a_token_healthz_which_needs_none_still_refuses_a_foreign_host()
    {
        await StartAsync($"auth_token = \"{Secret}\"\n{Web}");

        using var foreign = await SendAsync(HttpMethod.Get, "/healthz", null, ("Host", "evil.example:4210"));
        using var own = await SendAsync(HttpMethod.Get, "/healthz", null, ("Host", "localhost"));

        await AssertProblemAsync(foreign, HttpStatusCode.MisdirectedRequest, parameter: null);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Fact]
    public async Task The_configured_host_name_is_served_too()
    {
        // krust-pm refuses to start with a server-port host name that does not resolve (it could not listen there),
        // so the name is this machine's own, as a user would give it: resolvable, and not one of the loopback names.
        var name = Dns.GetHostName();
        Assert.SkipWhen(
            string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase) || !Resolves(name),
            $"needs a host name other than localhost that resolves; this machine's is '{name}'");
        await StartAsync($"server-port = \"{name}:4000\"\nauth_token = \"{Secret}\"\n{Web}");

        using var configured = await SendAsync(HttpMethod.Get, "/healthz", null, ("Host", $"{name}:4000"));
        using var other = await SendAsync(HttpMethod.Get, "/healthz", null, ("Host", "krust.evil:4000"));

        Assert.Equal(HttpStatusCode.OK, configured.StatusCode);
        await AssertProblemAsync(other, HttpStatusCode.MisdirectedRequest, parameter: null);
    }

    [Fact]
    public async Task Over_real_sockets_the_port_must_be_the_one_krust_pm_listens_on()
    {
        await StartAsync($"server-port = \"127.0.0.1:{{port}}\"\n{Web}", kestrel: true);
        var port = Host.Port;

        foreach (var host in new[] { $"localhost:{port}", $"127.0.0.1:{port}", $"[::1]:{port}" })
        {
            var served = await RawHttp.SendAsync(port, RawHttp.Request("GET /healthz HTTP/1.1", [$"Host: {host}"]), Token);
            Assert.True(served.Status == 200, $"Host: {host}: {served}");
        }

        foreach (var host in new[] { $"localhost:{port + 1}", "localhost", "localhost:80", $"evil.example:{port}" })
        {
            var refused = await RawHttp.SendAsync(
                port,
                RawHttp.Request(
                    "POST /api/v1/programs/web/restart HTTP/1.1",
                    [$"Host: {host}", $"Origin: http://{host}", "Sec-Fetch-Site: same-origin", "Content-Length: 0"]),
                Token);
            Assert.True(refused.Status == 421, $"Host: {host}: {refused}");
            Assert.Contains(host, refused.Problem().GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        AssertNothingChanged();
    }

    private void AssertNothingChanged()
    {
        Assert.Equal(2, Host.Launcher.Launches.Count);
        Assert.Empty(Host.Launcher.Signals);
        Assert.True(AllRunning(Host.Engine.State));
        Assert.Equal(2, Host.Engine.State.Programs[0].Instances.Length);
    }

    private static bool Resolves(string name)
    {
        try
        {
            return Dns.GetHostAddresses(name).Length > 0;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return false;
        }
    }
}

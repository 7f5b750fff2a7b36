using System.Net;

namespace KrustPm.Host.Tests.Api;

/// <summary>
/// A page of another site cannot make a browser change krust-pm: state-changing requests are refused (403) when
/// the browser says they come from elsewhere (<c>Sec-Fetch-Site</c>, <c>Origin</c>), and no CORS header is ever sent.
/// The test server is <c>http://localhost</c>.
/// </summary>
public sealed class CrossSiteTests : ApiTestBase
{
    private const string OwnOrigin = "http://localhost";

    private const string Web = """
        [web]
        command = "./web"
        instances = 2
        max_instances = 5
        """;

    public static TheoryData<string, string, string?> Changes => new()
    {
        { "POST", "/api/v1/programs/web/stop", null },
        { "POST", "/api/v1/programs/web/start", null },
        { "POST", "/api/v1/programs/web/restart", null },
        { "POST", "/api/v1/programs/web/scale", """{"instances": 3}""" },
        { "POST", "/api/v1/programs/web/signal", """{"signal": "HUP"}""" },
        { "POST", "/api/v1/programs/web/instances/0/stop", null },
        { "POST", "/api/v1/programs/web/instances/0/start", null },
        { "POST", "/api/v1/programs/web/instances/0/restart", null },
        { "DELETE", "/api/v1/programs/web/instances/0", null },
        { "GET", "/ps?name=web&to=3", null },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public async Task A_change_from_another_origin_is_a_403_and_changes_nothing(string method, string url, string? body)
    {
        await StartAsync(Web);

        foreach (var origin in new[] { "https://evil.example", "http://localhost.evil.example", "http://localhost:4000", "https://localhost", "null" })
        {
            using var response = await SendAsync(new HttpMethod(method), url, body, ("Origin", origin));
            var problem = await AssertProblemAsync(response, HttpStatusCode.Forbidden, parameter: null);
            Assert.Contains(origin, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        AssertNothingChanged();
    }

    [Theory]
    [MemberData(nameof(Changes))]
    public async Task A_change_a_browser_marks_cross_site_is_a_403_and_changes_nothing(string method, string url, string? body)
    {
        await StartAsync(Web);

        foreach (var site in new[] { "cross-site", "Cross-Site" })
        {
            using var response = await SendAsync(new HttpMethod(method), url, body, ("Sec-Fetch-Site", site));
            await AssertProblemAsync(response, HttpStatusCode.Forbidden, parameter: null);
        }

        AssertNothingChanged();
    }

    [Theory]
    [InlineData("Origin", OwnOrigin)]
    [InlineData("Origin", "HTTP://LOCALHOST")]
    [InlineData("Sec-Fetch-Site", "same-origin")]
    [InlineData("Sec-Fetch-Site", "none")]
    public async Task A_change_from_this_server_own_pages_or_typed_by_the_user_is_done(string header, string value)
    {
        await StartAsync(Web);

        using var response = await SendAsync(HttpMethod.Post, "/api/v1/programs/web/stop", null, (header, value));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, Host.Launcher.Signals.Count);
    }

    [Fact]
    public async Task A_change_with_neither_header_as_curl_sends_it_is_done()
    {
        await StartAsync(Web);

        Assert.Equal(1, (await GetJsonAsync("/ps?name=web&to=3")).GetInt32());
        Assert.Equal(3, (await PostJsonAsync("/api/v1/programs/web/stop")).GetProperty("affected").GetInt32());
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/api/v1/programs")]
    [InlineData("/api/v1/programs/web")]
    [InlineData("/healthz")]
    [InlineData("/openapi/v1.json")]
    public async Task Reading_is_allowed_cross_site_since_without_CORS_the_page_cannot_see_the_answer(string url)
    {
        await StartAsync(Web);

        using var response = await SendAsync(HttpMethod.Get, url, null, ("Origin", "https://evil.example"), ("Sec-Fetch-Site", "cross-site"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("GET", "/")]
    [InlineData("GET", "/api/v1/programs")]
    [InlineData("POST", "/api/v1/programs/web/stop")]
    [InlineData("GET", "/ps?name=web&to=1")]
    [InlineData("OPTIONS", "/api/v1/programs/web/stop")]
    [InlineData("OPTIONS", "/")]
    public async Task No_answer_carries_a_CORS_header(string method, string url)
    {
        await StartAsync(Web);

        foreach (var origin in new[] { "https://evil.example", OwnOrigin })
        {
            using var response = await SendAsync(
                new HttpMethod(method),
                url,
                null,
                ("Origin", origin),
                ("Access-Control-Request-Method", "POST"),
                ("Access-Control-Request-Headers", "authorization, content-type"));

            Assert.True(response.StatusCode < HttpStatusCode.InternalServerError, $"{method} {url}: {response.StatusCode}");
            var cors = response.Headers.Concat(response.Content.Headers).Where(h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
            Assert.Empty(cors);
        }
    }

    [Theory]
    [InlineData("/PS?name=web&to=3")]
    [InlineData("/Ps?name=web&to=3")]
    [InlineData("/ps/?name=web&to=3")]
    public async Task The_seed_scale_endpoint_is_guarded_however_its_path_is_spelt(string url)
    {
        await StartAsync(Web);

        using var response = await SendAsync(HttpMethod.Get, url, null, ("Sec-Fetch-Site", "cross-site"));

        await AssertProblemAsync(response, HttpStatusCode.Forbidden, parameter: null);
        AssertNothingChanged();
    }

    private void AssertNothingChanged()
    {
        Assert.Equal(2, Host.Launcher.Launches.Count);
        Assert.Empty(Host.Launcher.Signals);
        Assert.True(AllRunning(Host.Engine.State));
        Assert.Equal(2, Host.Engine.State.Programs[0].Instances.Length);
    }
}

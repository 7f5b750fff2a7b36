using System.Net;
using KrustPm.Host.Tests.Api;

namespace KrustPm.Host.Tests.Dashboard;

/// <summary>
/// <c>/ui/</c>: the dashboard's embedded files, served with a strict Content-Security-Policy; the files need no token
/// (a browser opening a page cannot send one) but still answer only for krust-pm's own host names, and the page's
/// settings need the token like the API. The page itself is tested in Chromium (tests/Dashboard.Tests).
/// </summary>
public sealed class DashboardServingTests : ApiTestBase
{
    private const string Secret = "s3cret-t0ken-for-dashboard";

    private const string Web = """
        [web]
        command = "./web"
        """;

    public static TheoryData<string, string> EveryFile => new()
    {
        { "/ui/", "text/html" },
        { "/ui/index.html", "text/html" },
        { "/ui/app.js", "text/javascript" },
        { "/ui/api.js", "text/javascript" },
        { "/ui/ansi.js", "text/javascript" },
        { "/ui/dashboard.css", "text/css" },
        { "/ui/icon.svg", "image/svg+xml" },
    };

    [Theory]
    [MemberData(nameof(EveryFile))]
    public async Task Each_file_is_served_with_its_type_a_strict_content_security_policy_nosniff_and_no_referrer(string url, string type)
    {
        await StartAsync(Web);

        using var response = await SendAsync(HttpMethod.Get, url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
        AssertSecured(response);
    }

    [Fact]
    public async Task The_page_loads_only_its_own_files_and_has_no_inline_script()
    {
        await StartAsync(Web);

        var page = await Client.GetStringAsync("/ui/", Token);

        Assert.Contains("<script type=\"module\" src=\"app.js\"></script>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", page, StringComparison.Ordinal);
        Assert.DoesNotContain(" style=", page, StringComparison.Ordinal);
        Assert.DoesNotContain("http", page.Replace("http-equiv", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ui_without_its_slash_redirects_to_ui_slash()
    {
        await StartAsync(Web);

        using var client = Host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await client.GetAsync("/ui", Token);

        Assert.Equal(HttpStatusCode.PermanentRedirect, response.StatusCode);
        Assert.Equal("/ui/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task An_unknown_file_is_a_404_problem_naming_it()
    {
        await StartAsync(Web);

        using var response = await SendAsync(HttpMethod.Get, "/ui/secrets.txt");

        var problem = await AssertProblemAsync(response, HttpStatusCode.NotFound, "file");
        Assert.Contains("secrets.txt", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        AssertSecured(response);
    }

    [Fact]
    public async Task An_unchanged_file_is_answered_304_to_its_etag()
    {
        await StartAsync(Web);
        using var first = await SendAsync(HttpMethod.Get, "/ui/app.js");

        using var again = await SendAsync(HttpMethod.Get, "/ui/app.js", null, ("If-None-Match", first.Headers.ETag!.Tag));

        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
    }

    [Fact]
    public async Task With_a_token_the_files_need_none_but_the_settings_and_the_api_do()
    {
        await StartAsync($"auth_token = \"{Secret}\"\n{Web}");

        using var page = await SendAsync(HttpMethod.Get, "/ui/");
        using var script = await SendAsync(HttpMethod.Get, "/ui/app.js");
        using var settings = await SendAsync(HttpMethod.Get, "/ui/dashboard.json");
        using var withToken = await SendAsync(HttpMethod.Get, "/ui/dashboard.json", null, ("Authorization", $"Bearer {Secret}"));

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, settings.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withToken.StatusCode);
        Assert.DoesNotContain(Secret, await page.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/ui/")]
    [InlineData("/ui/app.js")]
    public async Task With_a_token_the_files_still_refuse_a_foreign_host(string url)
    {
        await StartAsync($"auth_token = \"{Secret}\"\n{Web}");

        using var response = await SendAsync(HttpMethod.Get, url, null, ("Host", "evil.example:4000"));

        Assert.Equal(HttpStatusCode.MisdirectedRequest, response.StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_settings_say_whether_krust_pm_is_read_only(bool readOnly)
    {
        await StartAsync($"read_only = {(readOnly ? "true" : "false")}\n{Web}");

        var settings = await GetJsonAsync("/ui/dashboard.json");

        Assert.Equal(readOnly, settings.GetProperty("readOnly").GetBoolean());
    }

    private static void AssertSecured(HttpResponseMessage response)
    {
        var policy = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }
}

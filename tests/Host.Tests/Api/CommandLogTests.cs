using System.Net;

namespace KrustPm.Host.Tests.Api;

/// <summary>
/// Every command that changes something is logged once, when krust-pm takes it, as
/// <c>command: WHAT TARGET (API|CLI ADDRESS, USER-AGENT)</c>: who changed what can be read back from krust-pm's log.
/// </summary>
public sealed class CommandLogTests : ApiTestBase
{
    private const string Web = """
        server-port = "127.0.0.1:{port}"
        [web]
        command = "./web"
        instances = 3
        max_instances = 9
        """;

    public static TheoryData<string, string, string?, string> EveryCommand => new()
    {
        { "POST", "/api/v1/programs/web/start", null, "start web" },
        { "POST", "/api/v1/programs/web/stop", null, "stop web" },
        { "POST", "/api/v1/programs/web/restart", null, "restart web" },
        { "POST", "/api/v1/programs/web/restart?rolling=true", null, "restart web (rolling)" },
        { "POST", "/api/v1/programs/web/scale", """{"instances": 4}""", "scale web to 4" },
        { "GET", "/ps?name=web&to=5", null, "scale web to 5" },
        { "POST", "/api/v1/programs/web/signal", """{"signal": "SIGHUP"}""", "signal HUP to web" },
        { "POST", "/api/v1/programs/web/signal", """{"signal": "usr1", "instance": 2}""", "signal USR1 to web.2" },
        { "POST", "/api/v1/programs/web/instances/1/start", null, "start web.1" },
        { "POST", "/api/v1/programs/web/instances/1/stop", null, "stop web.1" },
        { "POST", "/api/v1/programs/web/instances/1/restart", null, "restart web.1" },
        { "DELETE", "/api/v1/programs/web/instances/1", null, "delete web.1" },
    };

    [Theory]
    [MemberData(nameof(EveryCommand))]
    public async Task Each_command_is_logged_once_with_its_target_and_who_asked(string method, string url, string? body, string what)
    {
        await StartAsync(Web, kestrel: true);
        Client.DefaultRequestHeaders.UserAgent.ParseAdd("curl/8.5.0");

        using var response = await SendAsync(new HttpMethod(method), url, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([$"command: {what} (API 127.0.0.1, curl/8.5.0)"], CommandLines());
    }

    [Fact]
    public async Task A_command_from_krust_pm_s_own_command_line_says_CLI()
    {
        await StartAsync(Web, kestrel: true);
        Client.DefaultRequestHeaders.UserAgent.ParseAdd("krust-pm-cli/1.2.3");

        using var response = await SendAsync(HttpMethod.Post, "/api/v1/programs/web/scale", """{"instances": 4}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["command: scale web to 4 (CLI 127.0.0.1, krust-pm-cli/1.2.3)"], CommandLines());
    }

    [Fact]
    public async Task A_client_without_a_user_agent_is_named_by_its_address()
    {
        await StartAsync(Web, kestrel: true);

        using var response = await SendAsync(HttpMethod.Post, "/api/v1/programs/web/stop");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["command: stop web (API 127.0.0.1)"], CommandLines());
    }

    [Theory]
    [InlineData("POST", "/api/v1/programs/nope/stop", null)]
    [InlineData("POST", "/api/v1/programs/web/scale", """{"instances": "4"}""")]
    [InlineData("GET", "/ps?name=web&to=many", null)]
    public async Task A_request_refused_before_it_reaches_the_engine_is_no_command(string method, string url, string? body)
    {
        await StartAsync(Web, kestrel: true);

        using var response = await SendAsync(new HttpMethod(method), url, body);

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, response.StatusCode.ToString());
        Assert.Empty(CommandLines());
    }

    [Fact]
    public async Task Reading_is_never_logged_as_a_command()
    {
        await StartAsync(Web, kestrel: true);

        await GetJsonAsync("/");
        await GetJsonAsync("/api/v1/programs/web");
        await GetJsonAsync("/healthz");

        Assert.Empty(CommandLines());
    }

    private string[] CommandLines() =>
        [.. Host.Log.Entries.Where(e => e.Message.StartsWith("command:", StringComparison.Ordinal)).Select(e => e.Message)];
}

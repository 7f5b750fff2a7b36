using System.Net;

namespace KrustPm.Host.Tests.Api;

/// <summary>With <c>read_only = true</c>, every endpoint that changes something is a 403; every read works.</summary>
public sealed class ReadOnlyTests : ApiTestBase
{
    private const string ReadOnly = """
        read_only = true

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
        { "POST", "/api/v1/programs/web/restart?rolling=true", null },
        { "POST", "/api/v1/programs/web/scale", """{"instances": 3}""" },
        { "POST", "/api/v1/programs/web/signal", """{"signal": "HUP"}""" },
        { "POST", "/api/v1/programs/web/instances/0/stop", null },
        { "POST", "/api/v1/programs/web/instances/0/start", null },
        { "POST", "/api/v1/programs/web/instances/0/restart", null },
        { "POST", "/api/v1/logs/reopen", null },
        { "DELETE", "/api/v1/programs/web/instances/0", null },
        { "POST", "/api/v1/reload", null },
        { "POST", "/api/v1/reload?dryRun=true", null },
        { "GET", "/ps?name=web&to=3", null },
        { "GET", "/PS?name=web&to=3", null },
        { "GET", "/ps/?name=web&to=0", null },
        { "PUT", "/api/v1/programs/web", null },
        { "PATCH", "/api/v1/programs/web", null },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public async Task Every_change_is_a_403_saying_krust_pm_is_read_only(string method, string url, string? body)
    {
        await StartAsync(ReadOnly);

        var problem = await SendProblemAsync(new HttpMethod(method), url, body, HttpStatusCode.Forbidden, parameter: null);

        Assert.Equal("krust-pm is read-only", problem.GetProperty("title").GetString());
        Assert.Equal(2, Host.Launcher.Launches.Count);
        Assert.Empty(Host.Launcher.Signals);
        Assert.True(AllRunning(Host.Engine.State));
        Assert.Equal(2, Host.Engine.State.Programs[0].Instances.Length);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/?status=Running")]
    [InlineData("/api/v1/programs")]
    [InlineData("/api/v1/programs/web")]
    [InlineData("/api/v1/programs/web/logs?instance=1")]
    [InlineData("/healthz")]
    [InlineData("/openapi/v1.json")]
    public async Task Every_read_works(string url)
    {
        await StartAsync(ReadOnly);

        using var response = await SendAsync(HttpMethod.Get, url);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task The_event_stream_works()
    {
        await StartAsync(ReadOnly);

        await using var stream = await EventReader.OpenAsync(Client, "/api/v1/events?since=0");

        Assert.Equal("program.loaded", (await stream.NextAsync()).Type);
    }

    [Fact]
    public async Task A_missing_token_is_a_401_before_read_only_is_a_403()
    {
        await StartAsync("auth_token = \"0123456789abcdef\"\n" + ReadOnly);

        using var anonymous = await SendAsync(HttpMethod.Post, "/api/v1/programs/web/stop");
        using var authenticated = await SendAsync(HttpMethod.Post, "/api/v1/programs/web/stop", null, ("Authorization", "Bearer 0123456789abcdef"));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, authenticated.StatusCode);
    }
}

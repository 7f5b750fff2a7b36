using System.Net;
using KrustPm.Engine;

namespace KrustPm.Host.Tests.Api;

/// <summary>With <c>auth_token</c>, every request but <c>GET /healthz</c> needs <c>Authorization: Bearer TOKEN</c>.</summary>
public sealed class BearerTokenTests : ApiTestBase
{
    private const string Secret = "s3cret-t0ken-for-tests";

    private const string Guarded = $"""
        auth_token = "{Secret}"

        [web]
        command = "./web"
        instances = 2
        max_instances = 5
        """;

    private static readonly (string Method, string Url)[] Endpoints =
    [
        ("GET", "/"),
        ("GET", "/?status=Running"),
        ("GET", "/ps?name=web&to=3"),
        ("GET", "/api/v1/programs"),
        ("GET", "/api/v1/programs/web"),
        ("GET", "/api/v1/programs/web/logs?instance=0"),
        ("GET", "/api/v1/events?since=0"),
        ("GET", "/openapi/v1.json"),
        ("POST", "/api/v1/programs/web/stop"),
        ("POST", "/api/v1/programs/web/instances/1/restart"),
        ("DELETE", "/api/v1/programs/web/instances/1"),
    ];

    public static TheoryData<string, string> EveryEndpoint => new(Endpoints);

    [Theory]
    [MemberData(nameof(EveryEndpoint))]
    public async Task Without_a_token_every_endpoint_is_a_401_asking_for_a_bearer_token(string method, string url)
    {
        await StartAsync(Guarded);

        using var response = await SendAsync(new HttpMethod(method), url);

        await AssertUnauthorizedAsync(response);
        AssertNothingChanged();
    }

    [Theory]
    [InlineData("Bearer wrong-token-of-some-length")]
    [InlineData($"Bearer {Secret}x")]
    [InlineData($"Bearer x{Secret}")]
    [InlineData("Bearer s3cret-t0ken-for-test")]
    [InlineData("Bearer ")]
    [InlineData("Bearer")]
    [InlineData($"Basic {Secret}")]
    [InlineData(Secret)]
    [InlineData($"Token {Secret}")]
    public async Task A_wrong_token_or_scheme_is_a_401(string authorization)
    {
        await StartAsync(Guarded);

        foreach (var (method, url) in Endpoints)
        {
            using var response = await SendAsync(new HttpMethod(method), url, null, ("Authorization", authorization));
            await AssertUnauthorizedAsync(response);
        }

        AssertNothingChanged();
    }

    [Theory]
    [MemberData(nameof(EveryEndpoint))]
    public async Task The_right_token_opens_every_endpoint(string method, string url)
    {
        await StartAsync(Guarded);

        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        request.Headers.Authorization = new("Bearer", Secret);
        using var response = await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Token);

        Assert.True(response.IsSuccessStatusCode, $"{method} {url}: {response.StatusCode}");
    }

    [Theory]
    [InlineData($"bearer {Secret}")]
    [InlineData($"BEARER {Secret}")]
    [InlineData($"Bearer  {Secret} ")]
    public async Task The_scheme_is_case_insensitive_and_spaces_around_the_token_do_not_count(string authorization)
    {
        await StartAsync(Guarded);

        using var response = await SendAsync(HttpMethod.Get, "/api/v1/programs", null, ("Authorization", authorization));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_token_in_the_query_string_does_not_count()
    {
        await StartAsync(Guarded);

        using var response = await SendAsync(HttpMethod.Get, $"/api/v1/programs?access_token={Secret}");

        await AssertUnauthorizedAsync(response);
    }

    [Fact]
    public async Task Healthz_needs_no_token()
    {
        await StartAsync(Guarded);

        var health = await GetJsonAsync("/healthz");

        Assert.Equal("ok", health.GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_unknown_path_is_a_401_too_so_that_nothing_is_learnt_without_the_token()
    {
        await StartAsync(Guarded);

        using var response = await SendAsync(HttpMethod.Get, "/api/v1/nothing-here");

        await AssertUnauthorizedAsync(response);
    }

    [Fact]
    public async Task Without_auth_token_no_token_is_needed()
    {
        await StartAsync("[web]\ncommand = \"./web\"\n");

        using var response = await SendAsync(HttpMethod.Post, "/api/v1/programs/web/stop");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task AssertUnauthorizedAsync(HttpResponseMessage response)
    {
        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, parameter: null);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    private void AssertNothingChanged()
    {
        Assert.Equal(2, Host.Launcher.Launches.Count);
        Assert.Empty(Host.Launcher.Signals);
        Assert.True(AllRunning(Host.Engine.State));
        Assert.Equal(2, Host.Engine.State.Programs[0].Instances.Length);
        Assert.Equal(InstanceStatus.Running, Host.Engine.State.Programs[0].Instances[1].Status);
    }
}

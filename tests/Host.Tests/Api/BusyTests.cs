using System.Net;
using KrustPm.Engine;

namespace KrustPm.Host.Tests.Api;

/// <summary>
/// Past <see cref="ProcessEngine.MaxQueuedCommands"/> waiting commands, a command is refused at once: 503 with
/// <c>Retry-After: 1</c>. Made deterministic by holding the engine loop in a launch (the launcher's gate) while the
/// queue fills up.
/// </summary>
public sealed class BusyTests : ApiTestBase
{
    [Fact]
    public async Task A_command_beyond_the_queue_limit_is_a_503_with_Retry_After_and_works_once_the_queue_drains()
    {
        await StartAsync("""
            [web]
            command = "./web"
            max_instances = 10
            """);
        using var gate = new ManualResetEventSlim(false);
        Host.Launcher.LaunchGate = gate;
        var holding = Host.Engine.ScaleAsync("web", 2, Token);
        await EventuallyAsync(() => Host.Launcher.Launches.Count == 2, "the engine loop is held in a launch");
        var queued = Enumerable.Range(0, ProcessEngine.MaxQueuedCommands).Select(_ => Host.Engine.StartInstancesAsync("web", null, Token)).ToList();
        Assert.DoesNotContain(queued, q => q.IsCompleted); // all of them wait: the queue is exactly full

        foreach (var (method, url, body) in new (string, string, string?)[]
        {
            ("POST", "/api/v1/programs/web/stop", null),
            ("POST", "/api/v1/programs/web/restart?rolling=true", null),
            ("POST", "/api/v1/programs/web/scale", """{"instances": 5}"""),
            ("POST", "/api/v1/programs/web/signal", """{"signal": "HUP"}"""),
            ("POST", "/api/v1/programs/web/instances/0/start", null),
            ("DELETE", "/api/v1/programs/web/instances/0", null),
            ("GET", "/ps?name=web&to=3", null),
        })
        {
            using var response = await SendAsync(new HttpMethod(method), url, body);
            var problem = await AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, parameter: null);
            Assert.Equal("krust-pm is busy", problem.GetProperty("title").GetString());
            Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
        }

        gate.Set();
        Assert.True((await holding).Accepted);
        Assert.All(await Task.WhenAll(queued), answer => Assert.True(answer.Accepted));
        Assert.Equal(2, (await PostJsonAsync("/api/v1/programs/web/stop")).GetProperty("affected").GetInt32());
    }

    [Fact]
    public async Task Reads_still_answer_while_the_engine_is_busy()
    {
        await StartAsync("[web]\ncommand = \"./web\"\nmax_instances = 10\n");
        using var gate = new ManualResetEventSlim(false);
        Host.Launcher.LaunchGate = gate;
        var holding = Host.Engine.ScaleAsync("web", 2, Token);
        await EventuallyAsync(() => Host.Launcher.Launches.Count == 2, "the engine loop is held in a launch");

        Assert.Equal(2, (await GetJsonAsync("/api/v1/programs/web")).GetProperty("totalInstances").GetInt32());
        Assert.Equal("ok", (await GetJsonAsync("/healthz")).GetProperty("status").GetString());

        gate.Set();
        Assert.True((await holding).Accepted);
    }
}

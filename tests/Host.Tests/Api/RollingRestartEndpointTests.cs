using System.Net;
using System.Text.Json;
using KrustPm.Engine;
using KrustPm.Host.Api;

namespace KrustPm.Host.Tests.Api;

/// <summary>
/// <c>POST /api/v1/programs/{name}/restart?rolling=true</c>: the answer comes once the last new run is ready (200), or
/// says which new run failed (502), what ended it (409), or which instance had not become ready when the wait ran
/// out (504); <c>?wait=false</c> answers at once (202). The programs here say when they are ready by a ready line,
/// which the test prints through the scripted launcher: nothing depends on the clock.
/// </summary>
public sealed class RollingRestartEndpointTests : ApiTestBase
{
    private const string ThreeWebs = """
        [web]
        command = "./web"
        instances = 3
        ready_log_line = "listening"
        restart_delay_ms = 100
        """;

    [Fact]
    public async Task The_answer_comes_once_the_last_new_run_is_ready_and_each_instance_is_stopped_only_once_the_previous_one_is()
    {
        await StartReadyAsync();
        var before = Host.Launcher.Journal.Count;

        var restarting = SendAsync(HttpMethod.Post, "/api/v1/programs/web/restart?rolling=true");
        for (var id = 0; id < 3; id++)
        {
            var instance = id;
            var ready = await WaitForAsync(s => s.Programs[0].Instances[instance] is { Status: InstanceStatus.Running, CurrentTry: 2 });

            // The new run is up, not ready: the next instance still runs its old run, and the answer waits.
            Assert.Equal(instance * 2 + 2, Host.Launcher.Journal.Count - before);
            Assert.All(ready.Programs[0].Instances.Skip(instance + 1), i => Assert.Equal((InstanceStatus.Running, 1), (i.Status, i.CurrentTry)));
            Assert.False(restarting.IsCompleted);
            Host.Launcher.PrintReadyLine(ready.Programs[0].Instances[instance].RunId!.Value, "listening on 8080");
        }

        using var answer = await restarting;
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("""{"program":"web","action":"restart","affected":3}""", Compact(await answer.Content.ReadAsStringAsync(Token)));
        Assert.Equal(
            ["signal web.0 TERM", "launch web.0", "signal web.1 TERM", "launch web.1", "signal web.2 TERM", "launch web.2"],
            Host.Launcher.Journal.Skip(before));
    }

    [Fact]
    public async Task A_new_run_that_exits_before_it_is_ready_is_a_502_naming_it_and_the_instances_left_running()
    {
        await StartReadyAsync();
        var oldRuns = Host.Engine.State.Programs[0].Instances.Select(i => i.RunId).ToArray();
        var restarting = SendAsync(HttpMethod.Post, "/api/v1/programs/web/restart?rolling=true");
        var first = (await WaitForAsync(s => s.Programs[0].Instances[0] is { Status: InstanceStatus.Running, CurrentTry: 2 })).Programs[0].Instances[0];
        Host.Launcher.PrintReadyLine(first.RunId!.Value, "listening");
        var second = (await WaitForAsync(s => s.Programs[0].Instances[1] is { Status: InstanceStatus.Running, CurrentTry: 2 })).Programs[0].Instances[1];

        Host.Launcher.Exit(second.RunId!.Value, 3);

        using var answer = await restarting;
        var problem = await AssertProblemAsync(answer, HttpStatusCode.BadGateway, null);
        Assert.Equal(
            "The rolling restart of 'web' stopped at web.1: web.1's new run exited with code 3 before it was ready. "
            + "Restarted: web.0; not restarted (left as they were): web.2.",
            problem.GetProperty("detail").GetString());
        Assert.Equal(("web", 1, "[0]", "[2]"), (
            problem.GetProperty("program").GetString(), problem.GetProperty("instance").GetInt64(),
            JsonSerializer.Serialize(problem.GetProperty("restarted")), JsonSerializer.Serialize(problem.GetProperty("notRestarted"))));
        var web = Host.Engine.State.Programs[0];
        Assert.Null(web.Rolling);
        Assert.Equal((InstanceStatus.Running, oldRuns[2]), (web.Instances[2].Status, web.Instances[2].RunId)); // untouched
    }

    [Fact]
    public async Task A_stop_ends_a_rolling_restart_which_answers_409_and_the_stop_applies()
    {
        await StartReadyAsync();
        var restarting = SendAsync(HttpMethod.Post, "/api/v1/programs/web/restart?rolling=true");
        await WaitForAsync(s => s.Programs[0].Instances[0] is { Status: InstanceStatus.Running, CurrentTry: 2 });

        var stopped = await PostJsonAsync("/api/v1/programs/web/instances/0/stop");

        Assert.Equal(1, stopped.GetProperty("affected").GetInt32());
        using var answer = await restarting;
        var problem = await AssertProblemAsync(answer, HttpStatusCode.Conflict, null);
        Assert.StartsWith("The rolling restart of 'web' was interrupted at web.0 by a stop command.", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(["Stopped", "Running", "Running"], Statuses(await ProgramAsync("web")));
    }

    [Fact]
    public async Task When_the_wait_runs_out_the_answer_is_a_504_naming_the_instance_not_ready_and_the_rolling_restart_goes_on()
    {
        await StartReadyAsync();

        var problem = await SendProblemAsync(HttpMethod.Post, "/api/v1/programs/web/restart?rolling=true&timeout=1", null, HttpStatusCode.GatewayTimeout, null);

        Assert.Equal(
            "web.0 did not become ready within 1 s (Running, not ready: no output line has matched 'listening' yet); 0 of 3 instance(s) restarted so far. "
            + "The rolling restart goes on: follow it with GET /api/v1/programs/web (rollingRestart), or end it with a stop of the program or of web.0.",
            problem.GetProperty("detail").GetString());
        Assert.Equal(("web", 0), (problem.GetProperty("program").GetString(), problem.GetProperty("instance").GetInt64()));
        var rolling = (await ProgramAsync("web")).GetProperty("rollingRestart");
        Assert.Equal("""{"current":0,"remaining":[1,2]}""", JsonSerializer.Serialize(rolling));
    }

    [Fact]
    public async Task Without_waiting_the_answer_is_a_202_at_once_and_the_rolling_restart_goes_on()
    {
        await StartReadyAsync();

        using var answer = await SendAsync(HttpMethod.Post, "/api/v1/programs/web/restart?rolling=true&wait=false");

        Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        Assert.Equal("/api/v1/programs/web", answer.Headers.Location?.OriginalString);
        Assert.Equal("""{"program":"web","action":"restart","affected":3}""", Compact(await answer.Content.ReadAsStringAsync(Token)));
        var rolling = await WaitForAsync(s => s.Programs[0].Instances[0] is { Status: InstanceStatus.Running, CurrentTry: 2 });
        Assert.Equal(0, rolling.Programs[0].Rolling!.Current);
    }

    [Theory]
    [InlineData("?rolling=true&wait=maybe", "wait")]
    [InlineData("?rolling=true&wait=true&wait=false", "wait")]
    [InlineData("?rolling=true&timeout=0", "timeout")]
    [InlineData("?rolling=true&timeout=86401", "timeout")]
    [InlineData("?rolling=true&timeout=1.5", "timeout")]
    [InlineData("?rolling=true&timeout=soon", "timeout")]
    [InlineData("?timeout=60", "timeout")]
    [InlineData("?rolling=true&wait=false&timeout=60", "timeout")]
    public async Task A_bad_wait_or_timeout_is_a_400_naming_it_and_restarts_nothing(string query, string parameter)
    {
        await StartReadyAsync();
        var before = Host.Launcher.Journal.Count;

        await SendProblemAsync(HttpMethod.Post, $"/api/v1/programs/web/restart{query}", null, HttpStatusCode.BadRequest, parameter);

        Assert.Equal(before, Host.Launcher.Journal.Count);
    }

    [Fact]
    public void The_default_wait_gives_each_instance_its_stop_timeout_its_min_uptime_and_a_minute()
    {
        var spec = new ProgramSpec("web", "./web", ["./web"]) { StopTimeout = TimeSpan.FromSeconds(10), MinUptime = TimeSpan.FromSeconds(1) };

        Assert.Equal(TimeSpan.FromSeconds(3 * 71), RestartWait.DefaultTimeout(spec, 3));
    }

    private static string Compact(string json) => JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement);

    /// <summary>Starts the three webs and makes each ready.</summary>
    private async Task StartReadyAsync()
    {
        await StartAsync(ThreeWebs);
        foreach (var instance in Host.Engine.State.Programs[0].Instances)
        {
            Host.Launcher.PrintReadyLine(instance.RunId!.Value, "listening");
        }

        await WaitForAsync(s => s.Programs[0].Instances.All(i => i.Ready is true));
    }
}

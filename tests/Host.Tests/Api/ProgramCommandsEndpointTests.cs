using System.Text.Json;
using KrustPm.Engine;

namespace KrustPm.Host.Tests.Api;

/// <summary>
/// <c>POST /api/v1/programs/{name}/start|stop|restart|scale|signal</c>: the answer, and the state each leaves.
/// </summary>
public sealed class ProgramCommandsEndpointTests : ApiTestBase
{
    private const string ThreeWebs = """
        [web]
        command = "./web"
        instances = 3
        max_instances = 5

        [worker]
        command = "./worker"
        """;

    [Fact]
    public async Task Stop_answers_once_every_process_exited_and_leaves_the_instances_listed_as_Stopped()
    {
        await StartAsync(ThreeWebs);
        var runs = RunsOf("web");

        var answer = await PostJsonAsync("/api/v1/programs/web/stop");

        AssertCommand(answer, "web", "stop", affected: 3);
        Assert.Equal(runs.Select(r => (r, Signals.Terminate)), Host.Launcher.Signals);
        var web = await ProgramAsync("web");
        Assert.Equal([0L, 1L, 2L], Ids(web));
        Assert.Equal(["Stopped", "Stopped", "Stopped"], Statuses(web));
        Assert.Equal(["Running"], Statuses(await ProgramAsync("worker"))); // other programs are left alone
    }

    [Fact]
    public async Task Stop_of_a_stopped_program_affects_nothing()
    {
        await StartAsync(ThreeWebs);
        await PostJsonAsync("/api/v1/programs/web/stop");

        var again = await PostJsonAsync("/api/v1/programs/web/stop");

        AssertCommand(again, "web", "stop", affected: 0);
        Assert.Equal(3, Host.Launcher.Signals.Count);
    }

    [Fact]
    public async Task Start_brings_stopped_instances_back_with_the_same_ids_on_their_next_try()
    {
        await StartAsync(ThreeWebs);
        await PostJsonAsync("/api/v1/programs/web/stop");

        var answer = await PostJsonAsync("/api/v1/programs/web/start");
        await WaitForAsync(AllRunning);

        AssertCommand(answer, "web", "start", affected: 3);
        var web = await ProgramAsync("web");
        Assert.Equal([0L, 1L, 2L], Ids(web));
        Assert.Equal(["Running", "Running", "Running"], Statuses(web));
        Assert.All(web.GetProperty("instances").EnumerateArray(), i => Assert.Equal(2, i.GetProperty("currentTry").GetInt32()));
    }

    [Fact]
    public async Task Start_of_running_instances_starts_nothing()
    {
        await StartAsync(ThreeWebs);

        var answer = await PostJsonAsync("/api/v1/programs/web/start");

        AssertCommand(answer, "web", "start", affected: 0);
        Assert.Equal(4, Host.Launcher.Launches.Count);
    }

    [Fact]
    public async Task Restart_stops_and_starts_every_instance_and_answers_once_all_were_stopped()
    {
        await StartAsync(ThreeWebs);
        var runs = RunsOf("web");

        var answer = await PostJsonAsync("/api/v1/programs/web/restart");

        AssertCommand(answer, "web", "restart", affected: 3);
        Assert.Equal(runs.Select(r => (r, Signals.Terminate)), Host.Launcher.Signals);
        await WaitForAsync(AllRunning);
        var web = await ProgramAsync("web");
        Assert.Equal([0L, 1L, 2L], Ids(web));
        Assert.All(web.GetProperty("instances").EnumerateArray(), i => Assert.Equal(2, i.GetProperty("currentTry").GetInt32()));
        Assert.Empty(RunsOf("web").Intersect(runs));
    }

    [Theory]
    [InlineData("")]
    [InlineData("?rolling=false")]
    public async Task Restart_without_rolling_signals_every_instance_at_once(string query)
    {
        await StartAsync(ThreeWebs);
        Host.Launcher.SignalsEndRuns = false;
        var runs = RunsOf("web");

        var restarting = PostJsonAsync($"/api/v1/programs/web/restart{query}");
        await EventuallyAsync(() => Host.Launcher.Signals.Count == 3, "three instances were signalled");

        Assert.Equal(runs.Select(r => (r, Signals.Terminate)), Host.Launcher.Signals);
        foreach (var run in runs)
        {
            Host.Launcher.Exit(run, 143);
        }

        AssertCommand(await restarting, "web", "restart", affected: 3);
    }

    [Fact]
    public async Task Rolling_restart_restarts_one_instance_at_a_time_and_answers_after_the_last_runs_again()
    {
        // Without a readiness check or min_uptime_ms, a new run is ready as soon as it runs (see RollingRestartEndpointTests).
        await StartAsync(ThreeWebs.Replace("instances = 3", "instances = 3\nmin_uptime_ms = 0", StringComparison.Ordinal));
        var launchesBefore = Host.Launcher.Journal.Count;

        var answer = await PostJsonAsync("/api/v1/programs/web/restart?rolling=true");

        AssertCommand(answer, "web", "restart", affected: 3);
        Assert.Equal(
            ["signal web.0 TERM", "launch web.0", "signal web.1 TERM", "launch web.1", "signal web.2 TERM", "launch web.2"],
            Host.Launcher.Journal.Skip(launchesBefore));
        var state = Host.Engine.State; // final when the answer comes: no waiting here
        Assert.Null(state.Programs[0].Rolling);
        Assert.All(state.Programs[0].Instances, i => Assert.Equal((InstanceStatus.Running, 2), (i.Status, i.CurrentTry)));
    }

    [Fact]
    public async Task Rolling_restart_waits_for_each_instance_to_stop_before_signalling_the_next()
    {
        await StartAsync(ThreeWebs.Replace("instances = 3", "instances = 3\nmin_uptime_ms = 0", StringComparison.Ordinal));
        Host.Launcher.SignalsEndRuns = false;
        var runs = RunsOf("web");

        var restarting = PostJsonAsync("/api/v1/programs/web/restart?rolling=true");
        await EventuallyAsync(() => !Host.Launcher.Signals.IsEmpty, "web.0 was signalled");

        for (var i = 0; i < runs.Length; i++)
        {
            Assert.Equal(runs.Take(i + 1).Select(r => (r, Signals.Terminate)), Host.Launcher.Signals);
            Assert.False(restarting.IsCompleted);
            Host.Launcher.Exit(runs[i], 143);
            var next = i + 1;
            await EventuallyAsync(() => next == runs.Length || Host.Launcher.Signals.Count > next, $"web.{next} was signalled");
        }

        AssertCommand(await restarting, "web", "restart", affected: 3);
    }

    [Theory]
    [InlineData("HUP")]
    [InlineData("SIGHUP")]
    [InlineData("sighup")]
    [InlineData("hup")]
    public async Task Signal_goes_to_every_running_instance_whatever_the_name_form(string name)
    {
        await StartAsync(ThreeWebs);
        Host.Launcher.SignalsEndRuns = false; // like a program that reloads on SIGHUP
        var runs = RunsOf("web");

        var answer = await PostJsonAsync("/api/v1/programs/web/signal", $$"""{"signal": "{{name}}"}""");

        AssertCommand(answer, "web", "signal", affected: 3);
        Assert.Equal(runs.Select(r => (r, Signals.Hangup)), Host.Launcher.Signals);
        Assert.Equal(["Running", "Running", "Running"], Statuses(await ProgramAsync("web")));
    }

    [Fact]
    public async Task Signal_skips_instances_that_are_not_running()
    {
        await StartAsync(ThreeWebs);
        await PostJsonAsync("/api/v1/programs/web/instances/1/stop");
        Host.Launcher.SignalsEndRuns = false;
        var runs = RunsOf("web");

        var answer = await PostJsonAsync("/api/v1/programs/web/signal", """{"signal": "USR1"}""");

        AssertCommand(answer, "web", "signal", affected: 2);
        Assert.Equal(runs.Select(r => (r, Signals.User1)), Host.Launcher.Signals.Skip(1));
    }

    [Fact]
    public async Task Signal_to_one_instance_reaches_only_that_one()
    {
        await StartAsync(ThreeWebs);
        Host.Launcher.SignalsEndRuns = false;
        var target = Host.Engine.State.Programs[0].Instances[2].RunId!.Value;

        var answer = await PostJsonAsync("/api/v1/programs/web/signal", """{"signal": "SIGUSR2", "instance": 2}""");

        AssertCommand(answer, "web", "signal", affected: 1, instance: 2);
        Assert.Equal([(target, Signals.User2)], Host.Launcher.Signals);
    }

    [Theory]
    [InlineData("", SignalTarget.Main)]
    [InlineData("?target=group", SignalTarget.Group)]
    [InlineData("?target=main", SignalTarget.Main)]
    public async Task Signal_goes_to_the_program_stop_signal_target_unless_the_query_names_another(string query, SignalTarget expected)
    {
        await StartAsync("""
            [nginx]
            command = "./nginx"
            stop_signal_target = "main"
            """);
        Host.Launcher.SignalsEndRuns = false;

        var answer = await PostJsonAsync($"/api/v1/programs/nginx/signal{query}", """{"signal": "HUP"}""");

        AssertCommand(answer, "nginx", "signal", affected: 1);
        Assert.Equal([expected], Host.Launcher.SignalTargets);
    }

    [Fact]
    public async Task Signal_with_target_main_reaches_the_main_process_of_a_program_that_stops_its_group()
    {
        await StartAsync(ThreeWebs);
        Host.Launcher.SignalsEndRuns = false;

        var answer = await PostJsonAsync("/api/v1/programs/web/signal?target=main", """{"signal": "USR2", "instance": 1}""");

        AssertCommand(answer, "web", "signal", affected: 1, instance: 1);
        Assert.Equal([SignalTarget.Main], Host.Launcher.SignalTargets);
    }

    [Fact]
    public async Task Scale_up_answers_the_new_count_and_what_was_added()
    {
        await StartAsync(ThreeWebs);

        var answer = await PostJsonAsync("/api/v1/programs/web/scale", """{"instances": 5}""");
        await WaitForAsync(AllRunning);

        Assert.Equal(
            """{"program":"web","instances":5,"added":2,"removed":0}""",
            JsonSerializer.Serialize(answer));
        var ids = Ids(await ProgramAsync("web"));
        Assert.Equal([0L, 1L, 2L, 3L, 4L], ids);
    }

    [Fact]
    public async Task Scale_down_answers_what_was_removed_once_their_processes_exited_oldest_first()
    {
        await StartAsync(ThreeWebs);
        var runs = RunsOf("web");

        var answer = await PostJsonAsync("/api/v1/programs/web/scale", """{"instances": 1}""");

        Assert.Equal(
            """{"program":"web","instances":1,"added":0,"removed":2}""",
            JsonSerializer.Serialize(answer));
        Assert.Equal(runs.Take(2).Select(r => (r, Signals.Terminate)), Host.Launcher.Signals);
        Assert.Empty(Host.Engine.State.Programs[0].Retiring);
        var ids = Ids(await ProgramAsync("web"));
        Assert.Equal([2L], ids);
    }

    [Fact]
    public async Task Scale_to_zero_and_back_gives_new_ids()
    {
        await StartAsync(ThreeWebs);

        await PostJsonAsync("/api/v1/programs/web/scale", """{"instances": 0}""");
        var answer = await PostJsonAsync("/api/v1/programs/web/scale", """{"instances": 2}""");

        Assert.Equal(2, answer.GetProperty("added").GetInt32());
        var ids = Ids(await ProgramAsync("web"));
        Assert.Equal([3L, 4L], ids);
    }

    /// <summary>The runs of a program's live instances, in instance order.</summary>
    private long[] RunsOf(string program) =>
        [.. Host.Engine.State.Find(program)!.Instances.Where(i => i.IsLive).Select(i => i.RunId!.Value)];

    private static void AssertCommand(JsonElement answer, string program, string action, int affected, long? instance = null)
    {
        var expected = instance is null
            ? $$"""{"program":"{{program}}","action":"{{action}}","affected":{{affected}}}"""
            : $$"""{"program":"{{program}}","instance":{{instance}},"action":"{{action}}","affected":{{affected}}}""";
        Assert.Equal(expected, JsonSerializer.Serialize(answer));
    }
}

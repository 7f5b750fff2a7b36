using System.Net;
using System.Text.Json;
using KrustPm.Engine;

namespace KrustPm.Host.Tests.Api;

/// <summary><c>GET /api/v1/programs</c> and <c>GET /api/v1/programs/{name}</c>: the v1 view of a program.</summary>
public sealed class ProgramsEndpointTests : ApiTestBase
{
    private const string Configured = """
        [web]
        command = "./web --port 8000"
        instances = 3
        max_instances = 5
        max_retries = 2
        restart = "always"
        stop_signal = "INT"
        stop_timeout_ms = 2500
        env = { PORT = "8000", SECRET = "hunter2" }

        [worker]
        command = "./worker"
        """;

    [Fact]
    public async Task The_list_has_every_program_in_config_order_with_the_seed_fields_and_the_v1_extras()
    {
        await StartAsync(Configured);

        var programs = await GetJsonAsync("/api/v1/programs");

        Assert.Equal(["web", "worker"], Names(programs));
        var web = programs[0];
        Assert.Equal(
            ["name", "cmd", "status", "totalInstances", "instances", "retiring", "config"],
            web.EnumerateObject().Select(p => p.Name)); // no rollingRestart when none runs
        Assert.Equal("./web --port 8000", web.GetProperty("cmd").GetString());
        Assert.Equal("Started", web.GetProperty("status").GetString());
        Assert.Equal(3, web.GetProperty("totalInstances").GetInt32());
        Assert.Equal([0L, 1L, 2L], Ids(web));
        Assert.Equal(["Running", "Running", "Running"], Statuses(web));
        Assert.Equal(0, web.GetProperty("retiring").GetArrayLength());
    }

    [Fact]
    public async Task A_program_shows_its_configuration_with_defaults_applied_and_only_the_names_of_its_environment()
    {
        await StartAsync(Configured);

        var web = await ProgramAsync("web");
        var worker = await ProgramAsync("worker");

        var config = web.GetProperty("config");
        Assert.Equal(["./web", "--port", "8000"], config.GetProperty("argv").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(Path.GetDirectoryName(Host.ConfigPath), config.GetProperty("workdir").GetString());
        Assert.Equal(3, config.GetProperty("instances").GetInt32());
        Assert.Equal(5, config.GetProperty("maxInstances").GetInt32());
        Assert.Equal(2, config.GetProperty("maxRetries").GetInt32());
        Assert.Equal("always", config.GetProperty("restart").GetString());
        Assert.Equal("INT", config.GetProperty("stopSignal").GetString());
        Assert.Equal(2500, config.GetProperty("stopTimeoutMs").GetInt64());
        Assert.Equal(["PORT", "SECRET"], config.GetProperty("envNames").EnumerateArray().Select(n => n.GetString()).Order());
        Assert.DoesNotContain("hunter2", web.GetRawText(), StringComparison.Ordinal);

        var defaults = worker.GetProperty("config");
        Assert.Equal(1, defaults.GetProperty("instances").GetInt32());
        Assert.Equal(1000, defaults.GetProperty("maxInstances").GetInt32());
        Assert.Equal(3, defaults.GetProperty("maxRetries").GetInt32());
        Assert.Equal("on-failure", defaults.GetProperty("restart").GetString());
        Assert.Equal("TERM", defaults.GetProperty("stopSignal").GetString());
        Assert.Equal(10_000, defaults.GetProperty("stopTimeoutMs").GetInt64());
        Assert.False(defaults.GetProperty("clearEnv").GetBoolean());
        Assert.True(defaults.GetProperty("log").GetBoolean());
        Assert.Equal(0, defaults.GetProperty("envNames").GetArrayLength());
        Assert.False(defaults.TryGetProperty("user", out _));
    }

    [Fact]
    public async Task A_program_being_scaled_down_lists_the_removed_instances_as_retiring_until_they_exit()
    {
        await StartAsync(Configured);
        Host.Launcher.SignalsEndRuns = false;
        var oldest = Host.Engine.State.Programs[0].Instances[0].RunId!.Value;

        var scaling = PostJsonAsync("/api/v1/programs/web/scale", """{"instances": 2}""");
        await WaitForAsync(s => !s.Programs[0].Retiring.IsEmpty);

        var web = await ProgramAsync("web");
        Assert.Equal([1L, 2L], Ids(web));
        var retiring = Assert.Single(web.GetProperty("retiring").EnumerateArray());
        Assert.Equal(0, retiring.GetProperty("id").GetInt64());
        Assert.Equal("Stopping", retiring.GetProperty("status").GetString());
        Assert.False(scaling.IsCompleted); // the answer waits for the process to exit

        Host.Launcher.Exit(oldest, 130);
        var answer = await scaling;

        Assert.Equal(1, answer.GetProperty("removed").GetInt32());
        Assert.Equal(0, (await ProgramAsync("web")).GetProperty("retiring").GetArrayLength());
    }

    [Fact]
    public async Task A_program_in_a_rolling_restart_shows_the_instance_being_restarted_and_those_to_come()
    {
        await StartAsync(Configured);
        Host.Launcher.SignalsEndRuns = false;
        var first = Host.Engine.State.Programs[0].Instances[0].RunId!.Value;

        var restarting = PostJsonAsync("/api/v1/programs/web/restart?rolling=true");
        await WaitForAsync(s => s.Programs[0].Rolling is not null);

        var rolling = (await ProgramAsync("web")).GetProperty("rollingRestart");
        Assert.Equal(0, rolling.GetProperty("current").GetInt64());
        Assert.Equal([1L, 2L], rolling.GetProperty("remaining").EnumerateArray().Select(r => r.GetInt64()));

        Host.Launcher.Exit(first, 143);
        await WaitForAsync(s => s.Programs[0].Rolling?.Current == 1);
        rolling = (await ProgramAsync("web")).GetProperty("rollingRestart");
        Assert.Equal(1, rolling.GetProperty("current").GetInt64());
        Assert.Equal([2L], rolling.GetProperty("remaining").EnumerateArray().Select(r => r.GetInt64()));

        Host.Launcher.SignalsEndRuns = true;
        Host.Launcher.Exit(Host.Engine.State.Programs[0].Instances[1].RunId!.Value, 143);
        await restarting;
        Assert.False((await ProgramAsync("web")).TryGetProperty("rollingRestart", out _));
    }

    [Fact]
    public async Task An_instance_shows_its_pid_start_time_and_after_a_restart_its_restarts_and_last_exit_code()
    {
        await StartAsync(Configured);

        await PostJsonAsync("/api/v1/programs/worker/restart");
        await WaitForAsync(AllRunning); // the answer comes once the old process exited; the new one may not run yet

        var instance = (await ProgramAsync("worker")).GetProperty("instances")[0];
        Assert.Equal(2, instance.GetProperty("currentTry").GetInt32());
        Assert.Equal(1, instance.GetProperty("restarts").GetInt32());
        Assert.Equal(128 + Signals.Terminate, instance.GetProperty("lastExitCode").GetInt32());
        Assert.Equal(Host.Engine.State.Programs[1].Instances[0].Pid, instance.GetProperty("pid").GetInt32());
        Assert.Equal(JsonValueKind.String, instance.GetProperty("startedAt").ValueKind);
    }

    [Theory]
    [InlineData("nope")]
    [InlineData("WEB")]
    [InlineData("web%20")]
    public async Task An_unknown_program_is_a_404_naming_name(string name)
    {
        await StartAsync(Configured);

        var problem = await GetProblemAsync($"/api/v1/programs/{name}", HttpStatusCode.NotFound, "name");

        Assert.Contains("There is no program named", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}

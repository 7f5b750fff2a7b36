using System.Net;
using System.Text.Json;
using KrustPm.Engine;

namespace KrustPm.Host.Tests.Api;

/// <summary>
/// <c>POST /api/v1/programs/@group/...</c> and <c>.../all/...</c>: a command on the programs of a group, or on every
/// program, answered per program.
/// </summary>
public sealed class GroupCommandsEndpointTests : ApiTestBase
{
    private const string WebAndWorkers = """
        [web]
        command = "./web"
        instances = 2
        groups = ["front"]

        [api]
        command = "./api"
        groups = ["front", "backend"]

        [worker]
        command = "./worker"
        instances = 2
        groups = ["backend"]
        """;

    [Fact]
    public async Task Stop_of_a_group_stops_only_its_programs_and_answers_per_program()
    {
        await StartAsync(WebAndWorkers);

        var answer = await PostJsonAsync("/api/v1/programs/@front/stop");

        Assert.Equal(
            """{"target":"@front","action":"stop","affected":3,"programs":[{"program":"web","status":200,"affected":2},{"program":"api","status":200,"affected":1}]}""",
            JsonSerializer.Serialize(answer));
        Assert.Equal(["Stopped", "Stopped"], Statuses(await ProgramAsync("web")));
        Assert.Equal(["Stopped"], Statuses(await ProgramAsync("api")));
        Assert.Equal(["Running", "Running"], Statuses(await ProgramAsync("worker")));
    }

    [Fact]
    public async Task All_starts_every_program_again()
    {
        await StartAsync(WebAndWorkers);
        await PostJsonAsync("/api/v1/programs/@front/stop");

        var answer = await PostJsonAsync("/api/v1/programs/all/start");
        await WaitForAsync(AllRunning);

        Assert.Equal(["web", "api", "worker"], answer.GetProperty("programs").EnumerateArray().Select(p => p.GetProperty("program").GetString()));
        Assert.Equal([2, 1, 0], answer.GetProperty("programs").EnumerateArray().Select(p => p.GetProperty("affected").GetInt32()));
        Assert.Equal(3, answer.GetProperty("affected").GetInt32());
    }

    [Fact]
    public async Task Signal_of_a_group_reaches_every_running_instance_of_its_programs()
    {
        await StartAsync(WebAndWorkers);
        Host.Launcher.SignalsEndRuns = false;
        var backend = Host.Engine.State.Programs.Where(p => p.Name is "api" or "worker")
            .SelectMany(p => p.Instances).Select(i => i.RunId!.Value).Order().ToArray();

        var answer = await PostJsonAsync("/api/v1/programs/@backend/signal", """{"signal": "HUP"}""");

        Assert.Equal(3, answer.GetProperty("affected").GetInt32());
        Assert.Equal(backend, Host.Launcher.Signals.Select(s => s.RunId).Order());
        Assert.All(Host.Launcher.Signals, s => Assert.Equal(Signals.Hangup, s.Signal));
    }

    [Fact]
    public async Task Restart_of_a_group_restarts_each_of_its_programs()
    {
        await StartAsync(WebAndWorkers);
        var launches = Host.Launcher.Launches.Count;

        var answer = await PostJsonAsync("/api/v1/programs/@backend/restart?rolling=true");
        await WaitForAsync(AllRunning);

        Assert.Equal(3, answer.GetProperty("affected").GetInt32());
        Assert.Equal(launches + 3, Host.Launcher.Launches.Count);
    }

    [Fact]
    public async Task A_group_command_that_fails_for_one_program_still_runs_on_the_others_and_answers_which_failed()
    {
        await StartAsync(WebAndWorkers);
        Host.Launcher.SignalsEndRuns = false;
        var stopping = Host.Engine.StopInstancesAsync("api", cancellationToken: Token);
        await WaitForAsync(s => s.Programs.Single(p => p.Name == "api").Instances.All(i => i.Status == InstanceStatus.Stopping));
        while (Host.Launcher.Signals.IsEmpty)
        {
            await Task.Delay(5, Token); // the launcher gets the stop signal after the state says Stopping
        }

        var launches = Host.Launcher.Launches.Count;
        Host.Launcher.SignalsEndRuns = true;

        var problem = await SendProblemAsync(HttpMethod.Post, "/api/v1/programs/@front/restart", null, HttpStatusCode.Conflict, null);

        Assert.Equal("restart of @front failed for 1 of 2 program(s)", problem.GetProperty("title").GetString());
        var programs = problem.GetProperty("programs").EnumerateArray().ToArray();
        Assert.Equal(["web", "api"], programs.Select(p => p.GetProperty("program").GetString()));
        Assert.Equal([200, 409], programs.Select(p => p.GetProperty("status").GetInt32()));
        Assert.Contains("being stopped", programs[1].GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(launches + 2, Host.Launcher.Launches.Count);
        Assert.Equal(["Stopping"], Statuses(await ProgramAsync("api")));
        Assert.False(stopping.IsCompleted);

        Host.Launcher.Exit(Host.Engine.State.Programs.Single(p => p.Name == "api").Instances[0].RunId!.Value, 143);
        Assert.Equal(1, (await stopping).Affected);
    }

    [Fact]
    public async Task An_unknown_group_is_a_404_naming_it_and_the_groups_that_exist()
    {
        await StartAsync(WebAndWorkers);

        var problem = await SendProblemAsync(HttpMethod.Post, "/api/v1/programs/@nope/stop", null, HttpStatusCode.NotFound, "group");

        Assert.Equal("There is no group named 'nope': no program has it in its groups. Groups: @backend, @front.", problem.GetProperty("detail").GetString());
        Assert.All(Host.Engine.State.Programs.SelectMany(p => p.Instances), i => Assert.Equal(InstanceStatus.Running, i.Status));
    }

    [Fact]
    public async Task A_signal_to_one_instance_of_a_group_is_refused_with_a_400_naming_the_instance()
    {
        await StartAsync(WebAndWorkers);

        await SendProblemAsync(HttpMethod.Post, "/api/v1/programs/@front/signal", """{"signal": "HUP", "instance": 0}""", HttpStatusCode.BadRequest, "instance");

        Assert.Empty(Host.Launcher.Signals);
    }

    [Fact]
    public async Task A_program_named_all_is_still_that_program()
    {
        await StartAsync("""
            [all]
            command = "./all"

            [other]
            command = "./other"
            """);

        var answer = await PostJsonAsync("/api/v1/programs/all/stop");

        Assert.Equal("""{"program":"all","action":"stop","affected":1}""", JsonSerializer.Serialize(answer));
        Assert.Equal(["Running"], Statuses(await ProgramAsync("other")));
    }
}

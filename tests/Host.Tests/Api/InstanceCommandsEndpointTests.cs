using System.Text.Json;
using KrustPm.Engine;

namespace KrustPm.Host.Tests.Api;

/// <summary>
/// <c>POST /api/v1/programs/{name}/instances/{id}/start|stop|restart</c> and <c>DELETE .../instances/{id}</c>.
/// </summary>
public sealed class InstanceCommandsEndpointTests : ApiTestBase
{
    private const string ThreeWebs = """
        [web]
        command = "./web"
        instances = 3
        max_instances = 10
        """;

    [Fact]
    public async Task Stop_stops_only_that_instance_and_leaves_it_listed_as_Stopped()
    {
        await StartAsync(ThreeWebs);
        var run = RunOf(1);

        var answer = await PostJsonAsync("/api/v1/programs/web/instances/1/stop");

        Assert.Equal("""{"program":"web","instance":1,"action":"stop","affected":1}""", JsonSerializer.Serialize(answer));
        Assert.Equal([(run, Signals.Terminate)], Host.Launcher.Signals);
        Assert.Equal(["Running", "Stopped", "Running"], Statuses(await ProgramAsync("web")));
    }

    [Fact]
    public async Task Start_brings_a_stopped_instance_back_on_its_next_try()
    {
        await StartAsync(ThreeWebs);
        await PostJsonAsync("/api/v1/programs/web/instances/1/stop");

        var answer = await PostJsonAsync("/api/v1/programs/web/instances/1/start");
        await WaitForAsync(AllRunning);

        Assert.Equal("""{"program":"web","instance":1,"action":"start","affected":1}""", JsonSerializer.Serialize(answer));
        var instance = (await ProgramAsync("web")).GetProperty("instances")[1];
        Assert.Equal(1, instance.GetProperty("id").GetInt64());
        Assert.Equal("Running", instance.GetProperty("status").GetString());
        Assert.Equal(2, instance.GetProperty("currentTry").GetInt32());
    }

    [Fact]
    public async Task Start_of_a_running_instance_affects_nothing()
    {
        await StartAsync(ThreeWebs);

        var answer = await PostJsonAsync("/api/v1/programs/web/instances/0/start");

        Assert.Equal(0, answer.GetProperty("affected").GetInt32());
        Assert.Equal(3, Host.Launcher.Launches.Count);
    }

    [Fact]
    public async Task Start_brings_back_an_instance_that_failed_for_good()
    {
        await StartAsync("""
            [crasher]
            command = "./crash"
            restart = "never"
            """);
        Host.Launcher.Exit(RunOf(0, "crasher"), 1);
        await WaitForAsync(s => s.Programs[0].Instances[0] is { Status: InstanceStatus.Failed, ConsecutiveFailures: 1 });

        await PostJsonAsync("/api/v1/programs/crasher/instances/0/start");

        var state = await WaitForAsync(AllRunning);
        Assert.Equal(0, state.Programs[0].Instances[0].ConsecutiveFailures);
    }

    [Fact]
    public async Task Restart_restarts_only_that_instance()
    {
        await StartAsync(ThreeWebs);
        var run = RunOf(2);
        var journal = Host.Launcher.Journal.Count;

        var answer = await PostJsonAsync("/api/v1/programs/web/instances/2/restart");
        await WaitForAsync(AllRunning);

        Assert.Equal("""{"program":"web","instance":2,"action":"restart","affected":1}""", JsonSerializer.Serialize(answer));
        Assert.Equal([(run, Signals.Terminate)], Host.Launcher.Signals);
        Assert.Equal(["signal web.2 TERM", "launch web.2"], Host.Launcher.Journal.Skip(journal));
        var tries = (await ProgramAsync("web")).GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("currentTry").GetInt32());
        Assert.Equal([1, 1, 2], tries);
    }

    [Fact]
    public async Task Restart_of_a_stopped_instance_starts_it()
    {
        await StartAsync(ThreeWebs);
        await PostJsonAsync("/api/v1/programs/web/instances/0/stop");

        var answer = await PostJsonAsync("/api/v1/programs/web/instances/0/restart");

        Assert.Equal(1, answer.GetProperty("affected").GetInt32());
        await WaitForAsync(AllRunning);
        Assert.Single(Host.Launcher.Signals); // only the stop's
    }

    [Fact]
    public async Task Delete_stops_the_instance_and_removes_it_before_answering()
    {
        await StartAsync(ThreeWebs);
        var run = RunOf(1);

        using var response = await SendAsync(HttpMethod.Delete, "/api/v1/programs/web/instances/1");

        response.EnsureSuccessStatusCode();
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)).RootElement;
        Assert.Equal("""{"program":"web","instance":1,"action":"delete","affected":1}""", JsonSerializer.Serialize(answer));
        Assert.Equal([(run, Signals.Terminate)], Host.Launcher.Signals);
        var web = await ProgramAsync("web");
        Assert.Equal([0L, 2L], Ids(web));
        Assert.Equal(0, web.GetProperty("retiring").GetArrayLength());
        Assert.Equal(2, web.GetProperty("totalInstances").GetInt32());
    }

    [Fact]
    public async Task Delete_of_a_stopped_instance_removes_it_without_a_signal()
    {
        await StartAsync(ThreeWebs);
        await PostJsonAsync("/api/v1/programs/web/instances/0/stop");

        using var response = await SendAsync(HttpMethod.Delete, "/api/v1/programs/web/instances/0");

        response.EnsureSuccessStatusCode();
        Assert.Single(Host.Launcher.Signals);
        var ids = Ids(await ProgramAsync("web"));
        Assert.Equal([1L, 2L], ids);
    }

    [Fact]
    public async Task A_deleted_instance_id_is_never_reused_by_a_later_scale_up()
    {
        await StartAsync(ThreeWebs);

        using (var deleted = await SendAsync(HttpMethod.Delete, "/api/v1/programs/web/instances/2"))
        {
            deleted.EnsureSuccessStatusCode();
        }

        var scaled = await PostJsonAsync("/api/v1/programs/web/scale", """{"instances": 4}""");
        await WaitForAsync(AllRunning);

        Assert.Equal(2, scaled.GetProperty("added").GetInt32());
        var ids = Ids(await ProgramAsync("web"));
        Assert.Equal([0L, 1L, 3L, 4L], ids);
    }

    [Fact]
    public async Task A_deleted_instance_is_gone_for_later_commands()
    {
        await StartAsync(ThreeWebs);
        using (var deleted = await SendAsync(HttpMethod.Delete, "/api/v1/programs/web/instances/1"))
        {
            deleted.EnsureSuccessStatusCode();
        }

        await SendProblemAsync(HttpMethod.Delete, "/api/v1/programs/web/instances/1", null, System.Net.HttpStatusCode.NotFound, "id");
        await SendProblemAsync(HttpMethod.Post, "/api/v1/programs/web/instances/1/start", null, System.Net.HttpStatusCode.NotFound, "id");
    }

    private long RunOf(long id, string program = "web") =>
        Host.Engine.State.Find(program)!.Find(id)!.RunId!.Value;
}

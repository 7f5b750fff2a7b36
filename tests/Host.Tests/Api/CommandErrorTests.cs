using System.Net;
using KrustPm.Engine;

namespace KrustPm.Host.Tests.Api;

/// <summary>
/// Refused v1 commands: each is a problem+json naming what was wrong, with the status that says why, and changes
/// nothing.
/// </summary>
public sealed class CommandErrorTests : ApiTestBase
{
    private const string ThreeWebs = """
        [web]
        command = "./web"
        instances = 3
        max_instances = 5
        """;

    public static TheoryData<string, string> EveryCommand => new()
    {
        { "POST", "start" },
        { "POST", "stop" },
        { "POST", "restart" },
        { "POST", "scale" },
        { "POST", "signal" },
        { "POST", "instances/0/start" },
        { "POST", "instances/0/stop" },
        { "POST", "instances/0/restart" },
        { "DELETE", "instances/0" },
    };

    [Theory]
    [MemberData(nameof(EveryCommand))]
    public async Task An_unknown_program_is_a_404_naming_name(string method, string route)
    {
        await StartAsync(ThreeWebs);

        var problem = await SendProblemAsync(
            new HttpMethod(method), $"/api/v1/programs/nope/{route}", """{"instances": 1, "signal": "HUP"}""", HttpStatusCode.NotFound, "name");

        Assert.Equal("There is no program named 'nope'.", problem.GetProperty("detail").GetString());
        AssertNothingChanged();
    }

    [Theory]
    [InlineData("POST", "instances/7/start")]
    [InlineData("POST", "instances/7/stop")]
    [InlineData("POST", "instances/7/restart")]
    [InlineData("DELETE", "instances/7")]
    public async Task An_unknown_instance_is_a_404_naming_id(string method, string route)
    {
        await StartAsync(ThreeWebs);

        var problem = await SendProblemAsync(new HttpMethod(method), $"/api/v1/programs/web/{route}", null, HttpStatusCode.NotFound, "id");

        Assert.Equal("Program 'web' has no instance 7.", problem.GetProperty("detail").GetString());
        AssertNothingChanged();
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData("1.5")]
    [InlineData("0x1")]
    [InlineData("%201")]
    [InlineData("99999999999999999999")]
    public async Task An_instance_id_that_is_not_a_whole_number_is_a_400_naming_id(string id)
    {
        await StartAsync(ThreeWebs);

        await SendProblemAsync(HttpMethod.Post, $"/api/v1/programs/web/instances/{id}/stop", null, HttpStatusCode.BadRequest, "id");
        await SendProblemAsync(HttpMethod.Delete, $"/api/v1/programs/web/instances/{id}", null, HttpStatusCode.BadRequest, "id");

        AssertNothingChanged();
    }

    [Theory]
    [InlineData(null, "body")]
    [InlineData("", "body")]
    [InlineData("null", "body")]
    [InlineData("[3]", "body")]
    [InlineData("3", "body")]
    [InlineData("{\"instances\": ", "body")]
    [InlineData("{\"instances\": \"many\"}", "instances")]
    [InlineData("{\"instances\": 1.5}", "instances")]
    [InlineData("{\"instances\": 99999999999}", "instances")]
    [InlineData("{}", "instances")]
    [InlineData("{\"instances\": null}", "instances")]
    [InlineData("{\"count\": 3}", "count")]
    [InlineData("{\"instances\": -1}", "instances")]
    [InlineData("{\"instances\": 6}", "instances")]
    public async Task A_bad_scale_body_is_a_400_naming_the_body_or_the_field(string? body, string parameter)
    {
        await StartAsync(ThreeWebs);

        await SendProblemAsync(HttpMethod.Post, "/api/v1/programs/web/scale", body, HttpStatusCode.BadRequest, parameter);

        AssertNothingChanged();
    }

    [Fact]
    public async Task Scaling_beyond_max_instances_says_the_limit()
    {
        await StartAsync(ThreeWebs);

        var problem = await SendProblemAsync(
            HttpMethod.Post, "/api/v1/programs/web/scale", """{"instances": 6}""", HttpStatusCode.BadRequest, "instances");

        Assert.Contains("Cannot scale 'web' to 6: 6 is more than max_instances (5); give 0 to 5.", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "body")]
    [InlineData("", "body")]
    [InlineData("null", "body")]
    [InlineData("\"HUP\"", "body")]
    [InlineData("{\"signal\": 1}", "signal")]
    [InlineData("{\"signal\": \"HUP\", \"instance\": \"one\"}", "instance")]
    [InlineData("{\"signal\": \"HUP\"", "body")]
    [InlineData("{}", "signal")]
    [InlineData("{\"signal\": null}", "signal")]
    [InlineData("{\"signal\": \"\"}", "signal")]
    [InlineData("{\"signal\": \"SIG\"}", "signal")]
    [InlineData("{\"signal\": \"NOPE\"}", "signal")]
    [InlineData("{\"signal\": \"SIGSEGV\"}", "signal")]
    [InlineData("{\"signal\": \"15\"}", "signal")]
    public async Task A_bad_signal_body_is_a_400_naming_the_body_or_the_field(string? body, string parameter)
    {
        await StartAsync(ThreeWebs);

        await SendProblemAsync(HttpMethod.Post, "/api/v1/programs/web/signal", body, HttpStatusCode.BadRequest, parameter);

        AssertNothingChanged();
    }

    [Theory]
    [InlineData("?target=leader")]
    [InlineData("?target=")]
    [InlineData("?target=MAIN")]
    [InlineData("?target=main&target=group")]
    public async Task A_bad_signal_target_is_a_400_naming_target(string query)
    {
        await StartAsync(ThreeWebs);

        await SendProblemAsync(HttpMethod.Post, $"/api/v1/programs/web/signal{query}", "{\"signal\": \"HUP\"}", HttpStatusCode.BadRequest, "target");

        AssertNothingChanged();
    }

    [Theory]
    [InlineData("7")]
    [InlineData("-1")]
    public async Task A_signal_to_an_unknown_instance_is_a_404_naming_instance(string instance)
    {
        await StartAsync(ThreeWebs);

        await SendProblemAsync(
            HttpMethod.Post, "/api/v1/programs/web/signal", $$"""{"signal": "HUP", "instance": {{instance}}}""", HttpStatusCode.NotFound, "instance");

        AssertNothingChanged();
    }

    [Theory]
    [InlineData("?rolling=maybe")]
    [InlineData("?rolling=TRUE")]
    [InlineData("?rolling=1")]
    [InlineData("?rolling=true&rolling=false")]
    public async Task A_rolling_value_other_than_true_or_false_is_a_400_naming_rolling(string query)
    {
        await StartAsync(ThreeWebs);

        await SendProblemAsync(HttpMethod.Post, $"/api/v1/programs/web/restart{query}", null, HttpStatusCode.BadRequest, "rolling");

        AssertNothingChanged();
    }

    [Fact]
    public async Task A_signal_to_a_named_instance_that_is_not_running_is_a_409()
    {
        await StartAsync(ThreeWebs);
        await PostJsonAsync("/api/v1/programs/web/instances/1/stop");

        var problem = await SendProblemAsync(
            HttpMethod.Post, "/api/v1/programs/web/signal", """{"signal": "HUP", "instance": 1}""", HttpStatusCode.Conflict, null);

        Assert.Equal("web.1 is not running.", problem.GetProperty("detail").GetString());
        Assert.Single(Host.Launcher.Signals); // only the stop's
    }

    [Theory]
    [InlineData("instances/1/start")]
    [InlineData("instances/1/restart")]
    [InlineData("start")]
    [InlineData("restart")]
    public async Task Start_or_restart_of_an_instance_being_stopped_is_a_409(string route)
    {
        await StartAsync(ThreeWebs);
        Host.Launcher.SignalsEndRuns = false; // web.1 traps SIGTERM: it stays Stopping until it exits
        var stopping = PostJsonAsync("/api/v1/programs/web/instances/1/stop");
        await WaitForAsync(s => s.Programs[0].Instances[1].Status == InstanceStatus.Stopping);

        var problem = await SendProblemAsync(HttpMethod.Post, $"/api/v1/programs/web/{route}", null, HttpStatusCode.Conflict, null);

        Assert.Contains("web.1 is being stopped", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, Host.Launcher.Launches.Count);
        Host.Launcher.Exit(Host.Engine.State.Programs[0].Instances[1].RunId!.Value, 143);
        Assert.Equal(1, (await stopping).GetProperty("affected").GetInt32());
        Assert.Equal(1, (await PostJsonAsync($"/api/v1/programs/web/instances/1/start")).GetProperty("affected").GetInt32());
    }

    [Theory]
    [InlineData("start", null)]
    [InlineData("restart", null)]
    [InlineData("scale", """{"instances": 1}""")]
    [InlineData("instances/2/restart", null)]
    public async Task Commands_but_a_stop_or_a_signal_during_a_rolling_restart_are_a_409_saying_how_to_end_it(string route, string? body)
    {
        await StartAsync(ThreeWebs);
        Host.Launcher.SignalsEndRuns = false;
        var rolling = SendAsync(HttpMethod.Post, "/api/v1/programs/web/restart?rolling=true");
        await WaitForAsync(s => s.Programs[0].Rolling is not null);

        var problem = await SendProblemAsync(HttpMethod.Post, $"/api/v1/programs/web/{route}", body, HttpStatusCode.Conflict, null);

        Assert.Equal(
            "A rolling restart of 'web' is in progress (at web.0, 0 of 3 restarted); wait for it to end, or end it with a stop of the program or of one instance.",
            problem.GetProperty("detail").GetString());

        // Which is what ends it here: its answer says so.
        Host.Launcher.SignalsEndRuns = true;
        var stopping = PostJsonAsync("/api/v1/programs/web/stop");
        Host.Launcher.Exit(Host.Engine.State.Programs[0].Instances[0].RunId!.Value, 143);
        using var interrupted = await rolling;
        await AssertProblemAsync(interrupted, HttpStatusCode.Conflict, null);
        Assert.Equal(3, (await stopping).GetProperty("affected").GetInt32());
    }

    /// <summary>The start-up launches only, and no signal: a refused command did nothing.</summary>
    private void AssertNothingChanged()
    {
        Assert.Equal(3, Host.Launcher.Launches.Count);
        Assert.Empty(Host.Launcher.Signals);
        Assert.True(AllRunning(Host.Engine.State));
    }
}

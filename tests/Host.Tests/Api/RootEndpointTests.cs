using System.Net;
using KrustPm.Engine;

namespace KrustPm.Host.Tests.Api;

public sealed class RootEndpointTests : ApiTestBase
{
    [Fact]
    public async Task Root_lists_programs_in_config_order_with_the_seed_fields()
    {
        await StartAsync();

        var programs = await GetJsonAsync("/");

        Assert.Equal(["good_sleeper", "web"], Names(programs));
        var sleeper = programs[0];
        Assert.Equal("./sleeper.py", sleeper.GetProperty("cmd").GetString());
        Assert.Equal("Started", sleeper.GetProperty("status").GetString());
        Assert.Equal(2, sleeper.GetProperty("totalInstances").GetInt32());
        Assert.Equal([0L, 1L], Ids(sleeper));
        foreach (var instance in sleeper.GetProperty("instances").EnumerateArray())
        {
            Assert.Equal(1, instance.GetProperty("currentTry").GetInt32());
            Assert.Equal("Running", instance.GetProperty("status").GetString());
            Assert.True(instance.GetProperty("pid").GetInt32() > 0);
        }

        Assert.Equal("python3 -m http.server 8000", programs[1].GetProperty("cmd").GetString());
    }

    [Fact]
    public async Task Root_shows_a_failed_try_being_retried_and_then_retries_exceeded()
    {
        await StartAsync("""
            [crasher]
            command = "./crash.sh"
            max_retries = 1
            restart_delay_ms = 0
            """);
        var first = Host.Launcher.Launches.Single();

        Host.Launcher.Exit(first.RunId, 3);
        var second = await WaitForAsync(s => s.Programs[0].Instances[0] is { CurrentTry: 2, Status: InstanceStatus.Running });
        Host.Launcher.Exit(second.Programs[0].Instances[0].RunId!.Value, 3);
        await WaitForAsync(s => s.Programs[0].Instances[0].Status == InstanceStatus.RetriesExceeded);

        var instance = (await GetJsonAsync("/"))[0].GetProperty("instances")[0];
        Assert.Equal(2, instance.GetProperty("currentTry").GetInt32());
        Assert.Equal("RetriesExceeded", instance.GetProperty("status").GetString());
        Assert.Equal(3, instance.GetProperty("lastExitCode").GetInt32());
        Assert.False(instance.TryGetProperty("pid", out _));
    }

    [Theory]
    [InlineData("Running", new[] { "good_sleeper", "web" })]
    [InlineData("running", new[] { "good_sleeper", "web" })]
    [InlineData("Done", new[] { "good_sleeper" })]
    [InlineData("RetriesExceeded", new string[0])]
    public async Task Status_filter_keeps_programs_with_at_least_one_instance_in_that_status(string status, string[] expected)
    {
        await StartAsync();
        var firstSleeper = Host.Engine.State.Programs[0].Instances[0].RunId!.Value;
        Host.Launcher.Exit(firstSleeper, 0);
        await WaitForAsync(s => s.Programs[0].Instances[0].Status == InstanceStatus.Done);

        var programs = await GetJsonAsync($"/?status={status}");

        Assert.Equal(expected, Names(programs));
        if (expected.Contains("good_sleeper"))
        {
            Assert.Equal(2, programs[0].GetProperty("instances").GetArrayLength()); // the list stays whole
        }
    }

    [Theory]
    [InlineData("/?status=Sleeping")]
    [InlineData("/?status=")]
    [InlineData("/?status=1")]
    [InlineData("/?status=Running&status=Done")]
    public async Task A_bad_status_filter_is_a_400_problem_naming_the_parameter(string url)
    {
        await StartAsync();

        var problem = await GetProblemAsync(url, HttpStatusCode.BadRequest, "status");

        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task Unknown_status_message_lists_the_valid_statuses()
    {
        await StartAsync();

        var problem = await GetProblemAsync("/?status=Sleeping", HttpStatusCode.BadRequest, "status");

        Assert.Equal(
            "Unknown status 'Sleeping'; expected one of Started, Running, Backoff, Done, RetriesExceeded, Failed, Stopping, Stopped, Waiting, Blocked.",
            problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_command_that_cannot_start_counts_as_a_failed_try_and_shows_why()
    {
        await StartAsync("""
            [ghost]
            command = "./missing-program"
            max_retries = 2
            restart_delay_ms = 0
            """, waitForRunning: false);
        await WaitForAsync(s => s.Programs[0].Instances[0].Status == InstanceStatus.RetriesExceeded);

        var instance = (await GetJsonAsync("/"))[0].GetProperty("instances")[0];

        Assert.Equal(3, instance.GetProperty("currentTry").GetInt32());
        Assert.Equal("RetriesExceeded", instance.GetProperty("status").GetString());
        Assert.Equal("no such file: './missing-program'", instance.GetProperty("lastError").GetString());
        Assert.Contains("\"lastError\": \"no such file: './missing-program'\"", await Client.GetStringAsync("/", Token), StringComparison.Ordinal); // readable, not \u0027
    }
}

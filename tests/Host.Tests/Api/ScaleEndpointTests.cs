using System.Net;
using KrustPm.Engine;

namespace KrustPm.Host.Tests.Api;

public sealed class ScaleEndpointTests : ApiTestBase
{
    [Fact]
    public async Task Scaling_up_answers_the_number_added_and_new_ids_continue()
    {
        await StartAsync();

        var added = await GetJsonAsync("/ps?name=good_sleeper&to=5");
        await WaitForAsync(s => s.Programs[0].Instances.All(i => i.Status == InstanceStatus.Running));

        Assert.Equal(3, added.GetInt32());
        var sleeper = (await GetJsonAsync("/"))[0];
        Assert.Equal(5, sleeper.GetProperty("totalInstances").GetInt32());
        Assert.Equal([0L, 1L, 2L, 3L, 4L], Ids(sleeper));
    }

    [Fact]
    public async Task Scaling_down_removes_the_oldest_instances_after_stopping_their_processes()
    {
        await StartAsync();
        var oldRuns = Host.Engine.State.Programs[0].Instances.Select(i => i.RunId!.Value).ToArray();

        var removed = await GetJsonAsync("/ps?name=good_sleeper&to=1");

        Assert.Equal(1, removed.GetInt32());
        Assert.Equal([(oldRuns[0], Signals.Terminate)], Host.Launcher.Signals.ToArray());
        var state = Host.Engine.State; // already final when /ps answers: no waiting here
        Assert.Empty(state.Programs[0].Retiring);
        var ids = Ids((await GetJsonAsync("/"))[0]);
        Assert.Equal([1L], ids);
    }

    [Fact]
    public async Task Ids_are_never_reused_after_scaling_down_and_up_again()
    {
        await StartAsync();

        Assert.Equal(2, (await GetJsonAsync("/ps?name=good_sleeper&to=0")).GetInt32());
        Assert.Equal(2, (await GetJsonAsync("/ps?name=good_sleeper&to=2")).GetInt32());

        var ids = Ids((await GetJsonAsync("/"))[0]);
        Assert.Equal([2L, 3L], ids);
    }

    [Fact]
    public async Task Scaling_to_the_current_count_changes_nothing()
    {
        await StartAsync();

        Assert.Equal(0, (await GetJsonAsync("/ps?name=good_sleeper&to=2")).GetInt32());
        Assert.Equal(3, Host.Launcher.Launches.Count);
    }

    [Fact]
    public async Task Scaling_down_removes_instances_whatever_their_status()
    {
        await StartAsync();
        Host.Launcher.Exit(Host.Engine.State.Programs[0].Instances[0].RunId!.Value, 0);
        await WaitForAsync(s => s.Programs[0].Instances[0].Status == InstanceStatus.Done);

        Assert.Equal(1, (await GetJsonAsync("/ps?name=good_sleeper&to=1")).GetInt32());

        Assert.Empty(Host.Launcher.Signals); // the Done instance had no process to stop
        var ids = Ids((await GetJsonAsync("/"))[0]);
        Assert.Equal([1L], ids);
    }

    [Fact]
    public async Task An_unknown_program_is_a_404_naming_the_parameter()
    {
        await StartAsync();

        var problem = await GetProblemAsync("/ps?name=nope&to=1", HttpStatusCode.NotFound, "name");

        Assert.Equal("There is no program named 'nope'.", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("/ps?to=1", "name")]
    [InlineData("/ps?name=&to=1", "name")]
    [InlineData("/ps?name=web&name=good_sleeper&to=1", "name")]
    [InlineData("/ps?name=web", "to")]
    [InlineData("/ps?name=web&to=", "to")]
    [InlineData("/ps?name=web&to=-1", "to")]
    [InlineData("/ps?name=web&to=two", "to")]
    [InlineData("/ps?name=web&to=1.5", "to")]
    [InlineData("/ps?name=web&to=99999999999", "to")]
    [InlineData("/ps?name=web&to=6", "to")]
    [InlineData("/ps?name=web&to=1&to=2", "to")]
    public async Task Bad_parameters_are_a_400_problem_naming_the_parameter(string url, string parameter)
    {
        await StartAsync();
        var launches = Host.Launcher.Launches.Count;

        await GetProblemAsync(url, HttpStatusCode.BadRequest, parameter);

        Assert.Equal(launches, Host.Launcher.Launches.Count); // nothing changed
        Assert.Empty(Host.Launcher.Signals);
    }

    [Fact]
    public async Task Above_max_instances_says_the_limit()
    {
        await StartAsync();

        var problem = await GetProblemAsync("/ps?name=web&to=6", HttpStatusCode.BadRequest, "to");

        Assert.Equal(
            "Cannot scale 'web' to 6: 6 is more than max_instances (5); give 0 to 5.",
            problem.GetProperty("detail").GetString());
    }
}

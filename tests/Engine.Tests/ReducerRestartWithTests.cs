using KrustPm.Engine.Health;
using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary>
/// restart_with: a restart of a whole program restarts the programs that depend on it with RestartWith, which then
/// wait for its condition again. A rolling restart passes over instances that already wait for their dependencies.
/// </summary>
public class ReducerRestartWithTests
{
    private static readonly ProgramSpec Db = Spec("db");
    private static readonly ProgramSpec Api = Spec("api", instances: 2).DependingOn(("db", DependencyCondition.Started)) with { RestartWith = true };

    /// <summary>db is run 1, api runs 2 and 3, all running.</summary>
    private static Scenario Running(params ProgramSpec[] more) =>
        Scenario.Given(Load([Db, Api, .. more]), Started(1, at: 10), Started(2, at: 20), Started(3, at: 20));

    [Fact]
    public void Restart_of_a_program_restarts_its_restart_with_dependents_which_wait_for_it_again()
    {
        var restarting = Running().When(RestartInstances("db", null, request: 2, at: 100));

        Assert.Equal<Effect>([.. StopEffects(1, 100), .. StopEffects(2, 100), .. StopEffects(3, 100)], restarting.Effects);
        Assert.All(restarting.Program("api").Instances, i => Assert.Equal((InstanceStatus.Stopping, true), (i.Status, i.RestartRequested)));
        Assert.Equal([1L], Assert.Single(restarting.State.PendingReplies).AwaitedRuns); // the answer is about db only

        // api exits first: its new try waits for db, which is still stopping.
        var waiting = restarting.When(Exited(2, 143, at: 110), Exited(3, 143, at: 110));
        Assert.Empty(waiting.Effects);
        Assert.All(waiting.Program("api").Instances, i => Assert.Equal((InstanceStatus.Waiting, 2, false), (i.Status, i.CurrentTry, i.RestartRequested)));

        var dbAgain = waiting.When(Exited(1, 143, at: 120));
        Assert.Equal<Effect>([Launch(4, Db, 0, 2), Ok(2, 1)], dbAgain.Effects);

        var then = dbAgain.When(Started(4, at: 130));
        Assert.Equal<Effect>([ScheduleUptime(4, 1_130), Launch(5, Api, 0, 2), Launch(6, Api, 1, 2)], then.Effects);
    }

    [Fact]
    public void Restart_with_goes_down_the_chain()
    {
        var web = Spec("web").DependingOn(("api", DependencyCondition.Started)) with { RestartWith = true };
        var running = Running(web).When(Started(4, at: 30));
        Assert.Equal(InstanceStatus.Running, running.Instance(0, "web").Status);

        var then = running.When(RestartInstances("db", null, request: 2, at: 100));

        Assert.Equal(
            [InstanceStatus.Stopping, InstanceStatus.Stopping, InstanceStatus.Stopping, InstanceStatus.Stopping],
            then.State.Programs.SelectMany(p => p.Instances).Select(i => i.Status));
    }

    [Fact]
    public void Without_restart_with_a_restart_leaves_the_dependents_running()
    {
        var api = Api with { RestartWith = false };
        var running = Scenario.Given(Load(Db, api), Started(1, at: 10), Started(2, at: 20), Started(3, at: 20));

        var then = running.When(RestartInstances("db", null, request: 2, at: 100));

        Assert.Equal<Effect>(StopEffects(1, 100), then.Effects);
        Assert.All(then.Program("api").Instances, i => Assert.Equal(InstanceStatus.Running, i.Status));
    }

    [Fact]
    public void A_restart_of_one_instance_leaves_the_dependents_running()
    {
        var then = Running().When(RestartInstances("db", 0, request: 2, at: 100));

        Assert.Equal<Effect>(StopEffects(1, 100), then.Effects);
        Assert.All(then.Program("api").Instances, i => Assert.Equal(InstanceStatus.Running, i.Status));
    }

    [Fact]
    public void A_rolling_restart_restarts_the_dependents_at_once()
    {
        var db = Db with { Instances = 2 };
        var api = Api with { Instances = 1 };
        var running = Scenario.Given(Load(db, api), Started(1, at: 10), Started(2, at: 10), Started(3, at: 20));

        var then = running.When(RestartInstances("db", null, request: 2, at: 100, rolling: true));

        Assert.Equal<Effect>([.. StopEffects(1, 100), .. StopEffects(3, 100)], then.Effects);
        Assert.Equal((InstanceStatus.Stopping, true), (then.Instance(0, "api").Status, then.Instance(0, "api").RestartRequested));
    }

    [Fact]
    public void A_rolling_restart_of_instances_that_all_wait_answers_at_once()
    {
        var db = Spec("db");
        var web = Spec("web", instances: 2).DependingOn(("db", DependencyCondition.Started));
        var given = Scenario.Given(Load(db, web));

        var then = given.When(RestartInstances("web", null, request: 2, at: 100, rolling: true));

        Assert.Equal<Effect>([Ok(2, 2)], then.Effects);
        Assert.Null(then.Program().Rolling);
    }
}

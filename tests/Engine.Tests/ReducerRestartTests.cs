using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary>Restart, all at once (rolling restarts: <see cref="ReducerRollingRestartTests"/>).</summary>
public class ReducerRestartTests
{
    [Fact]
    public void Restart_stops_each_running_instance_and_starts_it_again_as_soon_as_it_has_exited()
    {
        var web = Spec(instances: 2, restartDelayMs: 100);
        var given = Scenario.Given(Load(web), Started(1), Started(2));

        var restarting = given.When(RestartInstances("web", null, request: 2, at: 100));

        Assert.Equal<Effect>([.. StopEffects(1, 100), .. StopEffects(2, 100)], restarting.Effects);
        Assert.All(restarting.Program().Instances, i => Assert.Equal((InstanceStatus.Stopping, true, true), (i.Status, i.StopRequested, i.RestartRequested)));
        var pending = Assert.Single(restarting.State.PendingReplies);
        Assert.Equal((2L, CommandResult.Ok(2)), (pending.RequestId, pending.Result));

        // No backoff: the new try starts the moment the old one has exited.
        var first = restarting.When(Exited(1, 143, at: 200));
        Assert.Equal<Effect>([Launch(3, web, 0, 2)], first.Effects);
        Assert.Equal(
            new InstanceState(0, 2, InstanceStatus.Started) { RunId = 3, StartedAt = At(1), ExitedAt = At(200), LastExitCode = 143 },
            first.Instance(0));

        var then = first.When(Exited(2, 143, at: 300));
        Assert.Equal<Effect>([Launch(4, web, 1, 2), Ok(2, 2)], then.Effects);
        Assert.Empty(then.State.PendingReplies);
        Assert.Equal(InstanceStatus.Running, then.When(Started(3, at: 301)).Instance(0).Status);
    }

    [Fact]
    public void Restart_starts_the_new_try_without_the_failure_streak()
    {
        var web = Spec(restartDelayMs: 100, minUptimeMs: 10_000);
        var given = Scenario.Given(Load(web), Started(1), Exited(1, 1, at: 10), RetryDue("web", 0, 2, at: 110), Started(2, at: 111));
        Assert.Equal(1, given.Instance(0).ConsecutiveFailures);

        var then = given.When(RestartInstances("web", 0, request: 2, at: 200), Exited(2, 143, at: 300));

        Assert.Equal<Effect>([Launch(3, web, 0, 3), Ok(2, 1)], then.Effects);
        Assert.Equal(0, then.Instance(0).ConsecutiveFailures);
    }

    [Fact]
    public void Restart_of_instances_that_are_not_running_launches_them_at_once()
    {
        var web = Spec(instances: 2, restartDelayMs: 100);
        var given = Scenario.Given(Load(web), Exited(1, 0, at: 10), Exited(2, 1, at: 10)); // #0 Done, #1 waiting for try 2

        var then = given.When(RestartInstances("web", null, request: 2, at: 50));

        Assert.Equal<Effect>([Launch(3, web, 0, 2), Launch(4, web, 1, 2), Ok(2, 2)], then.Effects);
        Assert.All(then.Program().Instances, i => Assert.Equal((InstanceStatus.Started, 0, false), (i.Status, i.ConsecutiveFailures, i.RestartRequested)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Restart_of_an_instance_being_stopped_is_rejected_Conflict_and_changes_nothing(bool rolling)
    {
        var given = Scenario.Given(Load(Spec(instances: 2)), Started(1), Started(2), RestartInstances("web", 0, request: 2, at: 100));

        var then = given.When(RestartInstances("web", null, request: 3, at: 110, rolling));

        Assert.Contains("web.0", then.AssertRejected(3, RejectionKind.Conflict), StringComparison.Ordinal);
        Scenario.AssertUnchanged(given, then);
    }

    [Fact]
    public void Restart_interrupted_by_shutdown_ends_Stopped_and_launches_nothing()
    {
        var given = Scenario.Given(Load(Spec()), Started(1), RestartInstances("web", null, request: 2, at: 100));

        var shutdown = given.When(Shutdown(request: 3, at: 150));
        Assert.Empty(shutdown.Effects); // already stopping: no second signal

        var then = shutdown.When(Exited(1, 143, at: 200));
        Assert.Equal<Effect>([Ok(2, 1), Ok(3, 0)], then.Effects);
        Assert.Equal((InstanceStatus.Stopped, false), (then.Instance(0).Status, then.Instance(0).RestartRequested));
        Assert.Equal(2, then.State.NextRunId);
    }
}

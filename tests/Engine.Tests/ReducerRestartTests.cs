using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary>Restart, all at once or rolling (one instance at a time, the next once the previous one runs again).</summary>
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

    [Fact]
    public void Rolling_restart_restarts_one_instance_at_a_time_each_once_the_previous_one_runs_again()
    {
        var web = Spec(instances: 3);
        var given = Scenario.Given(Load(web), Started(1), Started(2), Started(3));

        var rolling = given.When(RestartInstances("web", null, request: 2, at: 100, rolling: true));
        Assert.Equal<Effect>(StopEffects(1, 100), rolling.Effects);
        Assert.Equal("request 2: restarting #0, then [#1, #2], 3 in all", StateView.Describe(rolling.Program().Rolling));
        Assert.Equal([true, false, false], rolling.Program().Instances.Select(i => i.RestartRequested));

        // The old run has exited and the new one is launched: the next instance still waits for it to run.
        var relaunched = rolling.When(Exited(1, 143, at: 200));
        Assert.Equal<Effect>([Launch(4, web, 0, 2)], relaunched.Effects);
        Assert.Equal(0, relaunched.Program().Rolling!.Current);

        var second = relaunched.When(Started(4, at: 210));
        Assert.Equal<Effect>([ScheduleUptime(4, at: 1_210), .. StopEffects(2, 210)], second.Effects);
        Assert.Equal("request 2: restarting #1, then [#2], 3 in all", StateView.Describe(second.Program().Rolling));

        var third = second.When(Exited(2, 143, at: 300), Started(5, at: 310));
        Assert.Equal<Effect>([ScheduleUptime(5, at: 1_310), .. StopEffects(3, 310)], third.Effects);

        var then = third.When(Exited(3, 143, at: 400), Started(6, at: 410));
        Assert.Equal<Effect>([ScheduleUptime(6, at: 1_410), Ok(2, 3)], then.Effects);
        Assert.Null(then.Program().Rolling);
        Assert.All(then.Program().Instances, i => Assert.Equal((InstanceStatus.Running, 2), (i.Status, i.CurrentTry)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Rolling_restart_moves_on_when_the_new_try_fails_instead_of_running(bool failsToStart)
    {
        var web = Spec(instances: 2, restartDelayMs: 100);
        var given = Scenario.Given(
            Load(web), Started(1), Started(2), RestartInstances("web", null, request: 2, at: 100, rolling: true), Exited(1, 143, at: 200));

        var then = given.When(failsToStart ? StartFailed(3, "No such file: /bin/web", at: 210) : Exited(3, 1, at: 210));

        Assert.Equal<Effect>([ScheduleRetry("web", 0, 3, at: 310), .. StopEffects(2, 210)], then.Effects);
        Assert.Equal(1, then.Program().Rolling!.Current);

        var done = then.When(Exited(2, 143, at: 300), Started(4, at: 301));
        Assert.Equal(Ok(2, 2), done.Effects[^1]);
        Assert.Null(done.Program().Rolling);
    }

    [Fact]
    public void Rolling_restart_launches_instances_that_are_not_running_and_moves_on_once_they_run()
    {
        var web = Spec(instances: 2);
        var given = Scenario.Given(Load(web), Exited(1, 0, at: 10), Started(2)); // #0 Done, #1 running

        var rolling = given.When(RestartInstances("web", null, request: 2, at: 100, rolling: true));
        Assert.Equal<Effect>([Launch(3, web, 0, 2)], rolling.Effects);
        Assert.Equal(0, rolling.Program().Rolling!.Current);

        var second = rolling.When(Started(3, at: 110));
        Assert.Equal<Effect>([ScheduleUptime(3, at: 1_110), .. StopEffects(2, 110)], second.Effects);

        var then = second.When(Exited(2, 143, at: 200), Started(4, at: 210));
        Assert.Equal<Effect>([ScheduleUptime(4, at: 1_210), Ok(2, 2)], then.Effects);
    }

    [Fact]
    public void Rolling_restart_of_one_instance_is_a_plain_restart()
    {
        var web = Spec(instances: 2);
        var given = Scenario.Given(Load(web), Started(1), Started(2));

        var restarting = given.When(RestartInstances("web", 1, request: 2, at: 100, rolling: true));
        Assert.Equal<Effect>(StopEffects(2, 100), restarting.Effects);
        Assert.Null(restarting.Program().Rolling);

        var then = restarting.When(Exited(2, 143, at: 200));
        Assert.Equal<Effect>([Launch(3, web, 1, 2), Ok(2, 1)], then.Effects);
    }

    [Fact]
    public void Rolling_restart_does_not_move_on_when_the_old_run_reports_Started_late()
    {
        var web = Spec(instances: 2);
        var given = Scenario.Given(Load(web), Started(2), RestartInstances("web", null, request: 2, at: 5, rolling: true)); // #0 was in flight

        var late = given.When(Started(1, at: 6));
        Assert.Empty(late.Effects);
        Assert.Equal((InstanceStatus.Stopping, 0), (late.Instance(0).Status, late.Program().Rolling!.Current));

        var then = late.When(Exited(1, 143, at: 7), Started(3, at: 8));
        Assert.Equal<Effect>([ScheduleUptime(3, at: 1_008), .. StopEffects(2, 8)], then.Effects);
    }

    [Theory]
    [InlineData("scale")]
    [InlineData("stop")]
    [InlineData("stop-one")]
    [InlineData("start")]
    [InlineData("restart")]
    [InlineData("rolling")]
    [InlineData("remove")]
    public void During_a_rolling_restart_other_commands_for_its_program_are_rejected_Conflict(string command)
    {
        var given = Scenario.Given(
            Load(Spec(instances: 3), Spec("worker")), Started(1), Started(2), Started(3), RestartInstances("web", null, request: 2, at: 100, rolling: true));
        Message message = command switch
        {
            "scale" => Scale("web", 1, request: 3, at: 110),
            "stop" => StopInstances("web", null, request: 3, at: 110),
            "stop-one" => StopInstances("web", 2, request: 3, at: 110),
            "start" => StartInstances("web", null, request: 3, at: 110),
            "restart" => RestartInstances("web", 2, request: 3, at: 110),
            "rolling" => RestartInstances("web", null, request: 3, at: 110, rolling: true),
            _ => RemoveInstance("web", 2, request: 3, at: 110),
        };

        var then = given.When(message);

        Assert.Contains("rolling restart", then.AssertRejected(3, RejectionKind.Conflict), StringComparison.Ordinal);
        Scenario.AssertUnchanged(given, then);
    }

    [Fact]
    public void During_a_rolling_restart_signals_and_commands_for_other_programs_are_accepted()
    {
        var given = Scenario.Given(
            Load(Spec(instances: 3), Spec("worker")), Started(1), Started(2), Started(3), Started(4),
            RestartInstances("web", null, request: 2, at: 100, rolling: true));

        var signalled = given.When(SignalInstances("web", null, Signals.Hangup, request: 3, at: 110));
        Assert.Equal<Effect>(
            [new Effect.SendSignal(1, Signals.Hangup), new Effect.SendSignal(2, Signals.Hangup), new Effect.SendSignal(3, Signals.Hangup), Ok(3, 3)],
            signalled.Effects);

        var other = given.When(RestartInstances("worker", null, request: 4, at: 110));
        Assert.Equal<Effect>(StopEffects(4, 110), other.Effects);
        Assert.Same(given.Program().Rolling, other.Program().Rolling);
    }

    [Fact]
    public void Shutdown_during_a_rolling_restart_answers_it_Conflict_and_stops_everything_without_relaunching()
    {
        var given = Scenario.Given(Load(Spec(instances: 3)), Started(1), Started(2), Started(3), RestartInstances("web", null, request: 2, at: 100, rolling: true));

        var shutdown = given.When(Shutdown(request: 3, at: 150));

        // Run 1 is already stopping; the others get their signal, and the rolling restart is answered at once.
        Assert.Equal(5, shutdown.Effects.Length);
        Assert.Equal<Effect>([.. StopEffects(2, 150), .. StopEffects(3, 150)], shutdown.Effects[..4]);
        var refused = Assert.IsType<Effect.Reply>(shutdown.Effects[4]);
        Assert.Equal((2L, false, RejectionKind.Conflict), (refused.RequestId, refused.Result.Accepted, refused.Result.Rejection));
        Assert.Null(shutdown.Program().Rolling);

        var then = shutdown.When(Exited(1, 143, at: 200), Exited(2, 143, at: 210), Exited(3, 143, at: 220));
        Assert.Equal<Effect>([Ok(3, 0)], then.Effects);
        Assert.All(then.Program().Instances, i => Assert.Equal((InstanceStatus.Stopped, false), (i.Status, i.RestartRequested)));
        Assert.Equal(4, then.State.NextRunId); // nothing was launched again
    }

    [Theory]
    [InlineData(new long[] { 1 }, true)]
    [InlineData(new long[] { 1, 2 }, false)]
    public void Rolling_restart_skips_instances_that_no_longer_exist_when_their_turn_comes(long[] gone, bool restartsTheLastOne)
    {
        // Remove and Scale are refused during a rolling restart, so this is the reducer's guard, reached by editing the state.
        var given = Scenario.Given(Load(Spec(instances: 3)), Started(1), Started(2), Started(3), RestartInstances("web", null, request: 2, at: 100, rolling: true));
        var program = given.Program() with { Instances = given.Program().Instances.RemoveAll(i => gone.Contains(i.Id)) };
        var edited = new Scenario(given.State with { Programs = [program] }, []);

        var then = edited.When(Exited(1, 143, at: 200), Started(4, at: 210));

        Assert.Equal<Effect>(
            restartsTheLastOne ? [ScheduleUptime(4, at: 1_210), .. StopEffects(3, 210)] : [ScheduleUptime(4, at: 1_210), Ok(2, 3)],
            then.Effects);
    }
}

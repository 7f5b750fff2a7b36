using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary>Stop and start of a program's instances (or one): what is signalled, launched, and when the answer comes.</summary>
public class ReducerStopStartTests
{
    [Fact]
    public void Stop_of_a_program_waits_for_its_processes_and_leaves_them_listed_as_Stopped()
    {
        var web = Spec(instances: 2, stopSignal: Signals.Interrupt, stopTimeoutMs: 3_000);
        var given = Scenario.Given(Load(web), Started(1), Started(2));

        var stopping = given.When(StopInstances("web", null, request: 2, at: 100));

        Assert.Equal<Effect>([.. StopEffects(1, 100, Signals.Interrupt, 3_000), .. StopEffects(2, 100, Signals.Interrupt, 3_000)], stopping.Effects);
        Assert.All(stopping.Program().Instances, i => Assert.Equal((InstanceStatus.Stopping, true), (i.Status, i.StopRequested)));
        var pending = Assert.Single(stopping.State.PendingReplies);
        Assert.Equal((2L, CommandResult.Ok(2)), (pending.RequestId, pending.Result));
        Assert.Equal([1L, 2L], pending.AwaitedRuns.Order());

        var oneExited = stopping.When(Exited(1, 128 + Signals.Interrupt, at: 200));
        Assert.Empty(oneExited.Effects);
        Assert.Equal(InstanceStatus.Stopped, oneExited.Instance(0).Status);

        var then = oneExited.When(Exited(2, 0, at: 300));
        Assert.Equal<Effect>([Ok(2, 2)], then.Effects);
        Assert.Equal([(0L, InstanceStatus.Stopped), (1L, InstanceStatus.Stopped)], then.Program().Instances.Select(i => (i.Id, i.Status)));
        Assert.Empty(then.State.PendingReplies);
        Assert.False(then.State.HasLiveRuns);
        Assert.Equal(3, then.State.NextRunId); // nothing launched again
    }

    [Fact]
    public void Stop_of_one_instance_stops_only_that_one()
    {
        var given = Scenario.Given(Load(Spec(instances: 3)), Started(1), Started(2), Started(3));

        var stopping = given.When(StopInstances("web", 1, request: 2, at: 100));

        Assert.Equal<Effect>(StopEffects(2, 100), stopping.Effects);
        Assert.Equal(
            [InstanceStatus.Running, InstanceStatus.Stopping, InstanceStatus.Running],
            stopping.Program().Instances.Select(i => i.Status));

        var then = stopping.When(Exited(2, 143, at: 200));
        Assert.Equal<Effect>([Ok(2, 1)], then.Effects);
        Assert.Equal(InstanceStatus.Stopped, then.Instance(1).Status);
    }

    [Fact]
    public void Stop_of_instances_that_are_not_running_marks_them_Stopped_at_once_without_signals()
    {
        var web = Spec(instances: 3, maxRetries: 1, restartDelayMs: 100);
        var job = Spec("job", restart: RestartPolicy.Never);
        var given = Scenario.Given(
            Load(web, job),
            Exited(1, 0, at: 10), // web#0: Done
            Exited(2, 1, at: 10), RetryDue("web", 1, 2, at: 110), Exited(5, 1, at: 120), // web#1: RetriesExceeded
            Exited(3, 1, at: 130), // web#2: in backoff, its retry due at 230
            Exited(4, 1, at: 10)); // job#0: Failed
        Assert.Equal(
            [InstanceStatus.Done, InstanceStatus.RetriesExceeded, InstanceStatus.Backoff, InstanceStatus.Failed],
            given.Program().Instances.Select(i => i.Status).Append(given.Instance(0, "job").Status));

        var stopped = given.When(StopInstances("web", null, request: 2, at: 150));

        Assert.Equal<Effect>([Ok(2, 3)], stopped.Effects);
        Assert.All(stopped.Program().Instances, i => Assert.Equal((InstanceStatus.Stopped, null), (i.Status, i.NextTryAt)));
        Assert.Empty(stopped.State.PendingReplies);

        // The stopped instance's retry timer is now stale.
        var retry = stopped.When(RetryDue("web", 2, 2, at: 230));
        Assert.Empty(retry.Effects);
        Scenario.AssertUnchanged(stopped, retry);

        var then = stopped.When(StopInstances("job", 0, request: 3, at: 240));
        Assert.Equal<Effect>([Ok(3, 1)], then.Effects);
        Assert.Equal(InstanceStatus.Stopped, then.Instance(0, "job").Status);
    }

    [Fact]
    public void Stop_of_an_instance_already_stopping_waits_for_it_without_a_second_signal()
    {
        var given = Scenario.Given(Load(Spec()), Started(1), StopInstances("web", null, request: 2, at: 100));

        var second = given.When(StopInstances("web", 0, request: 3, at: 200));

        Assert.Empty(second.Effects);
        Assert.Equal([(2L, 1), (3L, 1)], second.State.PendingReplies.Select(p => (p.RequestId, p.Result.Affected)));

        var then = second.When(Exited(1, 143, at: 300));
        Assert.Equal<Effect>([Ok(2, 1), Ok(3, 1)], then.Effects);
    }

    [Fact]
    public void Stop_of_an_instance_being_restarted_cancels_the_restart()
    {
        var given = Scenario.Given(Load(Spec()), Started(1), RestartInstances("web", null, request: 2, at: 100));

        var stopping = given.When(StopInstances("web", null, request: 3, at: 110));
        Assert.Empty(stopping.Effects); // already stopping: no second signal
        Assert.Equal((InstanceStatus.Stopping, false), (stopping.Instance(0).Status, stopping.Instance(0).RestartRequested));

        var then = stopping.When(Exited(1, 143, at: 200));
        Assert.Equal<Effect>([Ok(2, 1), Ok(3, 1)], then.Effects); // and no launch
        Assert.Equal(InstanceStatus.Stopped, then.Instance(0).Status);
    }

    [Fact]
    public void Stop_of_instances_already_stopped_replies_zero_and_changes_nothing()
    {
        var given = Scenario.Given(Load(Spec()), Started(1), StopInstances("web", null, request: 2, at: 100), Exited(1, 143, at: 200));

        var then = given.When(StopInstances("web", null, request: 3, at: 300));

        Assert.Equal<Effect>([Ok(3, 0)], then.Effects);
        Scenario.AssertUnchanged(given, then);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(128 + Signals.Terminate)]
    public void Stopped_instances_are_not_restarted_by_policy_even_under_Always(int exitCode)
    {
        var given = Scenario.Given(Load(Spec(restart: RestartPolicy.Always, restartDelayMs: 0)), Started(1), StopInstances("web", null, request: 2, at: 100));

        var then = given.When(Exited(1, exitCode, at: 200));

        Assert.Equal<Effect>([Ok(2, 1)], then.Effects);
        Assert.Equal((InstanceStatus.Stopped, exitCode, 0), (then.Instance(0).Status, then.Instance(0).LastExitCode!.Value, then.Instance(0).ConsecutiveFailures));
        Assert.Equal(2, then.State.NextRunId);
    }

    [Fact]
    public void Stop_of_a_launch_in_flight_keeps_it_Stopping_when_its_Started_comes_late()
    {
        var given = Scenario.Given(Load(Spec()));

        var stopping = given.When(StopInstances("web", null, request: 2, at: 1));
        Assert.Equal<Effect>(StopEffects(1, 1), stopping.Effects);

        var started = stopping.When(Started(1, at: 2));
        Assert.Empty(started.Effects); // no uptime timer: it is not going to run
        Assert.Equal((InstanceStatus.Stopping, (int?)Pid(1)), (started.Instance(0).Status, started.Instance(0).Pid));

        var then = started.When(Exited(1, 143, at: 3));
        Assert.Equal<Effect>([Ok(2, 1)], then.Effects);
        Assert.Equal(InstanceStatus.Stopped, then.Instance(0).Status);
    }

    [Fact]
    public void Stop_timeout_of_a_stopped_instance_still_alive_sends_SIGKILL()
    {
        var given = Scenario.Given(Load(Spec()), Started(1), StopInstances("web", null, request: 2, at: 100));

        var then = given.When(StopTimeout(1, at: 5_100));

        Assert.Equal<Effect>([new Effect.SendSignal(1, Signals.Kill)], then.Effects);
        Scenario.AssertUnchanged(given, then);
    }

    [Fact]
    public void Start_launches_every_instance_that_is_not_running_with_a_new_try_and_no_failure_streak()
    {
        var web = Spec(instances: 5, maxRetries: 1, restartDelayMs: 100);
        var given = Scenario.Given(
            Load(web),
            Exited(1, 0, at: 10), // #0: Done after try 1
            Exited(2, 1, at: 10), RetryDue("web", 1, 2, at: 110), Exited(6, 1, at: 120), // #1: RetriesExceeded after try 2
            Exited(3, 1, at: 130), // #2: in backoff, waiting for try 2 at 230
            Started(4, at: 5), StopInstances("web", 3, request: 2, at: 140), Exited(4, 143, at: 150), // #3: Stopped after try 1
            Started(5, at: 5)); // #4: running, left alone

        var then = given.When(StartInstances("web", null, request: 3, at: 200));

        Assert.Equal<Effect>(
            [Launch(7, web, 0, 2), Launch(8, web, 1, 3), Launch(9, web, 2, 2), Launch(10, web, 3, 2), Ok(3, 4)],
            then.Effects);
        Assert.Equal(
            [(InstanceStatus.Started, 7L, 0), (InstanceStatus.Started, 8L, 0), (InstanceStatus.Started, 9L, 0), (InstanceStatus.Started, 10L, 0), (InstanceStatus.Running, 5L, 0)],
            then.Program().Instances.Select(i => (i.Status, i.RunId!.Value, i.ConsecutiveFailures)));
        Assert.All(then.Program().Instances, i => Assert.Equal((null, false), (i.NextTryAt, i.StopRequested)));

        // The backoff the start cut short fires later and finds nothing to do.
        var retry = then.When(RetryDue("web", 2, 2, at: 230));
        Assert.Empty(retry.Effects);
        Scenario.AssertUnchanged(then, retry);
    }

    [Fact]
    public void Start_of_one_instance_launches_only_that_one()
    {
        var web = Spec(instances: 2);
        var given = Scenario.Given(
            Load(web), Started(1), Started(2), StopInstances("web", null, request: 2, at: 100), Exited(1, 143, at: 110), Exited(2, 143, at: 120));

        var then = given.When(StartInstances("web", 1, request: 3, at: 200));

        Assert.Equal<Effect>([Launch(3, web, 1, 2), Ok(3, 1)], then.Effects);
        Assert.Equal([InstanceStatus.Stopped, InstanceStatus.Started], then.Program().Instances.Select(i => i.Status));
    }

    [Fact]
    public void Start_of_a_Failed_instance_launches_its_next_try()
    {
        var job = Spec("job", restart: RestartPolicy.Never);
        var given = Scenario.Given(Load(job), Started(1), Exited(1, 1, at: 10));
        Assert.Equal((InstanceStatus.Failed, 1), (given.Instance(0, "job").Status, given.Instance(0, "job").ConsecutiveFailures));

        var then = given.When(StartInstances("job", 0, request: 2, at: 20));

        Assert.Equal<Effect>([Launch(2, job, 0, 2), Ok(2, 1)], then.Effects);
        Assert.Equal((InstanceStatus.Started, 0), (then.Instance(0, "job").Status, then.Instance(0, "job").ConsecutiveFailures));
    }

    [Fact]
    public void Start_of_instances_that_are_running_or_launching_launches_nothing_and_replies_zero()
    {
        var given = Scenario.Given(Load(Spec(instances: 2)), Started(1)); // #1 is still being launched

        var then = given.When(StartInstances("web", null, request: 2, at: 10));

        Assert.Equal<Effect>([Ok(2, 0)], then.Effects);
        Scenario.AssertUnchanged(given, then);
    }

    [Fact]
    public void Start_of_an_instance_being_stopped_is_rejected_Conflict_and_changes_nothing()
    {
        var web = Spec(instances: 2);
        var given = Scenario.Given(Load(web), Started(1), Started(2), StopInstances("web", 0, request: 2, at: 100));

        foreach (var (target, request) in new[] { ((long?)null, 3L), (0L, 4L) })
        {
            var refused = given.When(StartInstances("web", target, request, at: 110));

            Assert.Contains("web.0", refused.AssertRejected(request, RejectionKind.Conflict), StringComparison.Ordinal);
            Scenario.AssertUnchanged(given, refused);
        }

        // The other instance is not being stopped: starting it alone is fine (it runs, so nothing to do).
        Assert.Equal<Effect>([Ok(5, 0)], given.When(StartInstances("web", 1, request: 5, at: 110)).Effects);

        // Once it has stopped, it can be started.
        var then = given.When(Exited(1, 143, at: 200), StartInstances("web", null, request: 6, at: 210));
        Assert.Equal<Effect>([Launch(3, web, 0, 2), Ok(6, 1)], then.Effects);
    }

    [Fact]
    public void A_started_instance_is_supervised_again_by_its_restart_policy()
    {
        var web = Spec(restartDelayMs: 100);
        var given = Scenario.Given(
            Load(web), Started(1), StopInstances("web", null, request: 2, at: 10), Exited(1, 143, at: 20),
            StartInstances("web", null, request: 3, at: 30), Started(2, at: 31));

        var then = given.When(Exited(2, 1, at: 40));

        Assert.Equal<Effect>([ScheduleRetry("web", 0, 3, at: 140)], then.Effects);
        Assert.Equal((InstanceStatus.Backoff, 1), (then.Instance(0).Status, then.Instance(0).ConsecutiveFailures));
    }
}

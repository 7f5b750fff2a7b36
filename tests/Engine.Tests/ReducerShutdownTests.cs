using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary>Shutdown: stop everything, start nothing, answer once every run has ended.</summary>
public class ReducerShutdownTests
{
    [Fact]
    public void Shutdown_stops_every_live_instance_and_replies_once_every_run_has_ended()
    {
        var web = Spec("web", instances: 2, stopSignal: Signals.Interrupt, stopTimeoutMs: 3_000);
        var worker = Spec("worker");
        var given = Scenario.Given(Load(web, worker), Started(1), Started(2), Started(3), Exited(3, 0, at: 50));

        var stopping = given.When(Shutdown(request: 9, at: 100));

        Assert.Equal<Effect>(
            [
                new Effect.SendSignal(1, Signals.Interrupt), new Effect.Schedule(StopTimeout(1, at: 3_100)),
                new Effect.SendSignal(2, Signals.Interrupt), new Effect.Schedule(StopTimeout(2, at: 3_100)),
            ],
            stopping.Effects);
        Assert.True(stopping.State.ShuttingDown);
        Assert.All(stopping.Program("web").Instances, i => Assert.Equal((InstanceStatus.Stopping, true), (i.Status, i.StopRequested)));
        Assert.Equal(InstanceStatus.Done, stopping.Instance(0, "worker").Status);

        // A failing exit while stopping is not a failed try: nothing is restarted.
        var oneExited = stopping.When(Exited(1, 1, at: 200));
        Assert.Empty(oneExited.Effects);
        Assert.Equal(InstanceStatus.Stopped, oneExited.Instance(0).Status);

        var then = oneExited.When(Exited(2, 0, at: 300));
        Assert.Equal<Effect>([Ok(9, 0)], then.Effects);
        Assert.Equal([InstanceStatus.Stopped, InstanceStatus.Stopped], then.Program("web").Instances.Select(i => i.Status));
        Assert.Empty(then.State.PendingReplies);
        Assert.False(then.State.HasLiveRuns);
    }

    [Fact]
    public void Stop_timeout_during_shutdown_sends_SIGKILL_to_a_run_still_alive()
    {
        var given = Scenario.Given(Load(Spec()), Started(1), Shutdown(request: 2, at: 100));

        var then = given.When(StopTimeout(1, at: 5_100));

        Assert.Equal<Effect>([new Effect.SendSignal(1, Signals.Kill)], then.Effects);
    }

    [Fact]
    public void Shutdown_with_nothing_running_replies_at_once()
    {
        var given = Scenario.Given(Load(Spec()), Started(1), Exited(1, 0, at: 10));

        var then = given.When(Shutdown(request: 2, at: 20));

        Assert.Equal<Effect>([Ok(2, 0)], then.Effects);
        Assert.True(then.State.ShuttingDown);
        Assert.Equal(InstanceStatus.Done, then.Instance(0).Status);
    }

    [Fact]
    public void Shutdown_of_an_empty_engine_replies_at_once()
    {
        var then = Scenario.Given().When(Shutdown(request: 1, at: 0));

        Assert.Equal<Effect>([Ok(1, 0)], then.Effects);
    }

    [Fact]
    public void Shutdown_during_backoff_stops_the_waiting_instance_at_once_and_the_retry_never_runs()
    {
        var given = Scenario.Given(Load(Spec(restartDelayMs: 100)), Started(1), Exited(1, 1, at: 50));
        Assert.Equal(InstanceStatus.Backoff, given.Instance(0).Status);

        var stopped = given.When(Shutdown(request: 2, at: 60));

        Assert.Equal<Effect>([Ok(2, 0)], stopped.Effects); // no signal: it has no process
        Assert.Equal(
            new InstanceState(0, 2, InstanceStatus.Stopped) { StartedAt = At(1), ExitedAt = At(50), LastExitCode = 1, ConsecutiveFailures = 1 },
            stopped.Instance(0));

        var then = stopped.When(RetryDue("web", 0, 2, at: 150));
        Assert.Empty(then.Effects);
        Scenario.AssertUnchanged(stopped, then);
    }

    [Fact]
    public void Shutdown_signals_the_live_stops_the_waiting_and_SIGKILLs_only_runs_still_alive_at_their_stop_timeout()
    {
        var web = Spec(instances: 3, restartDelayMs: 100, stopSignal: Signals.Interrupt, stopTimeoutMs: 3_000);
        var given = Scenario.Given(Load(web), Started(1), Started(2), Started(3), Exited(3, 1, at: 50)); // #2 in backoff

        var stopping = given.When(Shutdown(request: 2, at: 100));

        Assert.Equal<Effect>(
            [
                new Effect.SendSignal(1, Signals.Interrupt), new Effect.Schedule(StopTimeout(1, at: 3_100)),
                new Effect.SendSignal(2, Signals.Interrupt), new Effect.Schedule(StopTimeout(2, at: 3_100)),
            ],
            stopping.Effects);
        Assert.Equal(
            [InstanceStatus.Stopping, InstanceStatus.Stopping, InstanceStatus.Stopped],
            stopping.Program().Instances.Select(i => i.Status));
        Assert.Null(stopping.Instance(2).NextTryAt);

        // Run 1 obeys the signal; its timer then finds nothing to kill. Run 2 ignores it and is killed.
        var obeyed = stopping.When(Exited(1, 128 + Signals.Interrupt, at: 200), StopTimeout(1, at: 3_100));
        Assert.Empty(obeyed.Effects);
        var killed = obeyed.When(StopTimeout(2, at: 3_100));
        Assert.Equal<Effect>([new Effect.SendSignal(2, Signals.Kill)], killed.Effects);

        var ended = killed.When(Exited(2, 128 + Signals.Kill, at: 3_101));
        Assert.Equal<Effect>([Ok(2, 0)], ended.Effects);
        Assert.All(ended.Program().Instances, i => Assert.Equal(InstanceStatus.Stopped, i.Status));
        Assert.False(ended.State.HasLiveRuns);

        // The waiting instance's retry timer still fires: it launches nothing.
        var then = ended.When(RetryDue("web", 2, 2, at: 3_200));
        Assert.Empty(then.Effects);
        Scenario.AssertUnchanged(ended, then);
    }

    [Fact]
    public void Shutdown_also_waits_for_retiring_runs_without_signalling_them_twice()
    {
        var given = Scenario.Given(Load(Spec(instances: 2)), Started(1), Started(2), Scale("web", 1, request: 2, at: 10));

        var stopping = given.When(Shutdown(request: 3, at: 20));

        Assert.Equal<Effect>(
            [new Effect.SendSignal(2, Signals.Terminate), new Effect.Schedule(StopTimeout(2, at: 5_020))],
            stopping.Effects);

        var instanceExited = stopping.When(Exited(2, 143, at: 30));
        Assert.Empty(instanceExited.Effects);

        var then = instanceExited.When(Exited(1, 143, at: 40));
        Assert.Equal<Effect>([Ok(2, 1), Ok(3, 0)], then.Effects);
        Assert.Empty(then.State.PendingReplies);
    }

    [Fact]
    public void Shutdown_of_a_run_in_flight_stops_it_even_before_Started_is_seen()
    {
        var given = Scenario.Given(Load(Spec()));

        var stopping = given.When(Shutdown(request: 2, at: 1));
        Assert.Equal(new Effect.SendSignal(1, Signals.Terminate), stopping.Effects[0]);

        var started = stopping.When(Started(1, at: 2));
        Assert.Equal(InstanceStatus.Stopping, started.Instance(0).Status);

        var then = started.When(Exited(1, 143, at: 3));
        Assert.Equal<Effect>([Ok(2, 0)], then.Effects);
        Assert.Equal(InstanceStatus.Stopped, then.Instance(0).Status);
    }

    [Fact]
    public void Load_and_Scale_after_shutdown_are_rejected_Conflict()
    {
        var given = Scenario.Given(Load(Spec()), Shutdown(request: 2, at: 10));

        var load = given.When(Load(request: 3, at: 20, Spec("other")));
        var scale = given.When(Scale("web", 3, request: 4, at: 20));

        foreach (var (then, request) in new[] { (load, 3L), (scale, 4L) })
        {
            var reply = Assert.IsType<Effect.Reply>(Assert.Single(then.Effects));
            Assert.Equal((request, false, RejectionKind.Conflict), (reply.RequestId, reply.Result.Accepted, reply.Result.Rejection));
            Scenario.AssertUnchanged(given, then);
        }
    }
}

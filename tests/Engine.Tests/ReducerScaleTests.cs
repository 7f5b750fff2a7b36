using System.Collections.Immutable;
using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary>Scale up, scale down, retiring instances and the replies that wait for them.</summary>
public class ReducerScaleTests
{
    [Fact]
    public void Scale_up_launches_new_instances_with_new_ids_and_replies_the_number_added()
    {
        var web = Spec();
        var given = Scenario.Given(Load(web), Started(1));

        var then = given.When(Scale("web", 3, request: 2, at: 10));

        Assert.Equal<Effect>([Launch(2, web, 1, 1), Launch(3, web, 2, 1), Ok(2, 2)], then.Effects);
        Assert.Equal([0L, 1L, 2L], then.Program().Instances.Select(i => i.Id));
        Assert.Equal(3, then.Program().NextInstanceId);
        Assert.Equal(InstanceStatus.Running, then.Instance(0).Status);
    }

    [Fact]
    public void Scale_instance_ids_are_never_reused()
    {
        var web = Spec(instances: 2);
        var given = Scenario.Given(Load(web), Exited(1, 0, at: 5), Exited(2, 0, at: 6), Scale("web", 0, request: 2, at: 10));

        var then = given.When(Scale("web", 2, request: 3, at: 20));

        Assert.Equal<Effect>([Launch(3, web, 2, 1, index: 0), Launch(4, web, 3, 1, index: 1), Ok(3, 2)], then.Effects);
        Assert.Equal([2L, 3L], then.Program().Instances.Select(i => i.Id));
        Assert.Equal(4, then.Program().NextInstanceId);
    }

    [Fact]
    public void Scale_down_stops_the_oldest_instances_first_and_replies_once_they_have_exited()
    {
        var web = Spec(instances: 3, stopSignal: Signals.Interrupt, stopTimeoutMs: 5_000);
        var given = Scenario.Given(Load(web), Started(1), Started(2), Started(3));

        var scaled = given.When(Scale("web", 1, request: 2, at: 100));

        Assert.Equal<Effect>(
            [
                new Effect.SendSignal(1, Signals.Interrupt), new Effect.Schedule(StopTimeout(1, at: 5_100)),
                new Effect.SendSignal(2, Signals.Interrupt), new Effect.Schedule(StopTimeout(2, at: 5_100)),
            ],
            scaled.Effects);
        Assert.Equal([2L], scaled.Program().Instances.Select(i => i.Id));
        Assert.Equal(
            [(0L, 1L, InstanceStatus.Stopping, true), (1L, 2L, InstanceStatus.Stopping, true)],
            scaled.Program().Retiring.Select(i => (i.Id, i.RunId!.Value, i.Status, i.StopRequested)));
        var pending = Assert.Single(scaled.State.PendingReplies);
        Assert.Equal((2L, CommandResult.Ok(2)), (pending.RequestId, pending.Result));
        Assert.Equal([1L, 2L], pending.AwaitedRuns.Order());

        var oneExited = scaled.When(Exited(1, 128 + Signals.Interrupt, at: 200));
        Assert.Empty(oneExited.Effects);
        Assert.Equal([1L], oneExited.Program().Retiring.Select(i => i.Id));

        var then = oneExited.When(Exited(2, 0, at: 300));
        Assert.Equal<Effect>([Ok(2, 2)], then.Effects);
        Assert.Empty(then.Program().Retiring);
        Assert.Empty(then.State.PendingReplies);
        Assert.True(then.Instance(2).IsLive);
    }

    [Fact]
    public void Exited_nonzero_for_a_retiring_run_removes_it_without_a_restart()
    {
        var given = Scenario.Given(Load(Spec(instances: 2, restartDelayMs: 0)), Started(1), Started(2), Scale("web", 1, request: 2, at: 10));

        var then = given.When(Exited(1, 1, at: 20));

        Assert.Equal<Effect>([Ok(2, 1)], then.Effects);
        Assert.Empty(then.Program().Retiring);
        Assert.Equal(3, then.State.NextRunId);
    }

    [Fact]
    public void Started_for_a_retiring_run_keeps_it_Stopping()
    {
        // Scaled down before the launcher reported the process: the late Started must not make it Running again.
        var given = Scenario.Given(Load(Spec(instances: 2)), Scale("web", 1, request: 2, at: 1));

        var then = given.When(Started(1, at: 2));

        Assert.Empty(then.Effects);
        var retiring = Assert.Single(then.Program().Retiring);
        Assert.Equal((InstanceStatus.Stopping, (int?)Pid(1)), (retiring.Status, retiring.Pid));
    }

    [Fact]
    public void Stop_timeout_for_a_run_still_alive_sends_SIGKILL()
    {
        var given = Scenario.Given(Load(Spec(instances: 2)), Started(1), Started(2), Scale("web", 1, request: 2, at: 100));

        var then = given.When(StopTimeout(1, at: 5_100));

        Assert.Equal<Effect>([new Effect.SendSignal(1, Signals.Kill)], then.Effects);
        Scenario.AssertUnchanged(given, then);
    }

    [Fact]
    public void Stop_timeout_for_a_run_that_has_ended_is_ignored()
    {
        var given = Scenario.Given(
            Load(Spec(instances: 2)), Started(1), Started(2), Scale("web", 1, request: 2, at: 100), Exited(1, 143, at: 200));

        var then = given.When(StopTimeout(1, at: 5_100));

        Assert.Empty(then.Effects);
        Scenario.AssertUnchanged(given, then);
    }

    [Fact]
    public void Scale_down_of_instances_that_are_not_live_removes_them_without_signals_and_replies_at_once()
    {
        var web = Spec(instances: 4, maxRetries: 1, restartDelayMs: 100);
        var given = Scenario.Given(
            Load(web),
            Exited(1, 0, at: 10), // instance 0: Done
            Exited(2, 1, at: 10), RetryDue("web", 1, 2, at: 110), Exited(5, 1, at: 120), // instance 1: RetriesExceeded
            Exited(3, 1, at: 130), // instance 2: in backoff, its retry due at 230
            Started(4, at: 5)); // instance 3: running, kept
        Assert.Equal(
            [InstanceStatus.Done, InstanceStatus.RetriesExceeded, InstanceStatus.Backoff, InstanceStatus.Running],
            given.Program().Instances.Select(i => i.Status));

        var then = given.When(Scale("web", 1, request: 2, at: 150));

        Assert.Equal<Effect>([Ok(2, 3)], then.Effects);
        Assert.Equal([3L], then.Program().Instances.Select(i => i.Id));
        Assert.Empty(then.Program().Retiring);
        Assert.Empty(then.State.PendingReplies);

        // The removed instance's retry timer is now stale.
        var later = then.When(RetryDue("web", 2, 2, at: 230));
        Assert.Empty(later.Effects);
        Scenario.AssertUnchanged(then, later);
    }

    [Fact]
    public void Scale_down_of_an_instance_being_restarted_cancels_the_restart()
    {
        // As RemoveInstance does: a retiring instance is never started again, so it must not say a restart is coming.
        var given = Scenario.Given(Load(Spec(instances: 2)), Started(1), Started(2), RestartInstances("web", 0, request: 2, at: 10));

        var scaled = given.When(Scale("web", 1, request: 3, at: 20));

        Assert.Empty(scaled.Effects); // already stopping: no second signal
        var retiring = Assert.Single(scaled.Program().Retiring);
        Assert.Equal((0L, InstanceStatus.Stopping, false), (retiring.Id, retiring.Status, retiring.RestartRequested));

        var then = scaled.When(Exited(1, 143, at: 30));
        Assert.Equal<Effect>([Ok(2, 1), Ok(3, 1)], then.Effects); // and no launch
        Assert.Empty(then.Program().Retiring);
    }

    [Fact]
    public void Scale_to_the_same_count_replies_zero_and_changes_nothing()
    {
        var given = Scenario.Given(Load(Spec(instances: 2)), Started(1));

        var then = given.When(Scale("web", 2, request: 2, at: 10));

        Assert.Equal<Effect>([Ok(2, 0)], then.Effects);
        Scenario.AssertUnchanged(given, then);
    }

    [Fact]
    public void Scale_down_while_another_scale_down_is_pending_replies_each_when_its_own_runs_have_exited()
    {
        var given = Scenario.Given(
            Load(Spec(instances: 3)), Started(1), Started(2), Started(3), Scale("web", 2, request: 2, at: 10));

        var second = given.When(Scale("web", 0, request: 3, at: 20));

        Assert.Equal(
            [new Effect.SendSignal(2, Signals.Terminate), new Effect.SendSignal(3, Signals.Terminate)],
            second.Effects.OfType<Effect.SendSignal>());
        Assert.DoesNotContain(second.Effects, e => e is Effect.Reply);
        Assert.Equal([0L, 1L, 2L], second.Program().Retiring.Select(i => i.Id));
        Assert.Equal(
            [(2L, ImmutableArray.Create(1L)), (3L, ImmutableArray.Create(2L, 3L))],
            second.State.PendingReplies.Select(p => (p.RequestId, p.AwaitedRuns.Order().ToImmutableArray())));

        var secondDone = second.When(Exited(2, 143, at: 30), Exited(3, 143, at: 31));
        Assert.Equal<Effect>([Ok(3, 2)], secondDone.Effects);

        var then = secondDone.When(Exited(1, 143, at: 40));
        Assert.Equal<Effect>([Ok(2, 1)], then.Effects);
        Assert.Empty(then.State.PendingReplies);
        Assert.Empty(then.Program().Retiring);
    }

    [Fact]
    public void Scale_of_an_unknown_program_is_rejected_NotFound()
    {
        var given = Scenario.Given(Load(Spec()));

        var then = given.When(Scale("nope", 1, request: 2, at: 10));

        var reply = Assert.IsType<Effect.Reply>(Assert.Single(then.Effects));
        Assert.Equal((2L, false, 0, RejectionKind.NotFound), (reply.RequestId, reply.Result.Accepted, reply.Result.Affected, reply.Result.Rejection));
        Scenario.AssertUnchanged(given, then);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(11)]
    public void Scale_to_a_negative_count_or_above_MaxInstances_is_rejected_Invalid(int to)
    {
        var given = Scenario.Given(Load(Spec(maxInstances: 10)));

        var then = given.When(Scale("web", to, request: 2, at: 10));

        var reply = Assert.IsType<Effect.Reply>(Assert.Single(then.Effects));
        Assert.Equal((2L, false, RejectionKind.Invalid), (reply.RequestId, reply.Result.Accepted, reply.Result.Rejection));
        Assert.Contains(to.ToString(System.Globalization.CultureInfo.InvariantCulture), reply.Result.Reason, StringComparison.Ordinal);
        Scenario.AssertUnchanged(given, then);
    }

    [Fact]
    public void Scale_to_exactly_MaxInstances_is_accepted()
    {
        var then = Scenario.Given(Load(Spec(maxInstances: 10))).When(Scale("web", 10, request: 2, at: 10));

        Assert.Equal(Ok(2, 9), then.Effects[^1]);
        Assert.Equal(10, then.Program().Instances.Length);
    }
}

using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary>Removing one instance, and signalling a program's running instances (or one).</summary>
public class ReducerRemoveSignalTests
{
    [Fact]
    public void Remove_of_a_running_instance_takes_it_out_at_once_and_replies_once_it_has_exited()
    {
        var given = Scenario.Given(Load(Spec(instances: 3, stopSignal: Signals.Interrupt)), Started(1), Started(2), Started(3));

        var removing = given.When(RemoveInstance("web", 1, request: 2, at: 100));

        Assert.Equal<Effect>(StopEffects(2, 100, Signals.Interrupt), removing.Effects);
        Assert.Equal([0L, 2L], removing.Program().Instances.Select(i => i.Id));
        var retiring = Assert.Single(removing.Program().Retiring);
        Assert.Equal((1L, 2L, InstanceStatus.Stopping), (retiring.Id, retiring.RunId!.Value, retiring.Status));
        Assert.True(removing.State.HasLiveRuns);

        var then = removing.When(Exited(2, 1, at: 200));
        Assert.Equal<Effect>([Ok(2, 1)], then.Effects); // a failing exit, but it is gone: nothing restarts
        Assert.Empty(then.Program().Retiring);
        Assert.Empty(then.State.PendingReplies);
        Assert.Equal(4, then.State.NextRunId);
    }

    [Fact]
    public void Remove_of_an_instance_that_is_not_running_replies_at_once_and_its_retry_timer_goes_stale()
    {
        var given = Scenario.Given(Load(Spec(restartDelayMs: 100)), Started(1), Exited(1, 1, at: 10)); // waiting for try 2 at 110

        var removed = given.When(RemoveInstance("web", 0, request: 2, at: 50));

        Assert.Equal<Effect>([Ok(2, 1)], removed.Effects);
        Assert.Empty(removed.Program().Instances);
        Assert.Empty(removed.Program().Retiring);

        var then = removed.When(RetryDue("web", 0, 2, at: 110));
        Assert.Empty(then.Effects);
        Scenario.AssertUnchanged(removed, then);
    }

    [Fact]
    public void Remove_never_gives_an_id_again()
    {
        var web = Spec(instances: 2);
        var given = Scenario.Given(Load(web), Exited(2, 0, at: 10), RemoveInstance("web", 1, request: 2, at: 20));

        var then = given.When(Scale("web", 2, request: 3, at: 30));

        Assert.Equal<Effect>([Launch(3, web, 2, 1, index: 1), Ok(3, 1)], then.Effects);
        Assert.Equal([0L, 2L], then.Program().Instances.Select(i => i.Id));
        Assert.Equal(3, then.Program().NextInstanceId);

        var again = then.When(RemoveInstance("web", 1, request: 4, at: 40));
        Assert.Contains("1", again.AssertRejected(4, RejectionKind.NotFound), StringComparison.Ordinal);
    }

    [Fact]
    public void Remove_of_an_instance_being_stopped_waits_for_it_without_a_second_signal()
    {
        var given = Scenario.Given(Load(Spec()), Started(1), StopInstances("web", 0, request: 2, at: 100));

        var removing = given.When(RemoveInstance("web", 0, request: 3, at: 110));
        Assert.Empty(removing.Effects);
        Assert.Empty(removing.Program().Instances);

        var then = removing.When(Exited(1, 143, at: 200));
        Assert.Equal<Effect>([Ok(2, 1), Ok(3, 1)], then.Effects);
        Assert.Empty(then.Program().Retiring);
    }

    [Fact]
    public void Remove_of_an_instance_being_restarted_cancels_the_restart()
    {
        var given = Scenario.Given(Load(Spec()), Started(1), RestartInstances("web", 0, request: 2, at: 100));

        var removing = given.When(RemoveInstance("web", 0, request: 3, at: 110));
        Assert.Empty(removing.Effects);
        Assert.False(Assert.Single(removing.Program().Retiring).RestartRequested);

        var then = removing.When(Exited(1, 143, at: 200));
        Assert.Equal<Effect>([Ok(2, 1), Ok(3, 1)], then.Effects); // no launch
        Assert.Equal(2, then.State.NextRunId);
    }

    [Fact]
    public void Signal_goes_to_every_live_instance_and_the_answer_says_how_many()
    {
        var given = Scenario.Given(
            Load(Spec(instances: 4)),
            Started(1), // #0 running; #1 still being launched
            Started(3), Exited(3, 0, at: 10), // #2 Done
            Started(4), StopInstances("web", 3, request: 2, at: 20)); // #3 stopping

        var then = given.When(SignalInstances("web", null, Signals.Hangup, request: 3, at: 30));

        Assert.Equal<Effect>(
            [new Effect.SendSignal(1, Signals.Hangup), new Effect.SendSignal(2, Signals.Hangup), new Effect.SendSignal(4, Signals.Hangup), Ok(3, 3)],
            then.Effects);
        Scenario.AssertUnchanged(given, then);
    }

    [Fact]
    public void Signal_of_one_instance_goes_to_that_one_only()
    {
        var given = Scenario.Given(Load(Spec(instances: 3)), Started(1), Started(2), Started(3));

        var then = given.When(SignalInstances("web", 1, Signals.User1, request: 2, at: 10));

        Assert.Equal<Effect>([new Effect.SendSignal(2, Signals.User1), Ok(2, 1)], then.Effects);
        Scenario.AssertUnchanged(given, then);
    }

    [Fact]
    public void Signal_of_a_named_instance_that_is_not_running_is_rejected_Conflict()
    {
        var given = Scenario.Given(Load(Spec(instances: 2)), Started(1), Started(2), Exited(2, 0, at: 10));

        var then = given.When(SignalInstances("web", 1, Signals.Hangup, request: 2, at: 20));

        Assert.Contains("web.1", then.AssertRejected(2, RejectionKind.Conflict), StringComparison.Ordinal);
        Scenario.AssertUnchanged(given, then);
    }

    [Fact]
    public void Signal_of_a_program_with_nothing_running_replies_zero()
    {
        var given = Scenario.Given(Load(Spec(instances: 2)), Exited(1, 0, at: 10), Exited(2, 0, at: 10));

        var then = given.When(SignalInstances("web", null, Signals.Hangup, request: 2, at: 20));

        Assert.Equal<Effect>([Ok(2, 0)], then.Effects);
        Scenario.AssertUnchanged(given, then);
    }
}

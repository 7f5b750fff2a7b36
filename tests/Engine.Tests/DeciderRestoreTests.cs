using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary>
/// <see cref="Message.Restore"/>: krust-pm starts again on the state its journal kept, and what operators decided at
/// run time (a scale, a stop, a deleted instance) survives for every program whose configuration did not change.
/// </summary>
public sealed class DeciderRestoreTests
{
    private static readonly ProgramSpec Web = Spec("web", instances: 2, restartDelayMs: 100);
    private static readonly ProgramSpec Worker = Spec("worker", instances: 1, restartDelayMs: 100);

    [Fact]
    public void On_an_empty_state_a_restore_is_a_load()
    {
        var restored = Decider.Decide(EngineState.Empty, Restore(Web, Worker));

        Assert.Equal(Decider.Decide(EngineState.Empty, new Message.Load([Web, Worker], 99, At(1_000))).Events, restored.Events);
    }

    [Fact]
    public void A_scale_a_stop_and_a_deleted_instance_survive_a_restart_and_the_others_run_again()
    {
        // Scaled web to 4, deleted web.1 (3 left), stopped worker; then krust-pm was killed with everything running.
        var before = Previous(
            Scale("web", 4, request: 2, at: 10),
            RemoveInstance("web", 1, request: 3, at: 20),
            StopInstances("worker", null, request: 4, at: 30));

        var restored = Decider.Decide(before, Restore(Web, Worker));

        var web = restored.State.Find("web")!;
        Assert.Equal([0L, 2, 3], web.Instances.Select(i => i.Id));
        Assert.All(web.Instances, i => Assert.Equal(InstanceStatus.Started, i.Status));
        Assert.Equal(4, web.NextInstanceId); // ids are never reused, across restarts too
        Assert.Equal(InstanceStatus.Stopped, restored.State.Find("worker")!.Instances.Single().Status);
        Assert.True(restored.State.Find("worker")!.Instances.Single().StopIntended);
        Assert.Contains(restored.Events, e => e is EngineEvent.ProgramRestored { Program: "web", Instances: 3, Stopped: 0 });
        Assert.Contains(restored.Events, e => e is EngineEvent.ProgramRestored { Program: "worker", Instances: 1, Stopped: 1 });
        Assert.Equal(3, Assert.IsType<Effect.Reply>(restored.Effects[^1]).Result.Affected);
    }

    [Fact]
    public void Restored_instances_keep_their_history_marked_with_when_they_were_restored()
    {
        var before = Previous(Exited(run: 1, code: 3, at: 40));
        var exited = before.Find("web")!.Instances[0];

        var restored = Decider.Decide(before, Restore(At(1_000), Web, Worker)).State.Find("web")!.Instances[0];

        Assert.Equal((3, exited.ExitedAt, At(1_000)), (restored.LastExitCode, restored.ExitedAt, restored.RestoredAt));
        Assert.Equal(exited.CurrentTry + 1, restored.CurrentTry);
        Assert.Equal(0, restored.ConsecutiveFailures);
    }

    [Fact]
    public void After_a_graceful_shutdown_every_instance_runs_again_but_those_a_command_stopped()
    {
        var before = Previous(StopInstances("web", 1, request: 2, at: 10), Exited(run: 2, code: 143, at: 11), Shutdown(request: 3, at: 20));
        foreach (var run in new long[] { 1, 3 })
        {
            before = Decider.Reduce(before, Exited(run, 143, at: 21)).State;
        }

        Assert.All(before.Programs.SelectMany(p => p.Instances), i => Assert.Equal(InstanceStatus.Stopped, i.Status));

        var restored = Decider.Decide(before, Restore(Web, Worker)).State;

        Assert.Equal(
            ["web.0 Started", "web.1 Stopped", "worker.0 Started"],
            restored.Programs.SelectMany(p => p.Instances.Select(i => $"{p.Name}.{i.Id} {i.Status}")));
        Assert.False(restored.ShuttingDown);
    }

    [Fact]
    public void Ended_instances_stay_ended_and_nothing_of_the_previous_run_is_waited_for()
    {
        var crasher = Spec("crasher", instances: 1, maxRetries: 1);
        var before = Decider.Reduce(EngineState.Empty, Load(crasher)).State;
        before = Decider.Reduce(before, Exited(run: 1, code: 1, at: 5)).State;
        before = Decider.Reduce(before, Exited(run: 2, code: 1, at: 6)).State;
        before = Decider.Reduce(before, Load(request: 2, at: 7, Web)).State;
        before = Decider.Reduce(before, Scale("web", 1, request: 3, at: 8)).State; // waits for web.0 to exit
        Assert.Equal(InstanceStatus.RetriesExceeded, before.Find("crasher")!.Instances[0].Status);
        Assert.NotEmpty(before.PendingReplies);

        var restored = Decider.Decide(before, Restore(crasher, Web));

        Assert.Equal(InstanceStatus.RetriesExceeded, restored.State.Find("crasher")!.Instances[0].Status);
        Assert.Empty(restored.State.PendingReplies);
        Assert.Empty(restored.State.Find("web")!.Retiring);
        Assert.DoesNotContain(restored.Effects, e => e is Effect.Reply { RequestId: 3 });
    }

    [Fact]
    public void A_program_whose_configuration_changed_starts_from_it_and_the_change_is_said()
    {
        var before = Previous(Scale("web", 4, request: 2, at: 10));
        var changed = Web with { Argv = ["/bin/web", "--serve", "--fast"] };

        var restored = Decider.Decide(before, Restore(changed, Worker));

        var removed = Assert.Single(restored.Events.OfType<EngineEvent.ProgramRemoved>());
        Assert.Equal("web", removed.Program);
        Assert.Contains("configuration changed", removed.Reason, StringComparison.Ordinal);
        Assert.Equal([0L, 1], restored.State.Find("web")!.Instances.Select(i => i.Id));
        Assert.Same(changed, restored.State.Find("web")!.Spec);
        Assert.Equal(["web", "worker"], restored.State.Programs.Select(p => p.Name)); // the configuration's order
    }

    [Fact]
    public void A_program_gone_from_the_configuration_is_dropped_and_a_new_one_is_loaded()
    {
        var before = Previous();
        var cron = Spec("cron", instances: 1);

        var restored = Decider.Decide(before, Restore(cron, Web));

        Assert.Equal(["cron", "web"], restored.State.Programs.Select(p => p.Name));
        Assert.Contains(restored.Events, e => e is EngineEvent.ProgramRemoved { Program: "worker" });
        Assert.Contains(restored.Events, e => e is EngineEvent.ProgramLoaded { Spec.Name: "cron" });
        Assert.Contains(restored.Events, e => e is EngineEvent.ProgramsOrdered);
    }

    [Fact]
    public void Equal_settings_given_anew_count_as_unchanged()
    {
        var before = Previous(Scale("web", 3, request: 2, at: 10));
        var sameAgain = Spec("web", instances: 2, restartDelayMs: 100); // a new object, new lists, the same settings

        var restored = Decider.Decide(before, Restore(sameAgain, Worker));

        Assert.DoesNotContain(restored.Events, e => e is EngineEvent.ProgramRemoved);
        Assert.Equal(3, restored.State.Find("web")!.Instances.Length);
    }

    [Fact]
    public void A_restore_the_engine_refuses_changes_nothing()
    {
        var before = Previous();

        var refused = Decider.Decide(before, Restore(Web, Web));

        Assert.Equal(StateView.Facts(before), StateView.Facts(refused.State));
        Assert.False(Assert.IsType<Effect.Reply>(Assert.Single(refused.Effects)).Result.Accepted);
    }

    /// <summary>The state a journal kept: web and worker loaded and running, then the messages given.</summary>
    private static EngineState Previous(params Message[] messages)
    {
        var state = Decider.Reduce(EngineState.Empty, Load(Web, Worker)).State;
        foreach (var run in state.Programs.SelectMany(p => p.Instances).Select(i => i.RunId!.Value).ToList())
        {
            state = Decider.Reduce(state, Started(run)).State;
        }

        foreach (var message in messages)
        {
            state = Decider.Reduce(state, message).State;
            foreach (var run in state.Programs.SelectMany(p => p.Instances).Where(i => i is { IsLive: true, Pid: null }).Select(i => i.RunId!.Value).ToList())
            {
                state = Decider.Reduce(state, Started(run, at: 50)).State;
            }
        }

        return state;
    }

    private static Message.Restore Restore(params ProgramSpec[] specs) => Restore(At(1_000), specs);

    private static Message.Restore Restore(DateTimeOffset at, params ProgramSpec[] specs) => new([.. specs], RequestId: 99, at);
}

using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary>
/// <see cref="ProgramSpec.Autostart"/> off: the program is loaded (at start-up, by a reload, new in a restored journal)
/// with its instances stopped by intent, and only a start command starts them.
/// </summary>
public sealed class ReducerAutostartTests
{
    private static readonly ProgramSpec Manual = Spec("report", instances: 2) with { Autostart = false };

    [Fact]
    public void A_program_without_autostart_is_loaded_Stopped_and_nothing_is_launched()
    {
        var loaded = Decider.Reduce(EngineState.Empty, Load(Manual, Spec("web")));

        Assert.DoesNotContain(loaded.Effects, e => e is Effect.Launch { Request.Program.Name: "report" });
        Assert.Contains(loaded.Effects, e => e is Effect.Launch { Request.Program.Name: "web" });
        Assert.All(loaded.State.Find("report")!.Instances, i => Assert.Equal((InstanceStatus.Stopped, true, null), (i.Status, i.StopIntended, i.RunId)));
        Assert.Equal([0, 1], loaded.State.Find("report")!.Instances.Select(i => i.Index));
        Assert.Equal(3, Assert.IsType<Effect.Reply>(loaded.Effects[^1]).Result.Affected);
    }

    [Fact]
    public void A_start_command_starts_the_instances_of_a_program_without_autostart()
    {
        var loaded = Decider.Reduce(EngineState.Empty, Load(Manual)).State;

        var started = Decider.Reduce(loaded, StartInstances("report", null, request: 2, at: 10));

        Assert.Equal(2, started.Effects.Count(e => e is Effect.Launch { Request.Program.Name: "report" }));
        Assert.All(started.State.Find("report")!.Instances, i => Assert.Equal((InstanceStatus.Started, false), (i.Status, i.StopIntended)));
    }

    [Fact]
    public void A_program_without_autostart_added_by_a_reload_is_not_started()
    {
        var running = Decider.Reduce(EngineState.Empty, Load(Spec("web"))).State;

        var reloaded = Decider.Reduce(running, new Message.Reload([Spec("web"), Manual], RequestId: 2, At(10)));

        Assert.DoesNotContain(reloaded.Effects, e => e is Effect.Launch { Request.Program.Name: "report" });
        Assert.All(reloaded.State.Find("report")!.Instances, i => Assert.Equal(InstanceStatus.Stopped, i.Status));
    }

    [Fact]
    public void A_restart_of_krust_pm_keeps_a_program_without_autostart_stopped_unless_a_command_started_it()
    {
        var neverStarted = Decider.Reduce(EngineState.Empty, Load(Manual)).State;
        var startedByHand = Decider.Reduce(neverStarted, StartInstances("report", null, request: 2, at: 10)).State;

        var restoredStopped = Decider.Reduce(neverStarted, new Message.Restore([Manual], RequestId: 9, At(1_000)));
        var restoredStarted = Decider.Reduce(startedByHand, new Message.Restore([Manual], RequestId: 9, At(1_000)));

        Assert.DoesNotContain(restoredStopped.Effects, e => e is Effect.Launch);
        Assert.Equal(2, restoredStarted.Effects.Count(e => e is Effect.Launch));
    }

    [Fact]
    public void A_program_without_autostart_that_is_new_in_a_restored_journal_is_not_started()
    {
        var restored = Decider.Reduce(EngineState.Empty, new Message.Restore([Manual], RequestId: 9, At(1_000)));

        Assert.DoesNotContain(restored.Effects, e => e is Effect.Launch);
        Assert.All(restored.State.Find("report")!.Instances, i => Assert.Equal(InstanceStatus.Stopped, i.Status));
    }
}

using KrustPm.Engine;
using KrustPm.Host.Hosting;
using static KrustPm.Host.Tests.Hosting.Applied;

namespace KrustPm.Host.Tests.Hosting;

/// <summary>
/// <see cref="StateChanges"/>: what changed between two states, found by reference where the reducer shares what
/// it did not change, and by id only where instances moved.
/// </summary>
public sealed class StateChangesTests
{
    private static readonly EngineState TwoPrograms = Running(Spec("web", 1_000), Spec("worker", 3));

    [Fact]
    public void A_message_that_changes_nothing_has_no_changed_program()
    {
        var applied = Apply(TwoPrograms, new Message.UptimeReached(RunId: 999_999, At(5)));

        Assert.Empty(StateChanges.Programs(applied.Before, applied.After));
    }

    [Fact]
    public void Only_the_program_the_message_touched_is_changed()
    {
        var applied = Apply(TwoPrograms, new Message.Exited(RunOf(TwoPrograms, "worker", 1), 1, At(5)));

        var changed = Assert.Single(StateChanges.Programs(applied.Before, applied.After));
        Assert.Equal("worker", changed.After.Name);
        Assert.Same(applied.Before.Find("worker"), changed.Before);
    }

    [Fact]
    public void A_new_program_is_changed_with_nothing_before()
    {
        var applied = Apply(TwoPrograms, new Message.Load([Spec("cron", 2)], 7, At(5)));

        var changed = Assert.Single(StateChanges.Programs(applied.Before, applied.After));
        Assert.Equal(("cron", null), (changed.After.Name, changed.Before));
        Assert.Equal([0L, 1L], StateChanges.Instances(changed.Before, changed.After).Changed.Select(c => c.Now.Id));
        Assert.All(StateChanges.Instances(changed.Before, changed.After).Changed, c => Assert.Null(c.Was));
    }

    [Fact]
    public void An_exit_of_one_instance_of_1000_changes_exactly_that_instance()
    {
        var applied = Apply(TwoPrograms, new Message.Exited(RunOf(TwoPrograms, "web", 500), 1, At(5)));

        var changes = StateChanges.Instances(applied.Before.Find("web"), applied.After.Find("web")!);

        var change = Assert.Single(changes.Changed);
        Assert.Same(applied.Before.Find("web")!.Instances[500], change.Was);
        Assert.Same(applied.After.Find("web")!.Instances[500], change.Now);
        Assert.Empty(changes.Gone);
    }

    [Fact]
    public void A_scale_up_by_one_of_1000_changes_only_the_new_instance()
    {
        var applied = Apply(TwoPrograms, new Message.Scale("web", 1_001, 7, At(5)));

        var changes = StateChanges.Instances(applied.Before.Find("web"), applied.After.Find("web")!);

        var change = Assert.Single(changes.Changed);
        Assert.Equal((null, 1_000L, InstanceStatus.Started), (change.Was, change.Now.Id, change.Now.Status));
        Assert.Empty(changes.Gone);
    }

    [Fact]
    public void A_scale_down_by_one_of_1000_moves_the_oldest_instance_to_retiring_and_nothing_else()
    {
        var applied = Apply(TwoPrograms, new Message.Scale("web", 999, 7, At(5)));

        var changes = StateChanges.Instances(applied.Before.Find("web"), applied.After.Find("web")!);

        var change = Assert.Single(changes.Changed);
        Assert.Same(applied.Before.Find("web")!.Instances[0], change.Was);
        Assert.Same(Assert.Single(applied.After.Find("web")!.Retiring), change.Now);
        Assert.Equal(InstanceStatus.Stopping, change.Now.Status);
        Assert.Empty(changes.Gone);
    }

    [Fact]
    public void The_exit_of_a_retiring_instance_makes_it_gone()
    {
        var scaled = Apply(TwoPrograms, new Message.Scale("web", 998, 7, At(5))).After;
        var retired = scaled.Find("web")!.Retiring[0];
        var applied = Apply(scaled, new Message.Exited(retired.RunId!.Value, 143, At(6)));

        var changes = StateChanges.Instances(applied.Before.Find("web"), applied.After.Find("web")!);

        Assert.Empty(changes.Changed);
        Assert.Same(retired, Assert.Single(changes.Gone));
    }

    [Fact]
    public void Removing_a_stopped_instance_from_the_middle_makes_only_it_gone()
    {
        var stopped = Apply(TwoPrograms, new Message.StopInstances("web", 400, 7, At(5))).After;
        stopped = Apply(stopped, new Message.Exited(RunOf(stopped, "web", 400), 143, At(6))).After;
        var applied = Apply(stopped, new Message.RemoveInstance("web", 400, 8, At(7)));

        var changes = StateChanges.Instances(applied.Before.Find("web"), applied.After.Find("web")!);

        Assert.Empty(changes.Changed);
        Assert.Equal([400L], changes.Gone.Select(i => i.Id));
    }

    [Fact]
    public void The_shutdown_changes_every_live_instance_in_order()
    {
        var applied = Apply(TwoPrograms, new Message.Shutdown(7, At(5)));

        var changes = StateChanges.Programs(applied.Before, applied.After)
            .SelectMany(p => StateChanges.Instances(p.Before, p.After).Changed.Select(c => $"{p.After.Name}.{c.Now.Id} {c.Was?.Status}->{c.Now.Status}"))
            .ToList();

        Assert.Equal(1_003, changes.Count);
        Assert.Equal("web.0 Running->Stopping", changes[0]);
        Assert.Equal("worker.2 Running->Stopping", changes[^1]);
    }

    [Fact]
    public void Instances_that_did_not_change_are_never_reported_even_when_others_moved()
    {
        // Scale down by 3 of 1000 with one instance in the middle restarted: ids shift against positions.
        var state = Apply(TwoPrograms, new Message.RestartInstances("web", 600, false, 7, At(5))).After;
        var applied = Apply(state, new Message.Scale("web", 997, 8, At(6)));

        var changes = StateChanges.Instances(applied.Before.Find("web"), applied.After.Find("web")!);

        Assert.Equal([0L, 1L, 2L], changes.Changed.Select(c => c.Now.Id));
        Assert.All(changes.Changed, c => Assert.Equal((InstanceStatus.Running, InstanceStatus.Stopping), (c.Was!.Status, c.Now.Status)));
        Assert.Empty(changes.Gone);
    }
}

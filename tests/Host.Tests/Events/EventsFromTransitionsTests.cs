using KrustPm.Engine;
using KrustPm.Host.Events;
using static KrustPm.Host.Tests.Hosting.Applied;

namespace KrustPm.Host.Tests.Events;

/// <summary>
/// <see cref="EventsFromTransitions"/> on single messages at 1,000 instances: the events name exactly what changed,
/// and a program the message did not touch yields none.
/// </summary>
public sealed class EventsFromTransitionsTests
{
    private static readonly EngineState TwoPrograms = Running(Spec("web", 1_000), Spec("worker", 3));

    [Fact]
    public void A_message_that_changes_nothing_yields_no_event()
    {
        var applied = Apply(TwoPrograms, new Message.UptimeReached(RunOf(TwoPrograms, "web", 3), At(5)));

        Assert.Empty(EventsFromTransitions.Derive(applied));
    }

    [Fact]
    public void An_exit_in_one_program_yields_events_of_that_instance_only()
    {
        var applied = Apply(TwoPrograms, new Message.Exited(RunOf(TwoPrograms, "worker", 1), 1, At(5)));

        var events = EventsFromTransitions.Derive(applied);

        var exited = Assert.Single(events);
        Assert.Equal("instance.status worker.1 Running -> Started exit 1", Summary(exited));
    }

    [Fact]
    public void A_scale_up_by_one_of_1000_yields_the_scaled_event_and_the_new_instance()
    {
        var applied = Apply(TwoPrograms, new Message.Scale("web", 1_001, 7, At(5)));

        Assert.Equal(
            ["program.scaled web 1001", "instance.status web.1000 -> Started"],
            EventsFromTransitions.Derive(applied).Select(Summary));
    }

    [Fact]
    public void A_scale_down_by_one_of_1000_yields_the_stopping_oldest_instance_then_its_removal_on_exit()
    {
        var scaled = Apply(TwoPrograms, new Message.Scale("web", 999, 7, At(5)));
        var exited = Apply(scaled.After, new Message.Exited(RunOf(TwoPrograms, "web", 0), 143, At(6)));

        Assert.Equal(
            ["program.scaled web 999", "instance.status web.0 Running -> Stopping"],
            EventsFromTransitions.Derive(scaled).Select(Summary));
        // As before the shortcuts: the removal carries the instance as it was last listed (no exit code of its own).
        Assert.Equal(["instance.removed web.0 Stopping"], EventsFromTransitions.Derive(exited).Select(Summary));
    }

    [Fact]
    public void Deleting_a_running_instance_in_the_middle_yields_the_command_and_its_stopping()
    {
        var applied = Apply(TwoPrograms, new Message.RemoveInstance("web", 500, 7, At(5)));

        Assert.Equal(
            ["command delete web.500", "instance.status web.500 Running -> Stopping"],
            EventsFromTransitions.Derive(applied).Select(Summary));
    }

    [Fact]
    public void The_shutdown_yields_the_stopping_event_then_one_status_per_instance_in_order()
    {
        var events = EventsFromTransitions.Derive(Apply(TwoPrograms, new Message.Shutdown(7, At(5))));

        Assert.Equal(1 + 1_003, events.Count);
        Assert.Equal("krust-pm.stopping", events[0].Type);
        Assert.Equal(
            [.. Enumerable.Range(0, 1_000).Select(i => $"web.{i}"), "worker.0", "worker.1", "worker.2"],
            events.Skip(1).Select(e => $"{e.Program}.{e.Instance}"));
    }

    internal static string Summary(ApiEvent e) => e.Type switch
    {
        "instance.status" => $"instance.status {e.Program}.{e.Instance} {e.PreviousStatus} -> {e.Status}{Exit(e)}".Replace("  ", " ", StringComparison.Ordinal),
        "instance.removed" => $"instance.removed {e.Program}.{e.Instance} {e.PreviousStatus}{Exit(e)}",
        "program.scaled" => $"program.scaled {e.Program} {e.Instances}",
        "command" => $"command {e.Command} {e.Program}{(e.Instance is { } i ? $".{i}" : string.Empty)}",
        _ => e.Type,
    };

    private static string Exit(ApiEvent e) => e.ExitCode is { } code ? $" exit {code}" : string.Empty;
}

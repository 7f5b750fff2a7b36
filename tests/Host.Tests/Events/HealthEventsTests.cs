using KrustPm.Engine;
using KrustPm.Engine.Health;
using KrustPm.Host.Events;
using static KrustPm.Host.Tests.Events.HealthStates;

namespace KrustPm.Host.Tests.Events;

/// <summary>
/// The event feed's view of dependencies and health: why an instance waits, is blocked or is stopped by its liveness
/// probe, and when a run becomes ready or stops being ready.
/// </summary>
public sealed class HealthEventsTests
{
    [Fact]
    public void An_instance_that_starts_waiting_says_for_what_in_its_status_event()
    {
        var before = State(Program(Db, Running(0, 1, ready: false)), Program(Web, new InstanceState(0, 1, InstanceStatus.Stopped)));
        var after = before with { Programs = before.Programs.SetItem(1, Program(Web, Waiting(0))) };

        var status = Assert.Single(EventsFromTransitions.Derive(Change(before, after)));

        Assert.Equal(("instance.status", "web", 0L), (status.Type, status.Program, status.Instance));
        Assert.Equal(("Waiting", "Stopped"), (status.Status, status.PreviousStatus));
        Assert.Equal("waiting for db (healthy)", status.Reason);
        Assert.Equal(["db (healthy)"], status.WaitingFor);
    }

    [Fact]
    public void A_blocked_instance_gives_the_reason_in_its_status_event()
    {
        var before = State(Program(Web, Waiting(0)));
        var after = State(Program(Web, Blocked(0)));

        var status = Assert.Single(EventsFromTransitions.Derive(Change(before, after)));

        Assert.Equal(("Blocked", "Waiting"), (status.Status, status.PreviousStatus));
        Assert.Equal("dependency 'db' (healthy) can no longer be met: db.0 RetriesExceeded", status.Reason);
        Assert.Equal(["db (healthy)"], status.WaitingFor);
    }

    [Fact]
    public void A_run_that_becomes_ready_gives_a_ready_event_with_what_the_probe_saw()
    {
        var before = State(Program(Db, Running(0, 1, ready: false)));
        var after = State(Program(Db, Running(0, 1, ready: true) with { LastReadiness = new ProbeOutcome(true, "HTTP 200", At) }));

        var ready = Assert.Single(EventsFromTransitions.Derive(Change(before, after)));

        Assert.Equal(("instance.ready", "db", 0L, 1), (ready.Type, ready.Program, ready.Instance, ready.Try));
        Assert.Equal("HTTP 200", ready.Reason);
        Assert.Equal(4001, ready.Pid);
    }

    [Fact]
    public void A_ready_run_whose_probe_fails_too_often_gives_a_not_ready_event()
    {
        var before = State(Program(Db, Running(0, 1, ready: true)));
        var after = State(Program(Db, Running(0, 1, ready: false) with { LastReadiness = new ProbeOutcome(false, "HTTP 503", At), ReadinessFailures = 3 }));

        var notReady = Assert.Single(EventsFromTransitions.Derive(Change(before, after)));

        Assert.Equal(("instance.not-ready", "db", 0L), (notReady.Type, notReady.Program, notReady.Instance));
        Assert.Equal("HTTP 503", notReady.Reason);
    }

    [Fact]
    public void A_new_run_that_is_not_ready_yet_gives_only_its_status_event()
    {
        var before = State(Program(Db, Running(0, 1, ready: true)));
        var after = State(Program(Db, new InstanceState(0, 2, InstanceStatus.Started) { RunId = 2, Ready = false }));

        var events = EventsFromTransitions.Derive(Change(before, after));

        Assert.Equal(["instance.status"], events.Select(e => e.Type));
    }

    [Fact]
    public void A_failed_readiness_probe_below_the_threshold_gives_no_event()
    {
        var before = State(Program(Db, Running(0, 1, ready: true)));
        var after = State(Program(Db, Running(0, 1, ready: true) with { ReadinessFailures = 1, LastReadiness = new ProbeOutcome(false, "HTTP 503", At) }));

        Assert.Empty(EventsFromTransitions.Derive(Change(before, after)));
    }

    [Fact]
    public void A_stop_because_the_liveness_probe_failed_says_so_in_its_status_event()
    {
        const string Because = "liveness probe failed 3 times in a row: connection refused";
        var before = State(Program(Db, Running(0, 1, ready: true)));
        var after = State(Program(Db, Running(0, 1, ready: true) with { Status = InstanceStatus.Stopping, FailingBecause = Because, LivenessFailures = 3 }));

        var status = Assert.Single(EventsFromTransitions.Derive(Change(before, after)));

        Assert.Equal(("instance.status", "Stopping", "Running"), (status.Type, status.Status, status.PreviousStatus));
        Assert.Equal(Because, status.Reason);
    }

    [Fact]
    public void The_exit_after_a_liveness_failure_carries_the_reason_as_its_error()
    {
        const string Because = "liveness probe failed 3 times in a row: connection refused";
        var before = State(Program(Db, Running(0, 1) with { Status = InstanceStatus.Stopping, FailingBecause = Because }));
        var after = State(Program(Db, new InstanceState(0, 2, InstanceStatus.Backoff) { LastExitCode = 143, LastError = Because, NextTryAt = At }));

        var status = Assert.Single(EventsFromTransitions.Derive(Change(before, after)));

        Assert.Equal(("Backoff", 143, Because), (status.Status, status.ExitCode, status.Reason));
    }

    [Fact]
    public void Programs_without_dependencies_or_probes_give_the_same_events_as_before()
    {
        var before = State(Program(Plain, Running(0, 1)));
        var after = State(Program(Plain, new InstanceState(0, 2, InstanceStatus.Backoff) { LastExitCode = 1, NextTryAt = At }));

        var status = Assert.Single(EventsFromTransitions.Derive(Change(before, after)));

        Assert.Null(status.Reason);
        Assert.Null(status.WaitingFor);
        Assert.Null(HealthChanges.Of(Change(before, after)));
    }
}

using System.Collections.Immutable;
using KrustPm.Engine;
using KrustPm.Engine.Health;
using KrustPm.Host.Events;
using static KrustPm.Host.Tests.Hosting.Applied;

namespace KrustPm.Host.Tests.Events;

/// <summary>
/// The event API's entries, mapped from the engine's events: what a message led to, in the words of
/// <c>GET /api/v1/events</c>, with ids that are the engine's event ids.
/// </summary>
public sealed class ApiEventsTests
{
    private static readonly ProgramSpec Db = Spec("db", 1) with { Readiness = new ProbeSpec { Http = "http://127.0.0.1:1/", FailureThreshold = 2 } };

    private static readonly ProgramSpec Web = Spec("web", 1) with
    {
        DependsOn = ImmutableSortedDictionary.Create<string, DependencyCondition>(StringComparer.Ordinal).Add("db", DependencyCondition.Healthy),
    };

    [Fact]
    public void A_load_gives_program_and_launch_entries_numbered_by_the_engines_event_ids()
    {
        var step = Apply(EngineState.Empty, new Message.Load([Db, Web], 1, At(0)));

        var entries = Entries(step);

        Assert.Equal(
            ["program.loaded db", "instance.launched db.0 Started", "program.loaded web", "instance.waiting web.0 Waiting"],
            entries.Select(Line));
        Assert.Equal("waiting for db (healthy)", entries[3].Reason);
        Assert.Equal(["db (healthy)"], entries[3].WaitingFor);

        // Bookkeeping (the instances added, the answer) has no entry, but keeps its id: ids grow with gaps.
        Assert.True(entries.Zip(entries.Skip(1)).All(pair => pair.Second.Id > pair.First.Id));
        Assert.Equal(step.After.LastEventId, step.Applied.IdOf(step.Applied.Events.Length - 1));
    }

    [Fact]
    public void A_run_that_becomes_ready_gives_a_ready_entry_with_what_the_probe_saw_and_releases_its_dependent()
    {
        var state = Running(Db, Web);
        var db = RunOf(state, "db", 0);
        state = Apply(state, new Message.ProbeDue(db, ProbeKind.Readiness, At(2))).After;

        var entries = Entries(Apply(state, new Message.ProbeResult(db, ProbeKind.Readiness, new ProbeOutcome(true, "HTTP 200", At(3)), At(3))));

        Assert.Equal(["instance.ready db.0", "instance.launched web.0 Started"], entries.Select(Line));
        Assert.Equal("HTTP 200", entries[0].Reason);
    }

    [Fact]
    public void A_ready_run_whose_probe_fails_too_often_gives_a_not_ready_entry_and_a_passing_probe_gives_none()
    {
        var state = Ready(Running(Db));
        var db = RunOf(state, "db", 0);

        var failedOnce = Probe(state, db, passed: false, detail: "HTTP 503");
        Assert.Empty(Entries(failedOnce));
        var failedTwice = Probe(failedOnce.After, db, passed: false, detail: "HTTP 503");
        var notReady = Assert.Single(Entries(failedTwice));
        Assert.Equal(("instance.not-ready", "HTTP 503"), (notReady.Type, notReady.Reason));
        Assert.Empty(Entries(Probe(state, db, passed: true, detail: "HTTP 200")));
    }

    [Fact]
    public void An_exit_says_its_code_what_follows_and_the_status_the_instance_rests_in()
    {
        var state = Running(Spec("web", 1) with { RestartDelay = TimeSpan.FromMilliseconds(100) });

        var exited = Assert.Single(Entries(Apply(state, new Message.Exited(RunOf(state, "web", 0), 1, At(5)) { Jitter = 0.5 })));

        Assert.Equal(("instance.exited", "Backoff", 1, "retrying"), (exited.Type, exited.Status, exited.ExitCode, exited.Outcome));
        Assert.Equal((1, 1), (exited.Try, exited.Failures));
        Assert.NotNull(exited.NextTryAt);
    }

    [Fact]
    public void A_stop_command_gives_the_command_and_a_stopping_entry_with_signal_timeout_and_reason()
    {
        var state = Running(Spec("web", 1));

        var entries = Entries(Apply(state, new Message.StopInstances("web", null, 7, At(5))));

        Assert.Equal(["command web", "instance.stopping web.0 Stopping"], entries.Select(Line));
        Assert.Equal("stop", entries[0].Command);
        Assert.Equal(("SIGTERM", 10_000L, "stop command"), (entries[1].Signal, entries[1].TimeoutMs, entries[1].Reason));
    }

    [Fact]
    public void A_stop_because_the_liveness_probe_failed_says_so_and_its_exit_counts_as_a_failure()
    {
        var spec = Spec("db", 1) with
        {
            Liveness = new ProbeSpec { Tcp = "127.0.0.1:1", FailureThreshold = 1 },
            RestartDelay = TimeSpan.FromMilliseconds(100),
        };
        var state = Running(spec);
        var db = RunOf(state, "db", 0);
        state = Apply(state, new Message.ProbeDue(db, ProbeKind.Liveness, At(2))).After;

        var stop = Apply(state, new Message.ProbeResult(db, ProbeKind.Liveness, new ProbeOutcome(false, "connection refused", At(3)), At(3)));
        var stopping = Assert.Single(Entries(stop));
        var exited = Assert.Single(Entries(Apply(stop.After, new Message.Exited(db, 143, At(4)))));

        const string Because = "liveness probe failed 1 times in a row: connection refused";
        Assert.Equal(("instance.stopping", Because), (stopping.Type, stopping.Reason));
        Assert.Equal(("Backoff", 143, Because, 1), (exited.Status, exited.ExitCode, exited.Reason, exited.Failures));
    }

    [Fact]
    public void An_instance_blocked_by_its_dependency_gives_the_reason()
    {
        var db = Db with { MaxRetries = 1, RestartDelay = TimeSpan.Zero, MinUptime = TimeSpan.FromHours(1) };
        var state = Running(db, Web);
        var run = RunOf(state, "db", 0);
        state = Apply(state, new Message.Exited(run, 1, At(2))).After;

        var entries = Entries(Apply(state, new Message.Exited(RunOf(state, "db", 0), 1, At(3))));

        Assert.Equal(["instance.exited db.0 RetriesExceeded", "instance.blocked web.0 Blocked"], entries.Select(Line));
        Assert.Equal("dependency 'db' (healthy) can no longer be met: db.0 RetriesExceeded", entries[1].Reason);
    }

    private static EngineState Ready(EngineState state)
    {
        var run = RunOf(state, "db", 0);
        state = Apply(state, new Message.ProbeDue(run, ProbeKind.Readiness, At(2))).After;
        return Apply(state, new Message.ProbeResult(run, ProbeKind.Readiness, new ProbeOutcome(true, "HTTP 200", At(3)), At(3))).After;
    }

    private static Step Probe(EngineState state, long run, bool passed, string detail)
    {
        state = Apply(state, new Message.ProbeDue(run, ProbeKind.Readiness, At(4))).After;
        return Apply(state, new Message.ProbeResult(run, ProbeKind.Readiness, new ProbeOutcome(passed, detail, At(5)), At(5)));
    }

    private static List<ApiEvent> Entries(Step step) =>
        [.. step.Applied.Events.Select((e, index) => ApiEvents.From(e, step.Applied.IdOf(index))).OfType<ApiEvent>()];

    private static string Line(ApiEvent e) =>
        $"{e.Type} {e.Program}{(e.Instance is { } id ? $".{id}" : string.Empty)}{(e.Status is { } status ? $" {status}" : string.Empty)}";
}

using KrustPm.Engine.Health;
using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary>
/// Readiness and liveness probes: scheduled from the run's start, one of each kind at a time, results counted per
/// run, a failing liveness probe restarts the instance as a failure; anything about an ended run is ignored.
/// </summary>
public class ReducerProbeTests
{
    private static readonly ProgramSpec Db = Spec("db") with { Readiness = Probe(periodMs: 1_000, failureThreshold: 3) };

    [Fact]
    public void A_run_with_a_readiness_probe_starts_not_ready_and_is_probed_after_the_initial_delay()
    {
        var db = Db with { Readiness = Probe(initialDelayMs: 500), Liveness = Probe(periodMs: 2_000, initialDelayMs: 3_000) };

        var loaded = Scenario.Given(Load(db));
        Assert.False(loaded.Instance(0, "db").Ready);

        var then = loaded.When(Started(1, at: 10));
        Assert.Equal<Effect>(
            [ScheduleUptime(1, 1_010), ScheduleProbe(1, ProbeKind.Readiness, 510), ScheduleProbe(1, ProbeKind.Liveness, 3_010)],
            then.Effects);
        Assert.Equal((InstanceStatus.Running, false), (then.Instance(0, "db").Status, then.Instance(0, "db").Ready));
    }

    [Fact]
    public void A_program_without_probes_schedules_none_and_its_instances_are_neither_ready_nor_not()
    {
        var then = Scenario.Given(Load(Spec())).When(Started(1, at: 10));

        Assert.Equal<Effect>([ScheduleUptime(1, 1_010)], then.Effects);
        Assert.Null(then.Instance(0).Ready);
    }

    [Fact]
    public void A_probe_is_never_run_twice_at_once()
    {
        var running = Scenario.Given(Load(Db), Started(1, at: 10));

        var probing = running.When(ProbeDue(1, ProbeKind.Readiness, at: 10));
        Assert.Equal<Effect>([RunProbe(1, Db, 0, ProbeKind.Readiness)], probing.Effects);
        Assert.Equal(ProbeKinds.Readiness, probing.Instance(0, "db").ProbesInFlight);

        var again = probing.When(ProbeDue(1, ProbeKind.Readiness, at: 20));
        Assert.Empty(again.Effects);
        Scenario.AssertUnchanged(probing, again);

        var done = again.When(Passed(1, ProbeKind.Readiness, at: 30));
        Assert.Equal(ProbeKinds.None, done.Instance(0, "db").ProbesInFlight);
        Assert.Equal<Effect>([RunProbe(1, Db, 0, ProbeKind.Readiness)], done.When(ProbeDue(1, ProbeKind.Readiness, at: 1_030)).Effects);
    }

    [Fact]
    public void A_probe_carries_its_instances_index_so_its_placeholders_expand_for_that_instance()
    {
        var two = Db with { Instances = 2 };
        var running = Scenario.Given(Load(two), Started(1, at: 10), Started(2, at: 10));

        var probing = running.When(ProbeDue(2, ProbeKind.Readiness, at: 10));

        var request = Assert.IsType<Effect.RunProbe>(Assert.Single(probing.Effects)).Request;
        Assert.Equal((1L, 1), (request.InstanceId, request.Index));
    }

    [Fact]
    public void A_second_report_of_one_probe_is_ignored_so_its_chain_goes_on_once()
    {
        var reported = Scenario.Given(Load(Db), Started(1, at: 10), ProbeDue(1, ProbeKind.Readiness, at: 10), Passed(1, ProbeKind.Readiness, at: 20));

        var then = reported.When(Passed(1, ProbeKind.Readiness, at: 25));

        Assert.Empty(then.Effects);
        Scenario.AssertUnchanged(reported, then);
    }

    [Fact]
    public void Readiness_needs_threshold_failures_in_a_row_to_become_not_ready_and_one_pass_to_recover()
    {
        var ready = Scenario.Given(Load(Db), Started(1, at: 10), ProbeDue(1, ProbeKind.Readiness, at: 10), Passed(1, ProbeKind.Readiness, at: 20));
        Assert.True(ready.Instance(0, "db").Ready);

        var twice = ready.When(
            ProbeDue(1, ProbeKind.Readiness, at: 1_020),
            Failed(1, ProbeKind.Readiness, at: 1_030, "exit code 2: no response"),
            ProbeDue(1, ProbeKind.Readiness, at: 2_030),
            Failed(1, ProbeKind.Readiness, at: 2_040, "exit code 2: no response"));
        Assert.Equal((true, 2), (twice.Instance(0, "db").Ready, twice.Instance(0, "db").ReadinessFailures));

        var thrice = twice.When(ProbeDue(1, ProbeKind.Readiness, at: 3_040), Failed(1, ProbeKind.Readiness, at: 3_050, "exit code 2: no response"));
        Assert.Equal<Effect>([ScheduleProbe(1, ProbeKind.Readiness, 4_050)], thrice.Effects);
        Assert.Equal((false, 3), (thrice.Instance(0, "db").Ready, thrice.Instance(0, "db").ReadinessFailures));
        Assert.Equal(new ProbeOutcome(false, "exit code 2: no response", At(3_050)), thrice.Instance(0, "db").LastReadiness);
        Assert.Equal(InstanceStatus.Running, thrice.Instance(0, "db").Status); // readiness never restarts anything

        var then = thrice.When(ProbeDue(1, ProbeKind.Readiness, at: 4_050), Passed(1, ProbeKind.Readiness, at: 4_060));
        Assert.Equal((true, 0), (then.Instance(0, "db").Ready, then.Instance(0, "db").ReadinessFailures));
    }

    [Fact]
    public void A_run_not_ready_yet_stays_not_ready_through_failures()
    {
        var then = Scenario.Given(Load(Db), Started(1, at: 10), ProbeDue(1, ProbeKind.Readiness, at: 10))
            .When(Failed(1, ProbeKind.Readiness, at: 20));

        Assert.Equal((false, 1), (then.Instance(0, "db").Ready, then.Instance(0, "db").ReadinessFailures));
    }

    [Fact]
    public void A_ready_line_makes_the_running_instance_ready()
    {
        var db = Spec("db") with { ReadyLogLine = "ready to accept" };
        var running = Scenario.Given(Load(db), Started(1, at: 10));
        Assert.False(running.Instance(0, "db").Ready);

        var then = running.When(ReadyLine(1, "LOG: database system is ready to accept connections", at: 20));

        Assert.Empty(then.Effects);
        Assert.True(then.Instance(0, "db").Ready);
        Assert.Equal(
            new ProbeOutcome(true, "output matched: LOG: database system is ready to accept connections", At(20)),
            then.Instance(0, "db").LastReadiness);
    }

    [Fact]
    public void A_ready_line_is_ignored_for_a_run_not_running_or_a_program_without_ready_log_line()
    {
        var db = Spec("db") with { ReadyLogLine = "ready" };
        var inFlight = Scenario.Given(Load(db));
        var stale = Scenario.Given(Load(db), Started(1, at: 10), Exited(1, 1, at: 20));
        var noLine = Scenario.Given(Load(Spec("db")), Started(1, at: 10));

        foreach (var given in new[] { inFlight, stale, noLine })
        {
            var then = given.When(ReadyLine(1, "ready", at: 30));
            Assert.Empty(then.Effects);
            Scenario.AssertUnchanged(given, then);
        }
    }

    [Fact]
    public void Either_the_ready_line_or_a_passing_readiness_probe_makes_it_ready()
    {
        var db = Db with { ReadyLogLine = "ready" };
        var running = Scenario.Given(Load(db), Started(1, at: 10), ProbeDue(1, ProbeKind.Readiness, at: 10));

        var byProbe = running.When(Passed(1, ProbeKind.Readiness, at: 20));
        var byLine = running.When(ReadyLine(1, "ready", at: 20));

        Assert.True(byProbe.Instance(0, "db").Ready);
        Assert.True(byLine.Instance(0, "db").Ready);
    }

    [Fact]
    public void Probe_timers_and_results_for_a_run_that_ended_are_ignored()
    {
        var db = Db with { Liveness = Probe() };
        var probing = Scenario.Given(Load(db), Started(1, at: 10), ProbeDue(1, ProbeKind.Readiness, at: 10), ProbeDue(1, ProbeKind.Liveness, at: 10));
        Assert.Equal(ProbeKinds.Readiness | ProbeKinds.Liveness, probing.Instance(0, "db").ProbesInFlight);

        var ended = probing.When(Exited(1, 1, at: 20)); // restarted at once as run 2
        Assert.Equal((ProbeKinds.None, false, 2L), (ended.Instance(0, "db").ProbesInFlight, ended.Instance(0, "db").Ready, ended.Instance(0, "db").RunId));

        foreach (var stale in new Message[] { Passed(1, ProbeKind.Readiness, at: 30), Failed(1, ProbeKind.Liveness, at: 30), ProbeDue(1, ProbeKind.Readiness, at: 1_030) })
        {
            var then = ended.When(stale);
            Assert.Empty(then.Effects);
            Scenario.AssertUnchanged(ended, then);
        }

        // The new run's own probes start only once it runs.
        var started = ended.When(ProbeDue(2, ProbeKind.Readiness, at: 30));
        Assert.Empty(started.Effects);
    }

    [Fact]
    public void A_probe_result_for_a_stopping_run_is_ignored()
    {
        var probing = Scenario.Given(Load(Db), Started(1, at: 10), ProbeDue(1, ProbeKind.Readiness, at: 10));
        var stopping = probing.When(StopInstances("db", null, request: 2, at: 15));
        Assert.Equal(ProbeKinds.None, stopping.Instance(0, "db").ProbesInFlight);

        var then = stopping.When(Passed(1, ProbeKind.Readiness, at: 20));

        Assert.Empty(then.Effects);
        Assert.False(then.Instance(0, "db").Ready);
    }

    [Fact]
    public void A_new_run_starts_with_fresh_probe_state()
    {
        var db = Spec("db", restartDelayMs: 100) with { Readiness = Probe(failureThreshold: 5) };
        var given = Scenario.Given(
            Load(db), Started(1, at: 10), ProbeDue(1, ProbeKind.Readiness, at: 10), Passed(1, ProbeKind.Readiness, at: 20),
            ProbeDue(1, ProbeKind.Readiness, at: 1_020), Failed(1, ProbeKind.Readiness, at: 1_030));
        Assert.Equal((true, 1), (given.Instance(0, "db").Ready, given.Instance(0, "db").ReadinessFailures));

        var exited = given.When(Exited(1, 1, at: 1_040));
        Assert.False(exited.Instance(0, "db").Ready);
        Assert.NotNull(exited.Instance(0, "db").LastReadiness); // what the last run saw stays visible until the next run

        var then = exited.When(RetryDue("db", 0, 2, at: 1_140), Started(2, at: 1_150));
        var instance = then.Instance(0, "db");
        Assert.Equal((false, 0, null, ProbeKinds.None), (instance.Ready, instance.ReadinessFailures, instance.LastReadiness, instance.ProbesInFlight));
        Assert.Contains(ScheduleProbe(2, ProbeKind.Readiness, 1_150), then.Effects);
    }

    [Fact]
    public void Liveness_failures_below_the_threshold_change_nothing_and_a_pass_resets_them()
    {
        var web = Spec("web") with { Liveness = Probe(failureThreshold: 2) };
        var failedOnce = Scenario.Given(Load(web), Started(1, at: 10), ProbeDue(1, ProbeKind.Liveness, at: 10), Failed(1, ProbeKind.Liveness, at: 20));

        Assert.Equal<Effect>([ScheduleProbe(1, ProbeKind.Liveness, 1_020)], failedOnce.Effects);
        Assert.Equal((InstanceStatus.Running, 1), (failedOnce.Instance(0).Status, failedOnce.Instance(0).LivenessFailures));

        var then = failedOnce.When(ProbeDue(1, ProbeKind.Liveness, at: 1_020), Passed(1, ProbeKind.Liveness, at: 1_030));
        Assert.Equal(0, then.Instance(0).LivenessFailures);
    }

    [Fact]
    public void A_probe_krust_pm_could_not_run_neither_passes_nor_fails_and_the_next_one_is_due_a_period_later()
    {
        var web = Spec("web") with { Liveness = Probe(failureThreshold: 2), Readiness = Probe() };
        var given = Scenario.Given(
            Load(web), Started(1, at: 10), ProbeDue(1, ProbeKind.Readiness, at: 10), Passed(1, ProbeKind.Readiness, at: 20),
            ProbeDue(1, ProbeKind.Liveness, at: 10), Failed(1, ProbeKind.Liveness, at: 20), ProbeDue(1, ProbeKind.Liveness, at: 1_020),
            ProbeDue(1, ProbeKind.Readiness, at: 1_020));

        var then = given.When(Skipped(1, ProbeKind.Liveness, at: 1_030), Skipped(1, ProbeKind.Readiness, at: 1_030));

        Assert.Equal<Effect>([ScheduleProbe(1, ProbeKind.Readiness, 2_030)], then.Effects);
        var instance = then.Instance(0);
        Assert.Equal(
            (InstanceStatus.Running, 1, "exit code 1", true, "exit code 0", ProbeKinds.None),
            (instance.Status, instance.LivenessFailures, instance.LastLiveness?.Detail, instance.Ready, instance.LastReadiness?.Detail, instance.ProbesInFlight));
        Assert.Contains(ScheduleProbe(1, ProbeKind.Liveness, 2_030), given.When(Skipped(1, ProbeKind.Liveness, at: 1_030)).Effects);
    }

    [Fact]
    public void A_failing_liveness_probe_restarts_the_instance_as_a_failure_until_RetriesExceeded()
    {
        // MinUptime longer than it takes to fail the probe: the runs are not stable, so their failures add up.
        var web = Spec("web", maxRetries: 1, restartDelayMs: 100, stopSignal: Signals.Interrupt, stopTimeoutMs: 2_000, minUptimeMs: 60_000)
            with { Liveness = Probe(periodMs: 1_000, failureThreshold: 2) };
        var failing = Scenario.Given(
            Load(web), Started(1, at: 10), ProbeDue(1, ProbeKind.Liveness, at: 10), Failed(1, ProbeKind.Liveness, at: 20, "HTTP 503"),
            ProbeDue(1, ProbeKind.Liveness, at: 1_020));

        var stopping = failing.When(Failed(1, ProbeKind.Liveness, at: 1_030, "HTTP 503"));

        Assert.Equal<Effect>(StopEffects(1, 1_030, Signals.Interrupt, 2_000), stopping.Effects);
        Assert.Equal(
            (InstanceStatus.Stopping, "liveness probe failed 2 times in a row: HTTP 503"),
            (stopping.Instance(0).Status, stopping.Instance(0).FailingBecause));

        // It obeys the signal: a failed try, not a stop: backoff and a retry, with the reason as its error.
        var backoff = stopping.When(Exited(1, 128 + Signals.Interrupt, at: 1_040));
        Assert.Equal<Effect>([ScheduleRetry("web", 0, 2, 1_140)], backoff.Effects);
        var instance = backoff.Instance(0);
        Assert.Equal(
            (InstanceStatus.Backoff, 1, "liveness probe failed 2 times in a row: HTTP 503", 130, null, false),
            (instance.Status, instance.ConsecutiveFailures, instance.LastError, instance.LastExitCode, instance.FailingBecause, instance.StopRequested));

        var retried = backoff.When(
            RetryDue("web", 0, 2, at: 1_140), Started(2, at: 1_150), ProbeDue(2, ProbeKind.Liveness, at: 1_150),
            Failed(2, ProbeKind.Liveness, at: 1_160, "timed out after 500 ms"), ProbeDue(2, ProbeKind.Liveness, at: 2_160),
            Failed(2, ProbeKind.Liveness, at: 2_170, "timed out after 500 ms"));
        Assert.Equal((InstanceStatus.Stopping, 2), (retried.Instance(0).Status, retried.Instance(0).LivenessFailures)); // counted afresh, not 4

        // Even a clean exit of a run stopped this way is a failure; the budget is spent.
        var then = retried.When(Exited(2, 0, at: 2_180));
        Assert.Empty(then.Effects);
        Assert.Equal(
            (InstanceStatus.RetriesExceeded, 2, "liveness probe failed 2 times in a row: timed out after 500 ms"),
            (then.Instance(0).Status, then.Instance(0).ConsecutiveFailures, then.Instance(0).LastError));
    }

    [Fact]
    public void A_stop_command_during_a_liveness_restart_makes_it_a_stop()
    {
        var web = Spec("web") with { Liveness = Probe(failureThreshold: 1) };
        var failing = Scenario.Given(Load(web), Started(1, at: 10), ProbeDue(1, ProbeKind.Liveness, at: 10), Failed(1, ProbeKind.Liveness, at: 20));
        Assert.NotNull(failing.Instance(0).FailingBecause);

        var then = failing.When(StopInstances("web", null, request: 2, at: 30), Exited(1, 143, at: 40));

        Assert.Equal<Effect>([Ok(2, 1)], then.Effects);
        Assert.Equal((InstanceStatus.Stopped, 0, null), (then.Instance(0).Status, then.Instance(0).ConsecutiveFailures, then.Instance(0).LastError));
    }

    [Fact]
    public void A_shutdown_during_a_liveness_restart_stops_the_instance()
    {
        var web = Spec("web") with { Liveness = Probe(failureThreshold: 1) };
        var failing = Scenario.Given(Load(web), Started(1, at: 10), ProbeDue(1, ProbeKind.Liveness, at: 10), Failed(1, ProbeKind.Liveness, at: 20));

        var then = failing.When(Shutdown(request: 2, at: 30), Exited(1, 143, at: 40));

        Assert.Equal<Effect>([Ok(2, 0)], then.Effects);
        Assert.Equal((InstanceStatus.Stopped, null), (then.Instance(0).Status, then.Instance(0).FailingBecause));
    }

    [Fact]
    public void Probes_are_ignored_during_the_shutdown_so_a_held_run_is_not_stopped_early()
    {
        var db = Spec("db") with { Liveness = Probe(failureThreshold: 1) };
        var web = Spec("web").DependingOn(("db", DependencyCondition.Started));
        var given = Scenario.Given(Load(db, web), Started(1, at: 10), Started(2, at: 20), ProbeDue(1, ProbeKind.Liveness, at: 30));

        var stopping = given.When(Shutdown(request: 2, at: 40));
        Assert.Equal<Effect>(StopEffects(2, 40), stopping.Effects);

        foreach (var probe in new Message[] { Failed(1, ProbeKind.Liveness, at: 50), ProbeDue(1, ProbeKind.Liveness, at: 60) })
        {
            var then = stopping.When(probe);
            Assert.Empty(then.Effects);
            Scenario.AssertUnchanged(stopping, then);
        }
    }

    [Fact]
    public void A_rolling_restart_that_reaches_an_instance_stopping_for_its_liveness_probe_restarts_it_on_purpose()
    {
        var web = Spec("web", instances: 2, minUptimeMs: 0) with { Liveness = Probe(failureThreshold: 1) };
        var rolling = Scenario.Given(Load(web), Started(1, at: 10), Started(2, at: 10), RestartInstances("web", null, request: 2, at: 100, rolling: true));
        var failing = rolling.When(ProbeDue(2, ProbeKind.Liveness, at: 110), Failed(2, ProbeKind.Liveness, at: 120, "HTTP 500"));
        Assert.Equal(InstanceStatus.Stopping, failing.Instance(1).Status);

        var reached = failing.When(Exited(1, 143, at: 130), Started(3, at: 140));
        Assert.Equal<Effect>([ScheduleProbe(3, ProbeKind.Liveness, 140)], reached.Effects); // no second signal
        Assert.Equal((true, null), (reached.Instance(1).RestartRequested, reached.Instance(1).FailingBecause));

        var then = reached.When(Exited(2, 143, at: 150));
        Assert.Equal<Effect>([Launch(4, web, 1, 2)], then.Effects);
        Assert.Equal((0, null), (then.Instance(1).ConsecutiveFailures, then.Instance(1).LastError));
    }

    [Theory]
    [InlineData(0, 1, 3, 0, "key 'readiness.period_ms': expected a positive duration, got 0 ms")]
    [InlineData(1, 0, 3, 0, "key 'readiness.timeout_ms': expected a positive duration, got 0 ms")]
    [InlineData(1, 1, 0, 0, "key 'readiness.failure_threshold': expected a positive integer, got 0")]
    [InlineData(1, 1, 3, -1, "key 'readiness.initial_delay_ms': expected a non-negative duration, got -1 ms")]
    public void Load_refuses_an_unusable_probe(int periodMs, int timeoutMs, int threshold, int initialDelayMs, string expected)
    {
        var probe = Probe() with
        {
            Period = TimeSpan.FromMilliseconds(periodMs),
            Timeout = TimeSpan.FromMilliseconds(timeoutMs),
            FailureThreshold = threshold,
            InitialDelay = TimeSpan.FromMilliseconds(initialDelayMs),
        };

        var then = Scenario.Given().When(Load(Spec("db") with { Readiness = probe }));

        Assert.Equal($"Program 'db': {expected}.", then.AssertRejected(1, RejectionKind.Invalid));
    }

    [Fact]
    public void Load_refuses_a_probe_without_exactly_one_target()
    {
        var both = Probe() with { Tcp = "127.0.0.1:5432" };

        var then = Scenario.Given().When(Load(Spec("db") with { Liveness = both }));

        Assert.Equal(
            "Program 'db': key 'liveness': expected exactly one of exec, http or tcp, got exec and tcp.",
            then.AssertRejected(1, RejectionKind.Invalid));
    }
}

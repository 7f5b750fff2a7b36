using KrustPm.Engine.Health;
using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary>
/// Rolling restarts: one instance at a time, the next only once the new run of the current one is ready (readiness
/// probe or ready line), or, for a program with neither, has run its minimum uptime. A new run that fails first ends
/// the rolling restart and leaves the instances not reached yet as they were.
/// </summary>
public class ReducerRollingRestartTests
{
    [Fact]
    public void The_next_instance_is_stopped_only_once_the_new_run_has_run_for_min_uptime()
    {
        var web = Spec(instances: 3); // min_uptime_ms: the default 1 s
        var given = Scenario.Given(Load(web), Started(1), Started(2), Started(3));

        var rolling = given.When(RestartInstances("web", null, request: 2, at: 100, rolling: true));
        Assert.Equal<Effect>(StopEffects(1, 100), rolling.Effects);
        Assert.Equal("request 2: restarting #0, then [#1, #2], done [], 3 in all", StateView.Describe(rolling.Program().Rolling));

        var relaunched = rolling.When(Exited(1, 143, at: 200));
        Assert.Equal<Effect>([Launch(4, web, 0, 2)], relaunched.Effects);
        Assert.Equal("request 2: restarting #0 (run 4), then [#1, #2], done [], 3 in all", StateView.Describe(relaunched.Program().Rolling));

        // Running is not enough: #1 keeps its run until #0's new run has stayed up min_uptime_ms.
        var running = relaunched.When(Started(4, at: 210));
        Assert.Equal<Effect>([ScheduleUptime(4, at: 1_210)], running.Effects);
        Assert.Equal((InstanceStatus.Running, false), (running.Instance(1).Status, running.Instance(1).StopRequested));

        var second = running.When(UptimeReached(4, at: 1_210));
        Assert.Equal<Effect>(StopEffects(2, 1_210), second.Effects);
        Assert.Equal("request 2: restarting #1, then [#2], done [#0], 3 in all", StateView.Describe(second.Program().Rolling));

        var third = second.When(Exited(2, 143, at: 1_300), Started(5, at: 1_310), UptimeReached(5, at: 2_310));
        Assert.Equal<Effect>(StopEffects(3, 2_310), third.Effects);

        // The answer comes once the last new run is stable too, not when it starts.
        var last = third.When(Exited(3, 143, at: 2_400), Started(6, at: 2_410));
        Assert.Equal<Effect>([ScheduleUptime(6, at: 3_410)], last.Effects);
        Assert.NotNull(last.Program().Rolling);

        var then = last.When(UptimeReached(6, at: 3_410));
        Assert.Equal<Effect>([Ok(2, 3)], then.Effects);
        Assert.Null(then.Program().Rolling);
        Assert.All(then.Program().Instances, i => Assert.Equal((InstanceStatus.Running, 2), (i.Status, i.CurrentTry)));
    }

    [Fact]
    public void With_a_ready_line_the_next_instance_waits_for_the_new_run_to_print_it_however_long_it_runs()
    {
        var web = Spec(instances: 2) with { ReadyLogLine = "listening" };
        var given = Scenario.Given(Load(web), Started(1), Started(2), ReadyLine(1, "listening on 8080", at: 5), ReadyLine(2, "listening on 8081", at: 5));
        var running = given.When(RestartInstances("web", null, request: 2, at: 100, rolling: true), Exited(1, 143, at: 200), Started(3, at: 210));

        // Stable, but not ready: the uptime does not count for a program that says when it is ready.
        var stable = running.When(UptimeReached(3, at: 1_210));
        Assert.Empty(stable.Effects);
        Assert.Equal((InstanceStatus.Running, false, InstanceStatus.Running), (stable.Instance(0).Status, stable.Instance(0).Ready, stable.Instance(1).Status));

        var ready = stable.When(ReadyLine(3, "listening on 8080", at: 60_000));
        Assert.Equal<Effect>(StopEffects(2, 60_000), ready.Effects);

        var then = ready.When(Exited(2, 143, at: 60_100), Started(4, at: 60_110), ReadyLine(4, "listening on 8081", at: 60_200));
        Assert.Equal<Effect>([Ok(2, 2)], then.Effects);
    }

    [Fact]
    public void With_a_readiness_probe_the_next_instance_waits_for_the_new_run_to_pass_it()
    {
        var web = Spec(instances: 2) with { Readiness = Probe(periodMs: 100) };
        var given = Scenario.Given(Load(web), Started(1), Started(2));
        var running = given.When(RestartInstances("web", null, request: 2, at: 100, rolling: true), Exited(1, 143, at: 200), Started(3, at: 210));
        Assert.Equal<Effect>([ScheduleUptime(3, at: 1_210), ScheduleProbe(3, ProbeKind.Readiness, at: 210)], running.Effects);

        var failing = running.When(ProbeDue(3, ProbeKind.Readiness, at: 210), Failed(3, ProbeKind.Readiness, at: 250, "HTTP 503"), UptimeReached(3, at: 1_210));
        Assert.Empty(failing.Effects);
        Assert.Equal(InstanceStatus.Running, failing.Instance(1).Status);

        var then = failing.When(ProbeDue(3, ProbeKind.Readiness, at: 1_300), Passed(3, ProbeKind.Readiness, at: 1_320, "HTTP 200"));
        Assert.Equal<Effect>([ScheduleProbe(3, ProbeKind.Readiness, at: 1_420), .. StopEffects(2, 1_320)], then.Effects);
    }

    [Fact]
    public void Without_a_readiness_check_or_min_uptime_the_next_instance_is_stopped_once_the_new_run_runs()
    {
        var web = Spec(instances: 2, minUptimeMs: 0);
        var given = Scenario.Given(Load(web), Started(1), Started(2), RestartInstances("web", null, request: 2, at: 100, rolling: true), Exited(1, 143, at: 200));

        var then = given.When(Started(3, at: 210));

        Assert.Equal<Effect>(StopEffects(2, 210), then.Effects);
    }

    public static readonly TheoryData<string, string> Failures = new()
    {
        { "exits", "web.0's new run exited with code 1 before it had run for min_uptime_ms (1000 ms)" },
        { "exits cleanly", "web.0's new run exited with code 0 before it had run for min_uptime_ms (1000 ms)" },
        { "cannot start", "web.0's new run could not start: no such file: '/bin/web'" },
        { "fails its liveness probe", "web.0's new run was stopped before it had run for min_uptime_ms (1000 ms): liveness probe failed 1 times in a row: HTTP 500" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void A_new_run_that_fails_before_it_is_ready_ends_the_rolling_restart_and_leaves_the_other_instances_running(string how, string said)
    {
        var web = Spec(instances: 3, restartDelayMs: 100) with { Liveness = Probe(failureThreshold: 1) };
        var given = Scenario.Given(
            Load(web), Started(1), Started(2), Started(3), RestartInstances("web", null, request: 2, at: 100, rolling: true), Exited(1, 143, at: 200));

        var then = given.When(how switch
        {
            "exits" => [Started(4, at: 210), Exited(4, 1, at: 500)],
            "exits cleanly" => [Started(4, at: 210), Exited(4, 0, at: 500)],
            "cannot start" => [StartFailed(4, "no such file: '/bin/web'", at: 210)],
            _ => [Started(4, at: 210), ProbeDue(4, ProbeKind.Liveness, at: 210), Failed(4, ProbeKind.Liveness, at: 220, "HTTP 500")],
        });

        var failure = AnsweredFailure(then, request: 2);
        Assert.Equal((CommandFailureKind.InstanceFailed, 0L, "", "1 2"), (failure.Kind, failure.Instance, Ids(failure.Restarted), Ids(failure.NotRestarted)));
        Assert.Equal(
            $"The rolling restart of 'web' stopped at web.0: {said}. Restarted: none; not restarted (left as they were): web.1, web.2.",
            failure.Reason);
        Assert.Null(then.Program().Rolling);

        // The others keep the runs they had, untouched; the failed instance goes on as its restart policy says.
        Assert.All([1L, 2L], id => Assert.Equal(
            (InstanceStatus.Running, id + 1, false, false),
            (then.Instance(id).Status, then.Instance(id).RunId, then.Instance(id).StopRequested, then.Instance(id).RestartRequested)));
        Assert.DoesNotContain(then.Effects, e => e is Effect.SendSignal { RunId: 2 or 3 });
        Assert.Equal(how == "exits cleanly" ? InstanceStatus.Done : how == "fails its liveness probe" ? InstanceStatus.Stopping : InstanceStatus.Backoff, then.Instance(0).Status);

        // Nothing it did is left to move it on: a later stable run of web.0 restarts nobody.
        var later = then.When(Scale("web", 4, request: 3, at: 5_000));
        Assert.Equal(Ok(3, 1), later.Effects[^1]);
    }

    [Fact]
    public void A_failure_after_some_instances_were_restarted_names_them_and_the_ones_left()
    {
        var web = Spec(instances: 3, minUptimeMs: 0);
        var given = Scenario.Given(
            Load(web), Started(1), Started(2), Started(3), RestartInstances("web", null, request: 2, at: 100, rolling: true),
            Exited(1, 143, at: 200), Started(4, at: 210), Exited(2, 143, at: 300));

        var then = given.When(StartFailed(5, "permission denied: '/bin/web'", at: 310));

        var failure = AnsweredFailure(then, request: 2);
        Assert.Equal((1L, "0", "2"), (failure.Instance, Ids(failure.Restarted), Ids(failure.NotRestarted)));
        Assert.Equal(
            "The rolling restart of 'web' stopped at web.1: web.1's new run could not start: permission denied: '/bin/web'. "
            + "Restarted: web.0; not restarted (left as they were): web.2.",
            failure.Reason);
        Assert.Equal(1, then.Effects.OfType<Effect.Reply>().Single().Result.Affected);
        Assert.Equal((InstanceStatus.Running, 3L), (then.Instance(2).Status, then.Instance(2).RunId));
    }

    [Fact]
    public void An_instance_already_restarted_that_fails_later_does_not_end_the_rolling_restart()
    {
        var web = Spec(instances: 3, restartDelayMs: 100, minUptimeMs: 0);
        var given = Scenario.Given(
            Load(web), Started(1), Started(2), Started(3), RestartInstances("web", null, request: 2, at: 100, rolling: true),
            Exited(1, 143, at: 200), Started(4, at: 210));
        Assert.Equal(1, given.Program().Rolling!.Current);

        var crashed = given.When(Exited(4, 1, at: 250));

        Assert.Equal<Effect>([ScheduleRetry("web", 0, 3, at: 350)], crashed.Effects);
        Assert.Equal("request 2: restarting #1, then [#2], done [#0], 3 in all", StateView.Describe(crashed.Program().Rolling));
    }

    [Fact]
    public void A_stopped_instance_is_started_at_its_turn_and_the_next_one_waits_until_it_is_ready()
    {
        var web = Spec(instances: 3) with { ReadyLogLine = "ready" };
        var given = Scenario.Given(
            Load(web), Started(1), Started(2), Started(3), ReadyLine(1, "ready", 5), ReadyLine(2, "ready", 5), ReadyLine(3, "ready", 5),
            StopInstances("web", 1, request: 2, at: 10), Exited(2, 143, at: 20),
            RestartInstances("web", null, request: 3, at: 100, rolling: true), Exited(1, 143, at: 200), Started(4, at: 210));

        // #0 is ready: #1, which was Stopped, starts at once (nothing to stop first).
        var second = given.When(ReadyLine(4, "ready", at: 300));
        Assert.Equal<Effect>([Launch(5, web, 1, 2)], second.Effects);
        Assert.Equal("request 3: restarting #1 (run 5), then [#2], done [#0], 3 in all", StateView.Describe(second.Program().Rolling));

        // #2 keeps running until #1 is ready.
        var running = second.When(Started(5, at: 310), UptimeReached(5, at: 1_310));
        Assert.Empty(running.Effects);
        Assert.Equal(InstanceStatus.Running, running.Instance(2).Status);

        var then = running.When(ReadyLine(5, "ready", at: 1_400));
        Assert.Equal<Effect>(StopEffects(3, 1_400), then.Effects);
    }

    [Theory]
    [InlineData("the program")]
    [InlineData("its current instance")]
    [InlineData("an instance it has not reached")]
    public void A_stop_during_a_rolling_restart_ends_it_interrupted_and_applies(string target)
    {
        var web = Spec(instances: 3) with { ReadyLogLine = "ready" };
        var given = Scenario.Given(
            Load(web), Started(1), Started(2), Started(3), RestartInstances("web", null, request: 2, at: 100, rolling: true),
            Exited(1, 143, at: 200), Started(4, at: 210));
        long? instance = target switch { "the program" => null, "its current instance" => 0, _ => 2 };

        var then = given.When(StopInstances("web", instance, request: 3, at: 5_000));

        var failure = AnsweredFailure(then, request: 2);
        Assert.Equal((CommandFailureKind.Interrupted, 0L, "", "1 2"), (failure.Kind, failure.Instance, Ids(failure.Restarted), Ids(failure.NotRestarted)));
        Assert.StartsWith("The rolling restart of 'web' was interrupted at web.0 by a stop command.", failure.Reason, StringComparison.Ordinal);
        Assert.Null(then.Program().Rolling);
        var stopped = instance is { } one ? [one] : new long[] { 0, 1, 2 };
        Assert.All(then.Program().Instances, i => Assert.Equal(stopped.Contains(i.Id) ? InstanceStatus.Stopping : InstanceStatus.Running, i.Status));

        // The program takes commands again.
        Assert.Equal(Ok(4, 1), then.When(Scale("web", 4, request: 4, at: 5_010)).Effects[^1]);
    }

    [Theory]
    [InlineData("scale")]
    [InlineData("start")]
    [InlineData("restart")]
    [InlineData("rolling")]
    [InlineData("remove")]
    public void During_a_rolling_restart_other_commands_for_its_program_are_rejected_Conflict_saying_how_to_end_it(string command)
    {
        var given = Scenario.Given(
            Load(Spec(instances: 3, minUptimeMs: 0), Spec("worker")), Started(1), Started(2), Started(3),
            RestartInstances("web", null, request: 2, at: 100, rolling: true), Exited(1, 143, at: 200), Started(5, at: 210));
        Message message = command switch
        {
            "scale" => Scale("web", 1, request: 3, at: 300),
            "start" => StartInstances("web", null, request: 3, at: 300),
            "restart" => RestartInstances("web", 2, request: 3, at: 300),
            "rolling" => RestartInstances("web", null, request: 3, at: 300, rolling: true),
            _ => RemoveInstance("web", 2, request: 3, at: 300),
        };

        var then = given.When(message);

        Assert.Equal(
            "A rolling restart of 'web' is in progress (at web.1, 1 of 3 restarted); wait for it to end, or end it with a stop of the program or of one instance.",
            then.AssertRejected(3, RejectionKind.Conflict));
        Scenario.AssertUnchanged(given, then);
    }

    [Fact]
    public void During_a_rolling_restart_signals_and_commands_for_other_programs_are_accepted()
    {
        var given = Scenario.Given(
            Load(Spec(instances: 3), Spec("worker")), Started(1), Started(2), Started(3), Started(4),
            RestartInstances("web", null, request: 2, at: 100, rolling: true));

        var signalled = given.When(SignalInstances("web", null, Signals.Hangup, request: 3, at: 110));
        Assert.Equal<Effect>(
            [new Effect.SendSignal(1, Signals.Hangup), new Effect.SendSignal(2, Signals.Hangup), new Effect.SendSignal(3, Signals.Hangup), Ok(3, 3)],
            signalled.Effects);

        var other = given.When(RestartInstances("worker", null, request: 4, at: 110));
        Assert.Equal<Effect>(StopEffects(4, 110), other.Effects);
        Assert.Same(given.Program().Rolling, other.Program().Rolling);
    }

    [Fact]
    public void Shutdown_during_a_rolling_restart_answers_it_interrupted_and_stops_everything_without_relaunching()
    {
        var given = Scenario.Given(Load(Spec(instances: 3)), Started(1), Started(2), Started(3), RestartInstances("web", null, request: 2, at: 100, rolling: true));

        var shutdown = given.When(Shutdown(request: 3, at: 150));

        // Run 1 is already stopping; the others get their signal, and the rolling restart is answered at once.
        Assert.Equal<Effect>([.. StopEffects(2, 150), .. StopEffects(3, 150)], shutdown.Effects[..4]);
        var failure = AnsweredFailure(shutdown, request: 2);
        Assert.Equal((CommandFailureKind.Interrupted, 0L), (failure.Kind, failure.Instance));
        Assert.StartsWith("The rolling restart of 'web' was interrupted at web.0 because krust-pm is shutting down.", failure.Reason, StringComparison.Ordinal);
        Assert.Null(shutdown.Program().Rolling);

        var then = shutdown.When(Exited(1, 143, at: 200), Exited(2, 143, at: 210), Exited(3, 143, at: 220));
        Assert.Equal<Effect>([Ok(3, 0)], then.Effects);
        Assert.All(then.Program().Instances, i => Assert.Equal((InstanceStatus.Stopped, false), (i.Status, i.RestartRequested)));
        Assert.Equal(4, then.State.NextRunId); // nothing was launched again
    }

    [Fact]
    public void Without_waiting_the_answer_comes_at_once_and_the_rolling_restart_goes_on_to_its_end_unanswered()
    {
        var web = Spec(instances: 2, minUptimeMs: 0);
        var given = Scenario.Given(Load(web), Started(1), Started(2));

        var rolling = given.When(RestartInstances("web", null, request: 2, at: 100, rolling: true, wait: false));
        Assert.Equal<Effect>([Ok(2, 2), .. StopEffects(1, 100)], rolling.Effects);
        Assert.Equal("request 2 (answered): restarting #0, then [#1], done [], 2 in all", StateView.Describe(rolling.Program().Rolling));

        var second = rolling.When(Exited(1, 143, at: 200), Started(3, at: 210));
        Assert.Equal<Effect>(StopEffects(2, 210), second.Effects);

        var done = second.When(Exited(2, 143, at: 300), Started(4, at: 310));
        Assert.Empty(done.Effects);
        Assert.Null(done.Program().Rolling);

        var failed = second.When(Exited(2, 143, at: 300), StartFailed(4, "no such file", at: 310));
        Assert.DoesNotContain(failed.Effects, e => e is Effect.Reply);
        Assert.Null(failed.Program().Rolling);
    }

    [Fact]
    public void A_plain_restart_without_waiting_answers_at_once()
    {
        var given = Scenario.Given(Load(Spec(instances: 2)), Started(1), Started(2));

        var then = given.When(RestartInstances("web", null, request: 2, at: 100, wait: false));

        Assert.Equal<Effect>([.. StopEffects(1, 100), .. StopEffects(2, 100), Ok(2, 2)], then.Effects);
        Assert.Empty(then.State.PendingReplies);
    }

    [Fact]
    public void Rolling_restart_of_one_instance_is_a_plain_restart()
    {
        var web = Spec(instances: 2);
        var given = Scenario.Given(Load(web), Started(1), Started(2));

        var restarting = given.When(RestartInstances("web", 1, request: 2, at: 100, rolling: true));
        Assert.Equal<Effect>(StopEffects(2, 100), restarting.Effects);
        Assert.Null(restarting.Program().Rolling);

        var then = restarting.When(Exited(2, 143, at: 200));
        Assert.Equal<Effect>([Launch(3, web, 1, 2), Ok(2, 1)], then.Effects);
    }

    [Fact]
    public void The_old_run_reporting_Started_late_does_not_move_the_rolling_restart_on()
    {
        var web = Spec(instances: 2, minUptimeMs: 0);
        var given = Scenario.Given(Load(web), Started(2), RestartInstances("web", null, request: 2, at: 5, rolling: true)); // #0 was in flight

        var late = given.When(Started(1, at: 6));
        Assert.Empty(late.Effects);
        Assert.Equal((InstanceStatus.Stopping, 0), (late.Instance(0).Status, late.Program().Rolling!.Current));

        var then = late.When(Exited(1, 143, at: 7), Started(3, at: 8));
        Assert.Equal<Effect>(StopEffects(2, 8), then.Effects);
    }

    [Theory]
    [InlineData(new long[] { 1 }, true)]
    [InlineData(new long[] { 1, 2 }, false)]
    public void Instances_that_no_longer_exist_when_their_turn_comes_are_skipped(long[] gone, bool restartsTheLastOne)
    {
        // Remove and Scale are refused during a rolling restart, so this is the reducer's guard, reached by editing the state.
        var web = Spec(instances: 3, minUptimeMs: 0);
        var given = Scenario.Given(Load(web), Started(1), Started(2), Started(3), RestartInstances("web", null, request: 2, at: 100, rolling: true));
        var program = given.Program() with { Instances = given.Program().Instances.RemoveAll(i => gone.Contains(i.Id)) };
        var edited = new Scenario(given.State with { Programs = [program] }, []);

        var then = edited.When(Exited(1, 143, at: 200), Started(4, at: 210));

        Assert.Equal<Effect>(restartsTheLastOne ? StopEffects(3, 210) : [Ok(2, 3)], then.Effects);
    }

    [Fact]
    public void An_instance_whose_new_try_waits_for_its_dependencies_holds_the_rolling_restart_and_the_others_keep_running()
    {
        var db = Spec("db", minUptimeMs: 0);
        var web = Spec("web", instances: 3, minUptimeMs: 0).DependingOn(("db", DependencyCondition.Started));
        var running = Scenario.Given(Load(db, web), Started(1, at: 10), Started(2, at: 20), Started(3, at: 20), Started(4, at: 20));
        var dbDown = running.When(StopInstances("db", null, request: 2, at: 50), Exited(1, 143, at: 60));

        var waiting = dbDown.When(RestartInstances("web", null, request: 3, at: 100, rolling: true), Exited(2, 143, at: 110));

        // web.0 waits for db: restarting web.1 now would take a second instance down for nothing.
        Assert.Empty(waiting.Effects);
        Assert.Equal((InstanceStatus.Waiting, InstanceStatus.Running, InstanceStatus.Running), (waiting.Instance(0).Status, waiting.Instance(1).Status, waiting.Instance(2).Status));
        Assert.Equal("request 3: restarting #0, then [#1, #2], done [], 3 in all", StateView.Describe(waiting.Program().Rolling));

        // db is back: web.0 starts, and once it runs the rolling restart goes on.
        var back = waiting.When(StartInstances("db", null, request: 4, at: 200), Started(5, at: 210));
        Assert.Equal<Effect>([Launch(6, web, 0, 2)], back.Effects);
        var then = back.When(Started(6, at: 220));
        Assert.Equal<Effect>(StopEffects(3, 220), then.Effects);
    }

    [Fact]
    public void An_instance_whose_new_try_is_blocked_ends_the_rolling_restart_and_leaves_the_others_running()
    {
        var db = Spec("db", restart: RestartPolicy.Never, minUptimeMs: 0);
        var web = Spec("web", instances: 2, minUptimeMs: 0).DependingOn(("db", DependencyCondition.Started));
        var running = Scenario.Given(Load(db, web), Started(1, at: 10), Started(2, at: 20), Started(3, at: 20));
        var rolling = running.When(RestartInstances("web", null, request: 2, at: 100, rolling: true), Exited(1, 1, at: 105)); // db Failed for good

        var then = rolling.When(Exited(2, 143, at: 110));

        Assert.Equal(InstanceStatus.Blocked, then.Instance(0).Status);
        var failure = AnsweredFailure(then, request: 2);
        Assert.Equal(
            "The rolling restart of 'web' stopped at web.0: web.0 cannot start: dependency 'db' (started) can no longer be met: db.0 Failed. "
            + "Restarted: none; not restarted (left as they were): web.1.",
            failure.Reason);
        Assert.Equal((InstanceStatus.Running, 3L), (then.Instance(1).Status, then.Instance(1).RunId));
    }

    [Fact]
    public void An_instance_that_already_waits_for_its_dependencies_is_passed_over()
    {
        var db = Spec("db", minUptimeMs: 0);
        var web = Spec("web", instances: 2, minUptimeMs: 0).DependingOn(("db", DependencyCondition.Started));
        var running = Scenario.Given(Load(db, web), Started(1, at: 10), Started(2, at: 20), Started(3, at: 20));
        var given = running.When(StopInstances("db", null, request: 2, at: 50), Exited(1, 143, at: 60), RestartInstances("web", 0, request: 3, at: 70), Exited(2, 143, at: 80));
        Assert.Equal(InstanceStatus.Waiting, given.Instance(0).Status);

        var then = given.When(RestartInstances("web", null, request: 4, at: 100, rolling: true));

        // Nothing to replace in web.0, which starts on its own once db runs: the rolling restart starts with web.1.
        Assert.Equal<Effect>(StopEffects(3, 100), then.Effects);
        Assert.Equal("request 4: restarting #1, then [], done [], 2 in all", StateView.Describe(then.Program().Rolling));
        Assert.Equal(InstanceStatus.Waiting, then.Instance(0).Status);
    }

    private static string Ids(System.Collections.Immutable.ImmutableArray<long> ids) => string.Join(' ', ids);

    /// <summary>The failure the reply to <paramref name="request"/> among the last effects carries.</summary>
    private static CommandFailure AnsweredFailure(Scenario then, long request)
    {
        var reply = Assert.Single(then.Effects.OfType<Effect.Reply>(), r => r.RequestId == request);
        Assert.True(reply.Result.Accepted);
        Assert.False(reply.Result.Succeeded);
        return Assert.IsType<CommandFailure>(reply.Result.Failure);
    }
}

using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary>Load, start, exit, retry: one instance's life through the pure reducer.</summary>
public class ReducerLifecycleTests
{
    [Fact]
    public void Load_launches_every_instance_with_a_fresh_run_id_and_replies_the_count()
    {
        var web = Spec("web", instances: 2);
        var worker = Spec("worker");

        var then = Scenario.Given().When(Load(web, worker));

        Assert.Equal<Effect>([Launch(1, web, 0, 1), Launch(2, web, 1, 1), Launch(3, worker, 0, 1), Ok(1, 3)], then.Effects);
        Assert.Equal(4, then.State.NextRunId);
        Assert.Equal(2, then.Program("web").NextInstanceId);
        Assert.Equal(
            [new InstanceState(0, 1, InstanceStatus.Started) { RunId = 1 }, new InstanceState(1, 1, InstanceStatus.Started) { RunId = 2, Index = 1 }],
            then.Program("web").Instances);
        Assert.Equal([new InstanceState(0, 1, InstanceStatus.Started) { RunId = 3 }], then.Program("worker").Instances);
    }

    [Fact]
    public void Load_of_a_name_already_loaded_is_rejected_Invalid_and_changes_nothing()
    {
        var given = Scenario.Given(Load(Spec("web")));

        var then = given.When(Load(request: 2, at: 5, Spec("web", instances: 3)));

        var reply = Assert.IsType<Effect.Reply>(Assert.Single(then.Effects));
        Assert.Equal((2L, false, RejectionKind.Invalid), (reply.RequestId, reply.Result.Accepted, reply.Result.Rejection));
        Scenario.AssertUnchanged(given, then);
    }

    [Theory]
    [InlineData(-1, 10)]
    [InlineData(11, 10)]
    [InlineData(1, 0)]
    public void Load_with_an_impossible_instance_count_is_rejected_Invalid(int instances, int maxInstances)
    {
        var then = Scenario.Given().When(Load(Spec("web", instances: instances) with { MaxInstances = maxInstances }));

        var reply = Assert.IsType<Effect.Reply>(Assert.Single(then.Effects));
        Assert.Equal(RejectionKind.Invalid, reply.Result.Rejection);
        Assert.Empty(then.State.Programs);
    }

    [Fact]
    public void Started_marks_the_instance_Running_with_its_pid_and_arms_its_min_uptime_timer()
    {
        var given = Scenario.Given(Load(Spec(minUptimeMs: 1_000)));

        var then = given.When(Started(1, at: 7));

        Assert.Equal<Effect>([ScheduleUptime(1, at: 1_007)], then.Effects);
        Assert.Equal(
            new InstanceState(0, 1, InstanceStatus.Running) { RunId = 1, Pid = Pid(1), StartedAt = At(7) },
            then.Instance(0));
    }

    [Fact]
    public void Exited_zero_marks_the_instance_Done_and_it_stays_done()
    {
        var given = Scenario.Given(Load(Spec(restartDelayMs: 100)), Started(1));

        var then = given.When(Exited(1, 0, at: 50));

        Assert.Empty(then.Effects);
        Assert.Equal(
            new InstanceState(0, 1, InstanceStatus.Done) { StartedAt = At(1), ExitedAt = At(50), LastExitCode = 0 },
            then.Instance(0));

        // Nothing can restart it: a (bogus) timer for its next try is ignored.
        var later = then.When(RetryDue("web", 0, 2, at: 150));
        Assert.Empty(later.Effects);
        Assert.Equal(then.Instance(0), later.Instance(0));
    }

    [Fact]
    public void Exited_nonzero_restarts_until_max_retries_then_RetriesExceeded()
    {
        var web = Spec(maxRetries: 3, restartDelayMs: 0);
        var state = Scenario.Given(Load(web), Started(1));

        // Tries 2, 3 and 4 are launched at once (no restart delay), each with a fresh run id.
        for (var attempt = 2; attempt <= 4; attempt++)
        {
            var failedRun = attempt - 1;
            state = state.When(Exited(failedRun, 1, at: attempt * 10));

            Assert.Equal<Effect>([Launch(attempt, web, 0, attempt)], state.Effects);
            Assert.Equal(
                new InstanceState(0, attempt, InstanceStatus.Started)
                {
                    RunId = attempt,
                    StartedAt = At(failedRun == 1 ? 1 : failedRun * 10 + 1), // the failed try's start
                    ExitedAt = At(attempt * 10),
                    LastExitCode = 1,
                    ConsecutiveFailures = failedRun, // each try lived < 10 ms, far below the 1 s min uptime
                },
                state.Instance(0));
            state = state.When(Started(attempt, at: attempt * 10 + 1));
        }

        var then = state.When(Exited(4, 1, at: 50));

        Assert.Empty(then.Effects);
        Assert.Equal(
            new InstanceState(0, 4, InstanceStatus.RetriesExceeded)
            {
                StartedAt = At(41), ExitedAt = At(50), LastExitCode = 1, ConsecutiveFailures = 4,
            },
            then.Instance(0));
    }

    [Fact]
    public void Exited_by_a_signal_krust_pm_did_not_send_is_a_failed_try()
    {
        var web = Spec(restartDelayMs: 0);
        var given = Scenario.Given(Load(web), Started(1));

        var then = given.When(Exited(1, 128 + Signals.Kill, at: 50));

        Assert.Equal<Effect>([Launch(2, web, 0, 2)], then.Effects);
        Assert.Equal(137, then.Instance(0).LastExitCode);
    }

    [Fact]
    public void Exited_before_Started_is_seen_ends_the_run_and_the_late_Started_is_ignored()
    {
        var given = Scenario.Given(Load(Spec()));

        var exited = given.When(Exited(1, 0, at: 3));
        Assert.Empty(exited.Effects);
        Assert.Equal(new InstanceState(0, 1, InstanceStatus.Done) { ExitedAt = At(3), LastExitCode = 0 }, exited.Instance(0));

        var then = exited.When(Started(1, at: 4));
        Assert.Empty(then.Effects);
        Scenario.AssertUnchanged(exited, then);
    }

    [Fact]
    public void MaxRetries_zero_retries_forever_and_never_gives_RetriesExceeded()
    {
        var web = Spec(maxRetries: 0, restartDelayMs: 0);
        var state = Scenario.Given(Load(web));

        for (var run = 1; run <= 50; run++)
        {
            state = state.When(Started(run, at: run * 10), Exited(run, 1, at: run * 10 + 5));
            Assert.Equal<Effect>([Launch(run + 1, web, 0, run + 1)], state.Effects);
        }

        // The streak keeps growing (no try lived the 1 s min uptime), and still nothing gives up.
        Assert.Equal((InstanceStatus.Started, 51, 50), (state.Instance(0).Status, state.Instance(0).CurrentTry, state.Instance(0).ConsecutiveFailures));
    }

    [Fact]
    public void Events_for_unknown_runs_are_ignored()
    {
        var given = Scenario.Given(Load(Spec()), Started(1));

        var then = given.When(Started(99, at: 5), Exited(98, 1, at: 6), StartFailed(97, "nope", at: 7));

        Assert.Empty(then.Effects);
        Scenario.AssertUnchanged(given, then);
    }

    [Fact]
    public void Exited_twice_for_the_same_run_is_ignored_the_second_time()
    {
        var given = Scenario.Given(Load(Spec(restartDelayMs: 0)), Started(1), Exited(1, 1, at: 10));

        var then = given.When(Exited(1, 1, at: 11));

        Assert.Empty(then.Effects);
        Scenario.AssertUnchanged(given, then);
    }

    [Fact]
    public void Version_grows_by_one_per_message_even_when_the_message_is_ignored()
    {
        var state = Scenario.Given();
        Message[] messages =
        [
            Load(Spec()), Started(1), Started(1), Exited(42, 1, at: 3), Scale("nope", 1, request: 2, at: 4),
            StopTimeout(7, at: 5), Exited(1, 0, at: 6), Shutdown(request: 3, at: 7), Scale("web", 2, request: 4, at: 8),
        ];

        for (var i = 0; i < messages.Length; i++)
        {
            state = state.When(messages[i]);
            Assert.Equal(i + 1, state.State.Version);
        }
    }
}

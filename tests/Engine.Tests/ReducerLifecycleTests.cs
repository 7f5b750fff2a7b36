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
            [new InstanceState(0, 1, InstanceStatus.Started) { RunId = 1 }, new InstanceState(1, 1, InstanceStatus.Started) { RunId = 2 }],
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
    public void Started_marks_the_instance_Running_with_its_pid()
    {
        var given = Scenario.Given(Load(Spec()));

        var then = given.When(Started(1, at: 7));

        Assert.Empty(then.Effects);
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
                },
                state.Instance(0));
            state = state.When(Started(attempt, at: attempt * 10 + 1));
        }

        var then = state.When(Exited(4, 1, at: 50));

        Assert.Empty(then.Effects);
        Assert.Equal(
            new InstanceState(0, 4, InstanceStatus.RetriesExceeded) { StartedAt = At(41), ExitedAt = At(50), LastExitCode = 1 },
            then.Instance(0));
    }

    [Fact]
    public void Exited_nonzero_with_a_restart_delay_waits_for_RetryDue()
    {
        var given = Scenario.Given(Load(Spec(restartDelayMs: 100)), Started(1));

        var then = given.When(Exited(1, 2, at: 50));

        Assert.Equal<Effect>([new Effect.Schedule(RetryDue("web", 0, 2, at: 150))], then.Effects);
        Assert.Equal(
            new InstanceState(0, 2, InstanceStatus.Started)
            {
                StartedAt = At(1), ExitedAt = At(50), LastExitCode = 2, NextTryAt = At(150),
            },
            then.Instance(0));
        Assert.False(then.State.HasLiveRuns);
    }

    [Fact]
    public void RetryDue_launches_the_waiting_instance_s_next_try()
    {
        var web = Spec(restartDelayMs: 100);
        var given = Scenario.Given(Load(web), Started(1), Exited(1, 1, at: 50));

        var then = given.When(RetryDue("web", 0, 2, at: 150));

        Assert.Equal<Effect>([Launch(2, web, 0, 2)], then.Effects);
        var instance = then.Instance(0);
        Assert.Equal((InstanceStatus.Started, 2, 2L, (DateTimeOffset?)null), (instance.Status, instance.CurrentTry, instance.RunId, instance.NextTryAt));
    }

    [Fact]
    public void RetryDue_for_an_instance_already_relaunched_is_ignored()
    {
        var given = Scenario.Given(Load(Spec(restartDelayMs: 100)), Started(1), Exited(1, 1, at: 50), RetryDue("web", 0, 2, at: 150));

        var then = given.When(RetryDue("web", 0, 2, at: 150));

        Assert.Empty(then.Effects);
        Scenario.AssertUnchanged(given, then);
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
    public void StartFailed_counts_as_a_failed_try_and_keeps_the_reason()
    {
        var web = Spec(maxRetries: 1, restartDelayMs: 100);
        var given = Scenario.Given(Load(web));

        var first = given.When(StartFailed(1, "No such file or directory: /bin/web", at: 2));

        Assert.Equal<Effect>([new Effect.Schedule(RetryDue("web", 0, 2, at: 102))], first.Effects);
        Assert.Equal(
            new InstanceState(0, 2, InstanceStatus.Started)
            {
                ExitedAt = At(2), LastError = "No such file or directory: /bin/web", NextTryAt = At(102),
            },
            first.Instance(0));

        // The last allowed try fails the same way: no retries left, and the reason stays visible.
        var then = first.When(RetryDue("web", 0, 2, at: 102), StartFailed(2, "Permission denied: /bin/web", at: 103));

        Assert.Empty(then.Effects);
        Assert.Equal(
            new InstanceState(0, 2, InstanceStatus.RetriesExceeded) { ExitedAt = At(103), LastError = "Permission denied: /bin/web" },
            then.Instance(0));
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

        Assert.Equal((InstanceStatus.Started, 51), (state.Instance(0).Status, state.Instance(0).CurrentTry));
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

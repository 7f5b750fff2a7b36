using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary>What an exit leads to under each <see cref="RestartPolicy"/>.</summary>
public class ReducerRestartPolicyTests
{
    [Fact]
    public void OnFailure_is_the_default_a_clean_exit_is_Done_and_a_failure_backs_off()
    {
        var web = new ProgramSpec("web", "/bin/web", ["/bin/web"]);
        Assert.Equal(RestartPolicy.OnFailure, web.Restart);

        var clean = Scenario.Given(Load(web), Started(1)).When(Exited(1, 0, at: 50));
        var failed = Scenario.Given(Load(web), Started(1)).When(Exited(1, 1, at: 50));

        Assert.Empty(clean.Effects);
        Assert.Equal((InstanceStatus.Done, 0), (clean.Instance(0).Status, clean.Instance(0).ConsecutiveFailures));
        Assert.Equal<Effect>([ScheduleRetry("web", 0, 2, at: 150)], failed.Effects); // the default 100 ms
        Assert.Equal(InstanceStatus.Backoff, failed.Instance(0).Status);
    }

    [Fact]
    public void Always_restarts_a_clean_exit_after_exactly_RestartDelay()
    {
        var web = Spec(restart: RestartPolicy.Always, restartDelayMs: 100);
        var given = Scenario.Given(Load(web), Started(1));

        var waiting = given.When(Exited(1, 0, at: 50, jitter: 0.999)); // jitter does not apply to a clean exit

        Assert.Equal<Effect>([ScheduleRetry("web", 0, 2, at: 150)], waiting.Effects);
        Assert.Equal(
            new InstanceState(0, 2, InstanceStatus.Backoff)
            {
                StartedAt = At(1), ExitedAt = At(50), LastExitCode = 0, ConsecutiveFailures = 0, NextTryAt = At(150),
            },
            waiting.Instance(0));

        var then = waiting.When(RetryDue("web", 0, 2, at: 150));

        Assert.Equal<Effect>([Launch(2, web, 0, 2)], then.Effects);
        Assert.Equal((InstanceStatus.Started, 2L), (then.Instance(0).Status, then.Instance(0).RunId));
    }

    [Fact]
    public void Always_never_doubles_the_delay_between_clean_exits_and_is_never_Done()
    {
        var web = Spec(restart: RestartPolicy.Always, maxRetries: 1, restartDelayMs: 100);
        var state = Scenario.Given(Load(web));
        var now = 0;

        // Ten instant clean exits: never a failure, so never the retry budget either (MaxRetries is 1).
        for (var run = 1L; run <= 10; run++)
        {
            state = state.When(Started(run, at: now + 1), Exited(run, 0, at: now + 2, jitter: run % 2 == 0 ? 0 : 0.999));

            Assert.Equal<Effect>([ScheduleRetry("web", 0, (int)run + 1, at: now + 102)], state.Effects);
            Assert.Equal((InstanceStatus.Backoff, 0), (state.Instance(0).Status, state.Instance(0).ConsecutiveFailures));
            state = state.When(RetryDue("web", 0, (int)run + 1, at: now + 102));
            now += 102;
        }

        Assert.Equal(11, state.Instance(0).CurrentTry);
    }

    [Fact]
    public void Always_with_zero_RestartDelay_restarts_a_clean_exit_at_once()
    {
        var web = Spec(restart: RestartPolicy.Always, restartDelayMs: 0);
        var given = Scenario.Given(Load(web), Started(1));

        var then = given.When(Exited(1, 0, at: 50));

        Assert.Equal<Effect>([Launch(2, web, 0, 2)], then.Effects);
        Assert.Equal(
            new InstanceState(0, 2, InstanceStatus.Started) { RunId = 2, StartedAt = At(1), ExitedAt = At(50), LastExitCode = 0 },
            then.Instance(0));
    }

    [Fact]
    public void Always_still_counts_failures_backs_off_and_can_reach_RetriesExceeded()
    {
        var web = Spec(restart: RestartPolicy.Always, maxRetries: 1, restartDelayMs: 100);
        var given = Scenario.Given(Load(web), Started(1));

        var first = given.When(Exited(1, 1, at: 10));
        Assert.Equal<Effect>([ScheduleRetry("web", 0, 2, at: 110)], first.Effects);
        Assert.Equal(1, first.Instance(0).ConsecutiveFailures);

        var then = first.When(RetryDue("web", 0, 2, at: 110), Started(2, at: 111), Exited(2, 1, at: 120));

        Assert.Empty(then.Effects);
        Assert.Equal((InstanceStatus.RetriesExceeded, 2, 2), (then.Instance(0).Status, then.Instance(0).CurrentTry, then.Instance(0).ConsecutiveFailures));
    }

    [Fact]
    public void Always_a_clean_exit_ends_the_failure_streak()
    {
        var web = Spec(restart: RestartPolicy.Always, maxRetries: 2, restartDelayMs: 100);
        var given = Scenario.Given(
            Load(web), Started(1, at: 1), Exited(1, 1, at: 10), RetryDue("web", 0, 2, at: 110),
            Started(2, at: 111), Exited(2, 1, at: 120), RetryDue("web", 0, 3, at: 320), Started(3, at: 321));
        Assert.Equal(2, given.Instance(0).ConsecutiveFailures);

        var clean = given.When(Exited(3, 0, at: 330));
        Assert.Equal<Effect>([ScheduleRetry("web", 0, 4, at: 430)], clean.Effects);
        Assert.Equal(0, clean.Instance(0).ConsecutiveFailures);

        var then = clean.When(RetryDue("web", 0, 4, at: 430), Started(4, at: 431), Exited(4, 1, at: 440));
        Assert.Equal<Effect>([ScheduleRetry("web", 0, 5, at: 540)], then.Effects); // the first delay again
        Assert.Equal((InstanceStatus.Backoff, 1), (then.Instance(0).Status, then.Instance(0).ConsecutiveFailures));
    }

    [Fact]
    public void Always_does_not_restart_an_instance_krust_pm_stopped()
    {
        var web = Spec(restart: RestartPolicy.Always, instances: 2, restartDelayMs: 0);
        var given = Scenario.Given(Load(web), Started(1), Started(2), Scale("web", 1, request: 2, at: 10));

        var retired = given.When(Exited(1, 0, at: 20));
        var shutdown = retired.When(Shutdown(request: 3, at: 30), Exited(2, 0, at: 40));

        Assert.Equal<Effect>([Ok(2, 1)], retired.Effects);
        Assert.Equal<Effect>([Ok(3, 0)], shutdown.Effects);
        Assert.Equal(InstanceStatus.Stopped, shutdown.Instance(1).Status);
        Assert.Equal(3, shutdown.State.NextRunId); // nothing was launched again
    }

    [Theory]
    [InlineData(3)]
    [InlineData(0)] // "retry forever" does not matter: Never never retries
    public void Never_marks_a_failure_Failed_without_a_retry(int maxRetries)
    {
        var given = Scenario.Given(Load(Spec(restart: RestartPolicy.Never, maxRetries: maxRetries, restartDelayMs: 100)), Started(1));

        var then = given.When(Exited(1, 2, at: 50));

        Assert.Empty(then.Effects);
        Assert.Equal(
            new InstanceState(0, 1, InstanceStatus.Failed) { StartedAt = At(1), ExitedAt = At(50), LastExitCode = 2, ConsecutiveFailures = 1 },
            then.Instance(0));

        var later = then.When(RetryDue("web", 0, 2, at: 150)); // a (bogus) timer cannot revive it
        Assert.Empty(later.Effects);
        Scenario.AssertUnchanged(then, later);
    }

    [Fact]
    public void Never_marks_a_failed_start_Failed_and_keeps_the_reason()
    {
        var given = Scenario.Given(Load(Spec(restart: RestartPolicy.Never, restartDelayMs: 0)));

        var then = given.When(StartFailed(1, "No such file or directory: /bin/web", at: 2));

        Assert.Empty(then.Effects);
        Assert.Equal(
            new InstanceState(0, 1, InstanceStatus.Failed) { ExitedAt = At(2), LastError = "No such file or directory: /bin/web", ConsecutiveFailures = 1 },
            then.Instance(0));
    }

    [Fact]
    public void Never_marks_a_clean_exit_Done()
    {
        var given = Scenario.Given(Load(Spec(restart: RestartPolicy.Never, restartDelayMs: 0)), Started(1));

        var then = given.When(Exited(1, 0, at: 50));

        Assert.Empty(then.Effects);
        Assert.Equal(
            new InstanceState(0, 1, InstanceStatus.Done) { StartedAt = At(1), ExitedAt = At(50), LastExitCode = 0 },
            then.Instance(0));
    }
}

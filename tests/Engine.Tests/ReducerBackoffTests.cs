using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary>After a failure: Backoff with a growing, jittered delay, then RetryDue; stale timers change nothing.</summary>
public class ReducerBackoffTests
{
    [Fact]
    public void Exited_nonzero_with_a_restart_delay_goes_to_Backoff_and_schedules_RetryDue()
    {
        var given = Scenario.Given(Load(Spec(restartDelayMs: 100)), Started(1));

        var then = given.When(Exited(1, 2, at: 50));

        Assert.Equal<Effect>([ScheduleRetry("web", 0, 2, at: 150)], then.Effects);
        Assert.Equal(
            new InstanceState(0, 2, InstanceStatus.Backoff)
            {
                StartedAt = At(1), ExitedAt = At(50), LastExitCode = 2, ConsecutiveFailures = 1, NextTryAt = At(150),
            },
            then.Instance(0));
        Assert.False(then.State.HasLiveRuns);
    }

    [Fact]
    public void A_next_try_beyond_the_end_of_time_is_scheduled_at_the_end_of_time_instead_of_overflowing()
    {
        var given = Scenario.Given(Load(Spec(restartDelayMs: 100) with { RestartDelayMax = TimeSpan.MaxValue }), Started(1));

        var then = given.When(new Message.Exited(1, 1, DateTimeOffset.MaxValue.AddMilliseconds(-50)));

        Assert.Equal<Effect>([new Effect.Schedule(new Message.RetryDue("web", 0, 2, DateTimeOffset.MaxValue))], then.Effects);
        Assert.Equal(DateTimeOffset.MaxValue, then.Instance(0).NextTryAt);
    }

    [Fact]
    public void RetryDue_launches_the_waiting_instance_s_next_try()
    {
        var web = Spec(restartDelayMs: 100);
        var given = Scenario.Given(Load(web), Started(1), Exited(1, 1, at: 50));

        var then = given.When(RetryDue("web", 0, 2, at: 150));

        Assert.Equal<Effect>([Launch(2, web, 0, 2)], then.Effects);
        var instance = then.Instance(0);
        Assert.Equal(
            (InstanceStatus.Started, 2, 2L, (DateTimeOffset?)null, 1),
            (instance.Status, instance.CurrentTry, instance.RunId, instance.NextTryAt, instance.ConsecutiveFailures));
    }

    [Fact]
    public void Backoff_doubles_per_consecutive_failure_up_to_the_cap()
    {
        var web = Spec(maxRetries: 0, restartDelayMs: 100, restartDelayMaxMs: 1_000);
        int[] expectedMs = [100, 200, 400, 800, 1_000, 1_000, 1_000];
        var state = Scenario.Given(Load(web));
        var now = 0;

        for (var failure = 1; failure <= expectedMs.Length; failure++)
        {
            var (run, nextTry) = ((long)failure, failure + 1); // one run per try; each crashes 9 ms after its start
            state = state.When(Started(run, at: now + 1), Exited(run, 1, at: now + 10));
            var due = now + 10 + expectedMs[failure - 1];

            Assert.Equal<Effect>([ScheduleRetry("web", 0, nextTry, at: due)], state.Effects);
            var waiting = state.Instance(0);
            Assert.Equal(
                (InstanceStatus.Backoff, nextTry, failure, (DateTimeOffset?)At(due), false),
                (waiting.Status, waiting.CurrentTry, waiting.ConsecutiveFailures, waiting.NextTryAt, waiting.IsLive));

            state = state.When(RetryDue("web", 0, nextTry, at: due));
            Assert.Equal<Effect>([Launch(run + 1, web, 0, nextTry)], state.Effects);
            now = due;
        }
    }

    [Theory]
    [InlineData(0.0, new[] { 80, 160, 320, 640, 800, 800 })]
    [InlineData(0.999_999, new[] { 120, 240, 480, 960, 1_000, 1_000 })]
    public void Jitter_on_the_failure_spreads_the_delay_from_80_to_120_percent_within_the_cap(double jitter, int[] expectedMs)
    {
        var state = Scenario.Given(Load(Spec(maxRetries: 0, restartDelayMs: 100, restartDelayMaxMs: 1_000)));
        var now = 0;

        for (var failure = 1; failure <= expectedMs.Length; failure++)
        {
            state = state.When(Started(failure, at: now + 1), Exited(failure, 1, at: now + 10, jitter));
            var waiting = state.Instance(0);
            var delay = waiting.NextTryAt!.Value - At(now + 10);

            // Jitter is below 1, so 120 % is approached, not reached: allow 1/1000 under the exact figure.
            var expected = TimeSpan.FromMilliseconds(expectedMs[failure - 1]);
            Assert.InRange(delay, expected - (expected / 1_000), expected);
            var scheduled = Assert.IsType<Message.RetryDue>(Assert.IsType<Effect.Schedule>(Assert.Single(state.Effects)).Message);
            Assert.Equal(waiting.NextTryAt, scheduled.At);

            now = (int)(waiting.NextTryAt.Value - Epoch).TotalMilliseconds + 1;
            state = state.When(new Message.RetryDue("web", 0, failure + 1, waiting.NextTryAt.Value));
        }
    }

    [Fact]
    public void StartFailed_backs_off_like_any_failure_and_keeps_the_reason()
    {
        var web = Spec(maxRetries: 2, restartDelayMs: 100);
        var given = Scenario.Given(Load(web));

        var first = given.When(StartFailed(1, "No such file or directory: /bin/web", at: 2));

        // No Launch in the same reduction: a program that cannot start waits instead of spinning.
        Assert.Equal<Effect>([ScheduleRetry("web", 0, 2, at: 102)], first.Effects);
        Assert.Equal(
            new InstanceState(0, 2, InstanceStatus.Backoff)
            {
                ExitedAt = At(2), LastError = "No such file or directory: /bin/web", ConsecutiveFailures = 1, NextTryAt = At(102),
            },
            first.Instance(0));

        var second = first.When(RetryDue("web", 0, 2, at: 102), StartFailed(2, "Permission denied: /bin/web", at: 103));

        Assert.Equal<Effect>([ScheduleRetry("web", 0, 3, at: 303)], second.Effects); // doubled: 200 ms
        Assert.Equal(
            (InstanceStatus.Backoff, 2, "Permission denied: /bin/web"),
            (second.Instance(0).Status, second.Instance(0).ConsecutiveFailures, second.Instance(0).LastError));

        // The last allowed try fails the same way: no retries left, and the reason stays visible.
        var then = second.When(RetryDue("web", 0, 3, at: 303), StartFailed(3, "Permission denied: /bin/web", at: 304));

        Assert.Empty(then.Effects);
        Assert.Equal(
            new InstanceState(0, 3, InstanceStatus.RetriesExceeded)
            {
                ExitedAt = At(304), LastError = "Permission denied: /bin/web", ConsecutiveFailures = 3,
            },
            then.Instance(0));
    }

    [Fact]
    public void Zero_restart_delay_relaunches_in_the_same_reduction_without_Backoff()
    {
        var web = Spec(restartDelayMs: 0);
        var given = Scenario.Given(Load(web));

        var then = given.When(StartFailed(1, "Exec format error", at: 2, jitter: 0.999));

        Assert.Equal<Effect>([Launch(2, web, 0, 2)], then.Effects);
        Assert.Equal(
            new InstanceState(0, 2, InstanceStatus.Started) { RunId = 2, ExitedAt = At(2), LastError = "Exec format error", ConsecutiveFailures = 1 },
            then.Instance(0));
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
    public void RetryDue_for_an_earlier_try_is_ignored_while_the_instance_waits_for_a_later_one()
    {
        var given = Scenario.Given(
            Load(Spec(restartDelayMs: 100)), Started(1), Exited(1, 1, at: 50), RetryDue("web", 0, 2, at: 150),
            Started(2, at: 151), Exited(2, 1, at: 160)); // waiting for try 3 at 360
        Assert.Equal((InstanceStatus.Backoff, 3), (given.Instance(0).Status, given.Instance(0).CurrentTry));

        var then = given.When(RetryDue("web", 0, 2, at: 170));

        Assert.Empty(then.Effects);
        Scenario.AssertUnchanged(given, then);
    }

    [Fact]
    public void RetryDue_for_an_unknown_program_or_instance_is_ignored()
    {
        var given = Scenario.Given(Load(Spec(restartDelayMs: 100)), Started(1), Exited(1, 1, at: 50));

        var then = given.When(RetryDue("ghost", 0, 2, at: 150), RetryDue("web", 7, 2, at: 150));

        Assert.Empty(then.Effects);
        Scenario.AssertUnchanged(given, then);
    }

    [Fact]
    public void Scale_down_during_backoff_removes_the_instance_without_a_signal_replies_at_once_and_ignores_its_RetryDue()
    {
        var given = Scenario.Given(Load(Spec(instances: 2, restartDelayMs: 100)), Started(1), Started(2), Exited(1, 1, at: 50));
        Assert.Equal(InstanceStatus.Backoff, given.Instance(0).Status);

        var then = given.When(Scale("web", 1, request: 2, at: 60));

        Assert.Equal<Effect>([Ok(2, 1)], then.Effects);
        Assert.Equal([1L], then.Program().Instances.Select(i => i.Id));
        Assert.Empty(then.Program().Retiring);
        Assert.Empty(then.State.PendingReplies);

        var later = then.When(RetryDue("web", 0, 2, at: 150));
        Assert.Empty(later.Effects);
        Scenario.AssertUnchanged(then, later);
    }
}

using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary>
/// krust-pm's own shortages (StartDeferred): the instance waits in Backoff for the same try, no failure is counted,
/// the waits grow to 10 s, and the engine's ResourceShortage says what is lacking while any instance waits.
/// </summary>
public class ReducerResourceTests
{
    private const string OutOfFds = "krust-pm is out of file descriptors";

    [Fact]
    public void A_deferred_start_waits_a_second_in_Backoff_for_the_same_try_without_counting_a_failure()
    {
        var given = Scenario.Given(Load(Spec(maxRetries: 1, restartDelayMs: 100)));

        var then = given.When(StartDeferred(1, at: 2));

        Assert.Equal<Effect>([ScheduleRetry("web", 0, 1, at: 1_002)], then.Effects);
        Assert.Equal(
            new InstanceState(0, 1, InstanceStatus.Backoff) { LastError = OutOfFds, ResourceWaits = 1, NextTryAt = At(1_002) },
            then.Instance(0));
        Assert.Equal(new ResourceShortage(OutOfFds, At(2), 1), then.State.ResourceShortage);
        Assert.False(then.State.HasLiveRuns);
    }

    [Fact]
    public void Deferred_starts_never_use_up_max_retries_and_wait_twice_as_long_each_time_up_to_10_s()
    {
        var web = Spec(maxRetries: 1, restartDelayMs: 100);
        int[] expectedMs = [1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000];
        var state = Scenario.Given(Load(web));
        var now = 0;

        for (var wait = 1; wait <= expectedMs.Length; wait++)
        {
            var run = (long)wait;
            state = state.When(StartDeferred(run, at: now + 1));
            var due = now + 1 + expectedMs[wait - 1];

            Assert.Equal<Effect>([ScheduleRetry("web", 0, 1, at: due)], state.Effects);
            var waiting = state.Instance(0);
            Assert.Equal(
                (InstanceStatus.Backoff, 1, 0, wait, (DateTimeOffset?)At(due)),
                (waiting.Status, waiting.CurrentTry, waiting.ConsecutiveFailures, waiting.ResourceWaits, waiting.NextTryAt));

            state = state.When(RetryDue("web", 0, 1, at: due));
            Assert.Equal<Effect>([Launch(run + 1, web, 0, 1)], state.Effects);
            Assert.Equal(new ResourceShortage(OutOfFds, At(1), 1), state.State.ResourceShortage); // still waiting while it launches
            now = due;
        }
    }

    [Theory]
    [InlineData(0.0, 800)]
    [InlineData(0.999_999, 1_200)]
    public void Jitter_spreads_the_wait_from_80_to_120_percent(double jitter, int expectedMs)
    {
        var then = Scenario.Given(Load(Spec())).When(StartDeferred(1, at: 0, jitter: jitter));

        Assert.InRange(then.Instance(0).NextTryAt!.Value - At(0), TimeSpan.FromMilliseconds(expectedMs - 1), TimeSpan.FromMilliseconds(expectedMs));
    }

    [Fact]
    public void A_try_that_starts_after_the_wait_runs_with_no_error_and_ends_the_shortage()
    {
        var given = Scenario.Given(Load(Spec()), StartDeferred(1, at: 2), RetryDue("web", 0, 1, at: 1_002));

        var then = given.When(Started(2, at: 1_003));

        var running = then.Instance(0);
        Assert.Equal(
            (InstanceStatus.Running, 1, 0, (string?)null, 0, (int?)Pid(2)),
            (running.Status, running.CurrentTry, running.ResourceWaits, running.LastError, running.ConsecutiveFailures, running.Pid));
        Assert.Null(then.State.ResourceShortage);
    }

    [Fact]
    public void A_failure_of_the_program_after_a_wait_for_resources_counts_as_usual()
    {
        var given = Scenario.Given(Load(Spec(restartDelayMs: 100)), StartDeferred(1, at: 2), RetryDue("web", 0, 1, at: 1_002));

        var then = given.When(StartFailed(2, "permission denied: '/bin/web' is not executable", at: 1_003));

        Assert.Equal<Effect>([ScheduleRetry("web", 0, 2, at: 1_103)], then.Effects);
        var failed = then.Instance(0);
        Assert.Equal(
            (InstanceStatus.Backoff, 2, 1, 0),
            (failed.Status, failed.CurrentTry, failed.ConsecutiveFailures, failed.ResourceWaits));
        Assert.Null(then.State.ResourceShortage);
    }

    [Fact]
    public void The_shortage_counts_every_waiting_instance_keeps_its_first_time_and_the_last_reason_and_ends_with_the_last_start()
    {
        var given = Scenario.Given(
            Load(Spec(instances: 3)),
            StartDeferred(1, at: 2),
            StartDeferred(2, at: 3, reason: "krust-pm cannot create a process: Resource temporarily unavailable"),
            Started(3, at: 4));
        Assert.Equal(
            new ResourceShortage("krust-pm cannot create a process: Resource temporarily unavailable", At(2), 2),
            given.State.ResourceShortage);

        var one = given.When(RetryDue("web", 0, 1, at: 1_002), Started(4, at: 1_003));
        Assert.Equal(1, one.State.ResourceShortage?.Instances);

        var none = one.When(RetryDue("web", 1, 1, at: 1_003), Started(5, at: 1_004));
        Assert.Null(none.State.ResourceShortage);
        Assert.All(none.Program().Instances, i => Assert.Equal((InstanceStatus.Running, 0), (i.Status, i.ResourceWaits)));
    }

    [Fact]
    public void Stopping_an_instance_that_waits_for_resources_ends_its_wait_and_the_shortage()
    {
        var given = Scenario.Given(Load(Spec()), StartDeferred(1, at: 2));

        var stopped = given.When(StopInstances("web", null, request: 2, at: 10));

        Assert.Equal<Effect>([Ok(2, 1)], stopped.Effects);
        Assert.Equal((InstanceStatus.Stopped, 0, (DateTimeOffset?)null), (stopped.Instance(0).Status, stopped.Instance(0).ResourceWaits, stopped.Instance(0).NextTryAt));
        Assert.Null(stopped.State.ResourceShortage);
        Assert.Empty(stopped.When(RetryDue("web", 0, 1, at: 1_002)).Effects); // its timer is stale
    }

    [Fact]
    public void A_deferred_start_of_an_instance_scaled_away_meanwhile_removes_it_and_answers_the_scale()
    {
        var given = Scenario.Given(Load(Spec(instances: 2)), Started(2, at: 1), Scale("web", 1, request: 2, at: 5));
        Assert.Single(given.Program().Retiring);

        var then = given.When(StartDeferred(1, at: 6));

        Assert.Equal<Effect>([Ok(2, 1)], then.Effects);
        Assert.Empty(then.Program().Retiring);
        Assert.Null(then.State.ResourceShortage);
    }

    [Fact]
    public void A_deferred_start_during_the_shutdown_leaves_the_instance_stopped_and_answers_the_shutdown()
    {
        var given = Scenario.Given(Load(Spec()), Shutdown(request: 2, at: 5));

        var then = given.When(StartDeferred(1, at: 6));

        Assert.Equal<Effect>([new Effect.Reply(2, CommandResult.Ok())], then.Effects);
        Assert.Equal((InstanceStatus.Stopped, 0), (then.Instance(0).Status, then.Instance(0).ResourceWaits));
        Assert.Null(then.State.ResourceShortage);
    }

    [Fact]
    public void A_rolling_restart_stays_on_an_instance_that_waits_for_resources_until_its_try_starts()
    {
        var web = Spec(instances: 2);
        var given = Scenario.Given(
            Load(web), Started(1), Started(2), RestartInstances("web", null, request: 2, at: 10, rolling: true), Exited(1, 143, at: 11));

        var waiting = given.When(StartDeferred(3, at: 12));

        // The other instance keeps running: nothing is stopped while the first one waits.
        Assert.Equal<Effect>([ScheduleRetry("web", 0, 2, at: 1_012)], waiting.Effects);
        Assert.Equal(0, waiting.Program().Rolling?.Current);
        Assert.Equal(InstanceStatus.Running, waiting.Instance(1).Status);

        var started = waiting.When(RetryDue("web", 0, 2, at: 1_012), Started(4, at: 1_013));

        // Once its try has started, the roll waits for it as for any new run (its minimum uptime), then moves on.
        Assert.Equal<Effect>([ScheduleUptime(4, at: 2_013)], started.Effects);
        Assert.Equal(0, started.Program().Rolling?.Current);

        var then = started.When(UptimeReached(4, at: 2_013));

        Assert.Equal<Effect>(StopEffects(2, at: 2_013), then.Effects);
        Assert.Equal(1, then.Program().Rolling?.Current);
    }

    [Fact]
    public void A_deferred_start_of_a_run_that_already_ended_changes_nothing()
    {
        var given = Scenario.Given(Load(Spec()), Started(1), Exited(1, 0, at: 5));

        var then = given.When(StartDeferred(1, at: 6));

        Assert.Empty(then.Effects);
        Scenario.AssertUnchanged(given, then);
    }
}

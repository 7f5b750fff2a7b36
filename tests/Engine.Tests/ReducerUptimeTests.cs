using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary>
/// The failure streak: failures add up, a run that stays up <see cref="ProgramSpec.MinUptime"/> (or exits 0) ends it,
/// and the retry budget and the backoff both start over from it.
/// </summary>
public class ReducerUptimeTests
{
    // 100 ms backoff, doubling; a run is stable after 1 s. Two failures in a row are in backoff for 200 ms.
    private static readonly ProgramSpec Web = Spec(maxRetries: 3, restartDelayMs: 100, minUptimeMs: 1_000);

    /// <summary>Two instant failures: the instance then runs try 3 (run 3), started at 400 ms with a streak of 2.</summary>
    private static Scenario TwoFailuresThenRunning() => Scenario.Given(
        Load(Web),
        Started(1, at: 1), Exited(1, 1, at: 10), RetryDue("web", 0, 2, at: 110),
        Started(2, at: 111), Exited(2, 1, at: 120), RetryDue("web", 0, 3, at: 320),
        Started(3, at: 400));

    [Fact]
    public void UptimeReached_for_the_running_run_ends_the_failure_streak()
    {
        var given = TwoFailuresThenRunning();
        Assert.Equal<Effect>([ScheduleUptime(3, at: 1_400)], given.Effects);
        Assert.Equal(2, given.Instance(0).ConsecutiveFailures);

        var then = given.When(UptimeReached(3, at: 1_400));

        Assert.Empty(then.Effects);
        Assert.Equal(
            new InstanceState(0, 3, InstanceStatus.Running)
            {
                RunId = 3, Pid = Pid(3), StartedAt = At(400), ExitedAt = At(120), LastExitCode = 1, ConsecutiveFailures = 0,
            },
            then.Instance(0));
    }

    [Fact]
    public void A_crash_after_UptimeReached_backs_off_with_the_first_delay_again()
    {
        var given = TwoFailuresThenRunning().When(UptimeReached(3, at: 1_400));

        var then = given.When(Exited(3, 1, at: 1_450));

        Assert.Equal<Effect>([ScheduleRetry("web", 0, 4, at: 1_550)], then.Effects); // 100 ms, not 400 ms
        Assert.Equal((InstanceStatus.Backoff, 1), (then.Instance(0).Status, then.Instance(0).ConsecutiveFailures));
    }

    [Fact]
    public void A_run_that_outlived_MinUptime_ends_the_streak_at_exit_even_before_its_UptimeReached()
    {
        var given = TwoFailuresThenRunning();

        // The timer has not been applied yet (it is still queued): the exit time alone shows the run was stable.
        var then = given.When(Exited(3, 1, at: 1_500));

        Assert.Equal<Effect>([ScheduleRetry("web", 0, 4, at: 1_600)], then.Effects);
        Assert.Equal((InstanceStatus.Backoff, 1), (then.Instance(0).Status, then.Instance(0).ConsecutiveFailures));
    }

    [Fact]
    public void A_run_that_lasted_exactly_MinUptime_is_stable()
    {
        var then = TwoFailuresThenRunning().When(Exited(3, 1, at: 1_400));

        Assert.Equal(1, then.Instance(0).ConsecutiveFailures);
    }

    [Fact]
    public void A_run_one_ms_short_of_MinUptime_adds_to_the_streak()
    {
        var then = TwoFailuresThenRunning().When(Exited(3, 1, at: 1_399));

        Assert.Equal<Effect>([ScheduleRetry("web", 0, 4, at: 1_799)], then.Effects); // third failure: 400 ms
        Assert.Equal(3, then.Instance(0).ConsecutiveFailures);
    }

    [Fact]
    public void A_run_never_seen_started_is_never_stable_however_long_it_took()
    {
        var given = Scenario.Given(Load(Web), Started(1, at: 1), Exited(1, 1, at: 10), RetryDue("web", 0, 2, at: 110));

        var exited = given.When(Exited(2, 1, at: 5_000)); // no Started for run 2: its start time is unknown
        var failed = given.When(StartFailed(2, "Text file busy", at: 5_000));

        Assert.Equal(2, exited.Instance(0).ConsecutiveFailures);
        Assert.Equal(2, failed.Instance(0).ConsecutiveFailures);
    }

    [Fact]
    public void UptimeReached_for_a_run_that_has_ended_changes_nothing()
    {
        var given = TwoFailuresThenRunning().When(Exited(3, 1, at: 500)); // streak 3, waiting for try 4

        var then = given.When(UptimeReached(3, at: 1_400));

        Assert.Empty(then.Effects);
        Scenario.AssertUnchanged(given, then);
        Assert.Equal((InstanceStatus.Backoff, 3), (then.Instance(0).Status, then.Instance(0).ConsecutiveFailures));
    }

    [Fact]
    public void UptimeReached_of_an_earlier_run_changes_nothing_for_the_instance_s_newer_run()
    {
        // Run 2 armed its timer for 1111, then crashed; run 3 has been up only since 400 when that timer falls due.
        var given = TwoFailuresThenRunning();

        var then = given.When(UptimeReached(2, at: 1_111), UptimeReached(99, at: 1_112));

        Assert.Empty(then.Effects);
        Scenario.AssertUnchanged(given, then);
        Assert.Equal(2, then.Instance(0).ConsecutiveFailures);
    }

    [Fact]
    public void MinUptime_zero_ends_the_streak_as_soon_as_the_run_starts_and_arms_no_timer()
    {
        var web = Web with { MinUptime = TimeSpan.Zero };
        var given = Scenario.Given(Load(web), Started(1, at: 1), Exited(1, 1, at: 2), RetryDue("web", 0, 2, at: 102));
        Assert.Equal(1, given.Instance(0).ConsecutiveFailures);

        var then = given.When(Started(2, at: 103));

        Assert.Empty(then.Effects);
        Assert.Equal((InstanceStatus.Running, 0), (then.Instance(0).Status, then.Instance(0).ConsecutiveFailures));

        // Every failure after a start is then a first failure: the retry budget never runs out.
        var crashed = then.When(Exited(2, 1, at: 104));
        Assert.Equal<Effect>([ScheduleRetry("web", 0, 3, at: 204)], crashed.Effects);
        Assert.Equal(1, crashed.Instance(0).ConsecutiveFailures);
    }

    [Fact]
    public void Instant_failures_end_RetriesExceeded_at_try_MaxRetries_plus_1()
    {
        var state = Scenario.Given(Load(Web));
        var now = 0;
        for (var attempt = 1; attempt <= Web.MaxRetries; attempt++)
        {
            state = state.When(Started(attempt, at: now + 1), Exited(attempt, 1, at: now + 5));
            now = (int)(state.Instance(0).NextTryAt!.Value - Epoch).TotalMilliseconds;
            state = state.When(RetryDue("web", 0, attempt + 1, at: now));
        }

        var then = state.When(Started(4, at: now + 1), Exited(4, 1, at: now + 5));

        Assert.Empty(then.Effects);
        Assert.Equal(
            (InstanceStatus.RetriesExceeded, 4, 4, (DateTimeOffset?)null),
            (then.Instance(0).Status, then.Instance(0).CurrentTry, then.Instance(0).ConsecutiveFailures, then.Instance(0).NextTryAt));
    }

    [Fact]
    public void Alternating_stable_runs_and_crashes_never_exhaust_the_retry_budget()
    {
        var state = Scenario.Given(Load(Web));
        var now = 0;
        for (var run = 1L; run <= 20; run++)
        {
            state = state.When(Started(run, at: now + 1), UptimeReached(run, at: now + 1_001), Exited(run, 1, at: now + 1_500));

            Assert.Equal<Effect>([ScheduleRetry("web", 0, (int)run + 1, at: now + 1_600)], state.Effects);
            Assert.Equal((InstanceStatus.Backoff, 1), (state.Instance(0).Status, state.Instance(0).ConsecutiveFailures));
            state = state.When(RetryDue("web", 0, (int)run + 1, at: now + 1_600));
            now += 1_600;
        }

        Assert.Equal((InstanceStatus.Started, 21), (state.Instance(0).Status, state.Instance(0).CurrentTry));
    }

    [Fact]
    public void A_stable_run_in_the_middle_of_a_streak_gives_the_whole_budget_back()
    {
        // Three instant failures (streak 3 of MaxRetries 3), then try 4 is stable before it crashes: streak 1.
        var given = TwoFailuresThenRunning().When(Exited(3, 1, at: 410), RetryDue("web", 0, 4, at: 810), Started(4, at: 811));
        Assert.Equal(3, given.Instance(0).ConsecutiveFailures);
        var state = given.When(UptimeReached(4, at: 1_811), Exited(4, 1, at: 2_000));
        Assert.Equal((InstanceStatus.Backoff, 5, 1), (state.Instance(0).Status, state.Instance(0).CurrentTry, state.Instance(0).ConsecutiveFailures));

        // That crash is failure 1 of a new streak: tries 5, 6 and 7 are its three retries, and the failure of try 7
        // (the fourth in a row) exhausts the budget, three tries later than without the stable run.
        var now = 2_100;
        for (var run = 5L; run <= 7; run++)
        {
            state = state.When(RetryDue("web", 0, (int)run, at: now), Started(run, at: now + 1), Exited(run, 1, at: now + 5));
            now = state.Instance(0).NextTryAt is { } next ? (int)(next - Epoch).TotalMilliseconds : now;
        }

        Assert.Equal(
            (InstanceStatus.RetriesExceeded, 7, 4),
            (state.Instance(0).Status, state.Instance(0).CurrentTry, state.Instance(0).ConsecutiveFailures));
    }
}

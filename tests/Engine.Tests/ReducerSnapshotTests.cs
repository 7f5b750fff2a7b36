using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary>
/// Whole transitions worth reading at once, as committed snapshots (<c>__snapshots__/*.snap</c>): each message with
/// its effects, then the final state. The programs are the seed README's example.
/// </summary>
public class ReducerSnapshotTests
{
    // The example of the original README: good_sleeper runs, bad_sleeper exits 3 after a second.
    private static readonly ProgramSpec GoodSleeper = Spec("good_sleeper", instances: 2, maxRetries: 3, restartDelayMs: 100);
    private static readonly ProgramSpec BadSleeper = Spec("bad_sleeper", instances: 1, maxRetries: 2, restartDelayMs: 100);

    [Fact]
    public void Seed_example_started_and_running()
    {
        Snap.Match(StateView.Story(
            Load(GoodSleeper, BadSleeper),
            Started(1, at: 3),
            Started(2, at: 4),
            Started(3, at: 5)));
    }

    [Fact]
    public void Crasher_reaches_RetriesExceeded()
    {
        // The seed's bad_sleeper exits after a second, which the default 1 s MinUptime counts as a stable run (it would
        // be retried forever); this one crashes after half a second, so its failures add up: 100 ms, then 200 ms of
        // backoff, then no retries left. Run 1's uptime timer, delivered after the run ended, changes nothing.
        Snap.Match(StateView.Story(
            Load(BadSleeper),
            Started(1, at: 2),
            Exited(1, 3, at: 502),
            RetryDue("bad_sleeper", 0, 2, at: 602),
            Started(2, at: 604),
            UptimeReached(1, at: 1_002),
            Exited(2, 3, at: 1_104),
            RetryDue("bad_sleeper", 0, 3, at: 1_304),
            Started(3, at: 1_306),
            Exited(3, 3, at: 1_806)));
    }

    [Fact]
    public void Crash_loop_backs_off_exponentially_up_to_the_cap_then_RetriesExceeded()
    {
        // Every try fails within 5 ms (one cannot even start): the wait doubles from 100 ms and stops at the 500 ms cap.
        var crasher = Spec("crasher", maxRetries: 5, restartDelayMs: 100, restartDelayMaxMs: 500);
        Snap.Match(StateView.Story(
            "crasher",
            0,
            Load(crasher),
            Started(1, at: 1),
            Exited(1, 1, at: 5),
            RetryDue("crasher", 0, 2, at: 105),
            Started(2, at: 106),
            Exited(2, 1, at: 110),
            RetryDue("crasher", 0, 3, at: 310),
            StartFailed(3, "Text file busy: /bin/crasher", at: 311),
            RetryDue("crasher", 0, 4, at: 711),
            Started(4, at: 712),
            Exited(4, 139, at: 715),
            RetryDue("crasher", 0, 5, at: 1_215),
            Started(5, at: 1_216),
            Exited(5, 1, at: 1_220),
            RetryDue("crasher", 0, 6, at: 1_720),
            Started(6, at: 1_721),
            Exited(6, 1, at: 1_725)));
    }

    [Fact]
    public void Scale_down_pending_with_retiring_instances()
    {
        Snap.Match(StateView.Story(
            Load(GoodSleeper),
            Started(1, at: 2),
            Started(2, at: 3),
            Scale("good_sleeper", 4, request: 2, at: 100),
            Started(3, at: 102),
            Scale("good_sleeper", 1, request: 3, at: 200),
            Exited(1, 143, at: 210)));
    }

    [Fact]
    public void Shutdown_complete()
    {
        Snap.Match(StateView.Story(
            Load(GoodSleeper, BadSleeper),
            Started(1, at: 2),
            Started(2, at: 3),
            Started(3, at: 4),
            Exited(3, 3, at: 1_004),
            Shutdown(request: 2, at: 1_050),
            Exited(1, 143, at: 1_060),
            RetryDue("bad_sleeper", 0, 2, at: 1_104),
            StopTimeout(2, at: 6_050),
            Exited(2, 137, at: 6_051),
            Scale("good_sleeper", 3, request: 3, at: 7_000)));
    }

    [Fact]
    public void Rolling_restart_of_three_instances_from_request_to_reply()
    {
        // One instance at a time: each is stopped, started again at once when it has exited, and the next one is stopped
        // only once the new process has run for min_uptime_ms (the seed has no readiness check). A scale in the middle
        // is refused; the answer comes once the last new process has run that long.
        Snap.Match(StateView.ProgramStory(
            "good_sleeper",
            Load(GoodSleeper with { Instances = 3 }),
            Started(1, at: 2),
            Started(2, at: 3),
            Started(3, at: 4),
            RestartInstances("good_sleeper", null, request: 2, at: 2_000, rolling: true),
            Exited(1, 143, at: 2_010),
            Scale("good_sleeper", 5, request: 3, at: 2_015),
            Started(4, at: 2_020),
            UptimeReached(4, at: 3_020),
            Exited(2, 143, at: 3_030),
            Started(5, at: 3_040),
            UptimeReached(5, at: 4_040),
            Exited(3, 143, at: 4_050),
            Started(6, at: 4_060),
            UptimeReached(6, at: 5_060)));
    }
}

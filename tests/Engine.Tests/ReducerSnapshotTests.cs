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
        Snap.Match(StateView.Story(
            Load(BadSleeper),
            Started(1, at: 2),
            Exited(1, 3, at: 1_002),
            RetryDue("bad_sleeper", 0, 2, at: 1_102),
            Started(2, at: 1_104),
            Exited(2, 3, at: 2_104),
            RetryDue("bad_sleeper", 0, 3, at: 2_204),
            Started(3, at: 2_206),
            Exited(3, 3, at: 3_206)));
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
}

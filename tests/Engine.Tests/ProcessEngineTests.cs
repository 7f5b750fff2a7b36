using Microsoft.Extensions.Time.Testing;
using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary>
/// The engine loop with a fake launcher and a fake clock: commands, launcher events, timers and replies travel
/// through the real channel. No sleeps: tests wait on published states (with a timeout) and advance the clock.
/// </summary>
public sealed class ProcessEngineTests : IAsyncDisposable
{
    /// <summary>The seed of the engine's jitter: its n-th exit or failed start gets <c>new Random(Seed)</c>'s n-th number.</summary>
    private const int Seed = 1;

    private readonly FakeLauncher _launcher = new();
    private readonly FakeTimeProvider _time = new(Epoch);
    private readonly CancellationTokenSource _timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
    private readonly ProcessEngine _engine;

    public ProcessEngineTests()
    {
        _timeout.CancelAfter(TimeSpan.FromSeconds(5));
        _engine = new ProcessEngine(_launcher, _time, new Random(Seed));
        _engine.Start();
    }

    private CancellationToken Token => _timeout.Token;

    public async ValueTask DisposeAsync()
    {
        // Whatever a test left running goes now: the fake processes exit when signalled, so the stop completes.
        _launcher.ExitOnSignal = true;
        await _engine.StopAsync(Token);
        Assert.Empty(_launcher.AliveRuns);
        _timeout.Dispose();
    }

    [Fact]
    public async Task Load_then_scale_launches_through_the_launcher_and_replies()
    {
        var loaded = await _engine.LoadAsync([Spec("web", instances: 2)], Token);

        // Effects run in order and the reply is the last of them: the launches have happened.
        Assert.Equal(CommandResult.Ok(2), loaded);
        Assert.Equal([(1L, 0L, 1), (2L, 1L, 1)], _launcher.Launches.Select(r => (r.RunId, r.InstanceId, r.Try)));

        _launcher.Start(1, 101);
        _launcher.Start(2, 102);
        var running = await _engine.WaitForAsync(s => s.Find("web")!.Instances.All(i => i.Status is InstanceStatus.Running), Token);
        Assert.Equal([101, 102], running.Find("web")!.Instances.Select(i => i.Pid));
        Assert.Equal(Epoch, running.Find("web")!.Instances[0].StartedAt);

        var scaled = await _engine.ScaleAsync("web", 3, Token);

        Assert.Equal(CommandResult.Ok(1), scaled);
        Assert.Equal((3L, 2L, 1), _launcher.Launches.Select(r => (r.RunId, r.InstanceId, r.Try)).Last());
    }

    [Fact]
    public async Task Retry_fires_only_after_the_clock_advances_by_the_jittered_backoff_delay()
    {
        var web = Spec("web", restartDelayMs: 5_000);
        await _engine.LoadAsync([web], Token);
        _launcher.Start(1, 101);
        _launcher.Exit(1, 1);
        var waiting = await _engine.WaitForAsync(s => s.Find("web")!.Instances[0].Status is InstanceStatus.Backoff, Token);
        await Barrier(); // its timer is armed before the clock moves

        // The engine stamped the exit with its random's first number, and the delay is that jitter's.
        var delay = Backoff.Delay(web, 1, Jitters(1)[0]);
        Assert.NotEqual(web.RestartDelay, delay); // the jitter did move it, or this test could not tell
        Assert.Equal(Epoch + delay, waiting.Find("web")!.Instances[0].NextTryAt);

        _time.Advance(delay - TimeSpan.FromTicks(1));
        await Barrier();

        Assert.Single(_launcher.Launches);
        Assert.Equal(InstanceStatus.Backoff, _engine.State.Find("web")!.Instances[0].Status);
        Assert.False(_engine.State.HasLiveRuns);

        _time.Advance(TimeSpan.FromTicks(1));
        var relaunched = await _engine.WaitForAsync(s => s.Find("web")!.Instances[0].RunId == 2, Token);
        await Barrier();

        Assert.Equal((2L, 0L, 2), _launcher.Launches.Select(r => (r.RunId, r.InstanceId, r.Try)).Last());
        Assert.Null(relaunched.Find("web")!.Instances[0].NextTryAt);
    }

    [Fact]
    public async Task A_start_deferred_for_krust_pms_resources_is_tried_again_when_the_clock_reaches_its_wait()
    {
        var web = Spec("web", maxRetries: 1);
        await _engine.LoadAsync([web], Token);
        _launcher.Defer(1, "krust-pm is out of file descriptors");
        var waiting = await _engine.WaitForAsync(s => s.Find("web")!.Instances[0].Status is InstanceStatus.Backoff, Token);
        await Barrier(); // its timer is armed before the clock moves

        // About a second (the engine's jitter moves it), whatever the program's own restart delay.
        var due = waiting.Find("web")!.Instances[0].NextTryAt!.Value;
        Assert.InRange(due - Epoch, TimeSpan.FromMilliseconds(800), TimeSpan.FromMilliseconds(1_200));
        Assert.Equal(new ResourceShortage("krust-pm is out of file descriptors", Epoch, 1), waiting.ResourceShortage);

        _time.Advance(due - Epoch - TimeSpan.FromTicks(1));
        await Barrier();
        Assert.Single(_launcher.Launches);

        _time.Advance(TimeSpan.FromTicks(1));
        await _engine.WaitForAsync(s => s.Find("web")!.Instances[0].RunId == 2, Token);
        await Barrier(); // the launch has reached the launcher
        Assert.Equal((2L, 0L, 1), _launcher.Launches.Select(r => (r.RunId, r.InstanceId, r.Try)).Last()); // the same try

        _launcher.Start(2, 102);
        var running = await _engine.WaitForAsync(s => s.Find("web")!.Instances[0].Status is InstanceStatus.Running, Token);
        Assert.Null(running.ResourceShortage);
        Assert.Equal(0, running.Find("web")!.Instances[0].ConsecutiveFailures);
    }

    [Fact]
    public async Task UptimeReached_ends_the_failure_streak_once_the_clock_has_advanced_MinUptime()
    {
        var web = Spec("web", restartDelayMs: 100, minUptimeMs: 2_000);
        var jitters = Jitters(2);
        await _engine.LoadAsync([web], Token);
        _launcher.Start(1, 101);
        _launcher.Exit(1, 1);
        var waiting = await _engine.WaitForAsync(s => s.Find("web")!.Instances[0].Status is InstanceStatus.Backoff, Token);
        await Barrier(); // its timer is armed before the clock moves
        _time.Advance(waiting.Find("web")!.Instances[0].NextTryAt!.Value - _time.GetUtcNow());
        await _engine.WaitForAsync(s => s.Find("web")!.Instances[0].RunId == 2, Token);
        await Barrier(); // the launch has reached the launcher
        _launcher.Start(2, 102);
        var running = await _engine.WaitForAsync(s => s.Find("web")!.Instances[0].Status is InstanceStatus.Running, Token);
        await Barrier(); // its timer is armed before the clock moves
        Assert.Equal(1, running.Find("web")!.Instances[0].ConsecutiveFailures);

        _time.Advance(TimeSpan.FromMilliseconds(2_000) - TimeSpan.FromTicks(1));
        await Barrier();
        Assert.Equal(1, _engine.State.Find("web")!.Instances[0].ConsecutiveFailures);

        _time.Advance(TimeSpan.FromTicks(1));
        await _engine.WaitForAsync(s => s.Find("web")!.Instances[0].ConsecutiveFailures == 0, Token);

        // The next crash is a first failure again: the first delay, not the doubled one.
        var crashedAt = _time.GetUtcNow();
        _launcher.Exit(2, 1);
        var again = await _engine.WaitForAsync(s => s.Find("web")!.Instances[0].Status is InstanceStatus.Backoff, Token);
        var instance = again.Find("web")!.Instances[0];
        Assert.Equal((1, crashedAt + Backoff.Delay(web, 1, jitters[1])), (instance.ConsecutiveFailures, instance.NextTryAt));
    }

    [Fact]
    public async Task Scale_down_replies_only_after_the_process_has_exited()
    {
        await _engine.LoadAsync([Spec("web", instances: 2)], Token);
        _launcher.Start(1, 101);
        _launcher.Start(2, 102);

        var scaling = _engine.ScaleAsync("web", 1, Token);
        await _engine.WaitForAsync(s => s.Find("web")!.Retiring.Length == 1, Token);
        await Barrier();

        Assert.False(scaling.IsCompleted);
        Assert.Equal([(1L, Signals.Terminate)], _launcher.Signals);

        _launcher.Exit(1, 128 + Signals.Terminate);

        Assert.Equal(CommandResult.Ok(1), await scaling);
        var state = _engine.State;
        Assert.Empty(state.Find("web")!.Retiring);
        Assert.Equal([1L], state.Find("web")!.Instances.Select(i => i.Id));
    }

    [Fact]
    public async Task StopAsync_stops_every_process_and_completes_once_they_have_exited()
    {
        await _engine.LoadAsync([Spec("web", instances: 2), Spec("worker")], Token);
        foreach (var run in new long[] { 1, 2, 3 })
        {
            _launcher.Start(run, 100 + (int)run);
        }

        var stopping = _engine.StopAsync(Token);
        await _engine.WaitForAsync(s => s.ShuttingDown, Token);
        var refused = await _engine.ScaleAsync("web", 5, Token);

        Assert.Equal(RejectionKind.Conflict, refused.Rejection);
        Assert.False(stopping.IsCompleted);
        Assert.Equal([(1L, Signals.Terminate), (2L, Signals.Terminate), (3L, Signals.Terminate)], _launcher.Signals);

        foreach (var run in new long[] { 1, 2, 3 })
        {
            _launcher.Exit(run, 128 + Signals.Terminate);
        }

        await stopping;

        Assert.True(_engine.Completion.IsCompletedSuccessfully);
        Assert.All(_engine.State.Programs.SelectMany(p => p.Instances), i => Assert.Equal(InstanceStatus.Stopped, i.Status));
        Assert.False(_engine.State.HasLiveRuns);
        Assert.Equal(3, _launcher.Launches.Count); // nothing was launched again
    }

    [Fact]
    public async Task StopAsync_kills_a_process_that_ignores_the_stop_signal_once_the_stop_timeout_has_passed()
    {
        await _engine.LoadAsync([Spec("web", stopTimeoutMs: 10_000)], Token);
        _launcher.Start(1, 101);

        var stopping = _engine.StopAsync(Token);
        await _engine.WaitForAsync(s => s.ShuttingDown, Token);
        await Barrier(); // its timer is armed before the clock moves
        _time.Advance(TimeSpan.FromMilliseconds(9_999));
        await Barrier();

        Assert.Equal([(1L, Signals.Terminate)], _launcher.Signals);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        await _launcher.SignalledAsync(1, Signals.Kill, Token);
        _launcher.Exit(1, 128 + Signals.Kill);
        await stopping;

        Assert.Equal(137, _engine.State.Find("web")!.Instances[0].LastExitCode);
    }

    [Fact]
    public async Task A_launcher_that_throws_is_reported_as_a_failed_start()
    {
        _launcher.ThrowOnLaunch = "exec format error";

        await _engine.LoadAsync([Spec("web", maxRetries: 1, restartDelayMs: 0)], Token);
        var failed = await _engine.WaitForAsync(s => s.Find("web")!.Instances[0].Status is InstanceStatus.RetriesExceeded, Token);

        var instance = failed.Find("web")!.Instances[0];
        Assert.Equal((2, "exec format error"), (instance.CurrentTry, instance.LastError));
        Assert.Empty(_launcher.Launches);
    }

    [Fact]
    public async Task A_failed_start_backs_off_with_the_engine_s_jitter_instead_of_relaunching_at_once()
    {
        _launcher.ThrowOnLaunch = "exec format error";
        var web = Spec("web", restartDelayMs: 5_000);

        await _engine.LoadAsync([web], Token);
        var waiting = await _engine.WaitForAsync(s => s.Find("web")!.Instances[0].Status is InstanceStatus.Backoff, Token);

        var instance = waiting.Find("web")!.Instances[0];
        Assert.Equal((2, "exec format error", Epoch + Backoff.Delay(web, 1, Jitters(1)[0])), (instance.CurrentTry, instance.LastError, instance.NextTryAt));
        Assert.False(waiting.HasLiveRuns);
    }

    /// <summary>The jitters the engine stamps on its first <paramref name="count"/> exits and failed starts.</summary>
    private static double[] Jitters(int count)
    {
        var random = new Random(Seed);
        return [.. Enumerable.Range(0, count).Select(_ => random.NextDouble())];
    }

    /// <summary>
    /// Round-trips a command that changes nothing. The channel is FIFO, so once it is answered every message posted
    /// before it (a timer that fired, a launcher event) has been applied and its effects carried out.
    /// </summary>
    private async Task Barrier()
    {
        if (_engine.State.ShuttingDown)
        {
            await _engine.ScaleAsync("web", 0, Token); // refused, but still answered in order
            return;
        }

        var count = _engine.State.Find("web")!.Instances.Length;
        Assert.Equal(CommandResult.Ok(0), await _engine.ScaleAsync("web", count, Token));
    }
}

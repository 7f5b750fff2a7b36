using Microsoft.Extensions.Time.Testing;
using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary>
/// The control commands through the engine loop (fake launcher, fake clock): their answers wait for the launcher's
/// reports, and a loop that cannot keep up refuses commands as busy instead of queueing without end.
/// </summary>
public sealed class ProcessEngineControlTests : IAsyncDisposable
{
    private readonly FakeLauncher _launcher = new();
    private readonly FakeTimeProvider _time = new(Epoch);
    private readonly CancellationTokenSource _timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
    private readonly ProcessEngine _engine;

    public ProcessEngineControlTests()
    {
        _timeout.CancelAfter(TimeSpan.FromSeconds(5));
        _engine = new ProcessEngine(_launcher, _time, new Random(1));
        _engine.Start();
    }

    private CancellationToken Token => _timeout.Token;

    public async ValueTask DisposeAsync()
    {
        _launcher.ReleaseLaunches();
        _launcher.ExitOnSignal = true;
        await _engine.StopAsync(Token);
        Assert.Empty(_launcher.AliveRuns);
        _timeout.Dispose();
    }

    [Fact]
    public async Task Rolling_restart_stops_the_next_process_only_once_the_new_one_has_run_min_uptime_and_answers_with_the_last()
    {
        await _engine.LoadAsync([Spec("web", instances: 3)], Token);
        foreach (var run in new long[] { 1, 2, 3 })
        {
            _launcher.Start(run, 100 + (int)run);
        }

        await _engine.WaitForAsync(s => s.Find("web")!.Instances.All(i => i.Status is InstanceStatus.Running), Token);

        var restarting = _engine.RestartInstancesAsync("web", rolling: true, cancellationToken: Token);

        foreach (var (old, fresh, instance) in new[] { (1L, 4L, 0L), (2L, 5L, 1L), (3L, 6L, 2L) })
        {
            await _launcher.SignalledAsync(old, Signals.Terminate, Token);
            _launcher.Exit(old, 128 + Signals.Terminate);
            await _engine.WaitForAsync(s => s.Find("web")!.Instances[(int)instance].RunId == fresh, Token);
            Assert.Equal(RejectionKind.Conflict, (await _engine.ScaleAsync("web", 1, Token)).Rejection); // and a barrier

            // The new process is launched, not yet running: the next instance is left alone, the answer waits.
            Assert.Equal((fresh, instance, 2), _launcher.Launches.Select(r => (r.RunId, r.InstanceId, r.Try)).Last());
            Assert.Equal((int)old, _launcher.Signals.Count);
            Assert.False(restarting.IsCompleted);

            // Running is not enough: the next one waits until the new process has run min_uptime_ms (1 s, fake time).
            _launcher.Start(fresh, 100 + (int)fresh);
            await _engine.WaitForAsync(s => s.Find("web")!.Instances[(int)instance].Status is InstanceStatus.Running, Token);
            Assert.Equal(RejectionKind.Conflict, (await _engine.ScaleAsync("web", 1, Token)).Rejection);
            Assert.Equal((int)old, _launcher.Signals.Count);
            Assert.False(restarting.IsCompleted);
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(CommandResult.Ok(3), await restarting);
        var state = _engine.State.Find("web")!;
        Assert.Null(state.Rolling);
        Assert.Equal(
            [(4L, InstanceStatus.Running, 2), (5L, InstanceStatus.Running, 2), (6L, InstanceStatus.Running, 2)],
            state.Instances.Select(i => (i.RunId!.Value, i.Status, i.CurrentTry)));
        Assert.Equal([(1L, Signals.Terminate), (2L, Signals.Terminate), (3L, Signals.Terminate)], _launcher.Signals);
    }

    [Fact]
    public async Task Stop_start_signal_and_remove_answer_once_the_launcher_has_reported_what_they_wait_for()
    {
        await _engine.LoadAsync([Spec("web", instances: 2)], Token);
        _launcher.Start(1, 101);
        _launcher.Start(2, 102);

        var stopping = _engine.StopInstancesAsync("web", 0, Token);
        await _launcher.SignalledAsync(1, Signals.Terminate, Token);
        await Barrier();
        Assert.False(stopping.IsCompleted);
        _launcher.Exit(1, 128 + Signals.Terminate);
        Assert.Equal(CommandResult.Ok(1), await stopping);
        Assert.Equal(InstanceStatus.Stopped, _engine.State.Find("web")!.Instances[0].Status);

        Assert.Equal(CommandResult.Ok(1), await _engine.StartInstancesAsync("web", cancellationToken: Token));
        Assert.Equal((3L, 0L, 2), _launcher.Launches.Select(r => (r.RunId, r.InstanceId, r.Try)).Last());

        Assert.Equal(CommandResult.Ok(2), await _engine.SignalAsync("web", Signals.User1, cancellationToken: Token));
        Assert.Equal([(3L, Signals.User1), (2L, Signals.User1)], _launcher.Signals.Skip(1));

        var removing = _engine.RemoveInstanceAsync("web", 1, Token);
        await _launcher.SignalledAsync(2, Signals.Terminate, Token);
        _launcher.Exit(2, 128 + Signals.Terminate);
        Assert.Equal(CommandResult.Ok(1), await removing);
        var web = _engine.State.Find("web")!;
        Assert.Equal([0L], web.Instances.Select(i => i.Id));
        Assert.Empty(web.Retiring);
    }

    [Fact]
    public async Task Commands_beyond_the_queue_limit_are_refused_Busy_and_every_other_command_is_answered()
    {
        var (loading, commands) = await FillTheQueueAsync(extra: 100);

        // The loop is stuck in a launch: exactly the commands past the limit were answered at once, all of them Busy.
        var busy = commands.Where(c => c.IsCompleted).ToList();
        Assert.Equal(100, busy.Count);
        Assert.All(busy, c => Assert.Equal(RejectionKind.Busy, c.Result.Rejection));
        Assert.True(commands.Take(ProcessEngine.MaxQueuedCommands).All(c => !c.IsCompleted));

        // Events are never refused: the launcher reports the start while the queue is full.
        _launcher.Start(1, 101);
        _launcher.ReleaseLaunches();

        Assert.Equal(CommandResult.Ok(1), await loading);
        var answers = await Task.WhenAll(commands.Take(ProcessEngine.MaxQueuedCommands));
        Assert.All(answers, a => Assert.Equal(CommandResult.Ok(0), a));
        var state = await _engine.WaitForAsync(s => s.Find("web")!.Instances[0].Status is InstanceStatus.Running, Token);
        Assert.Equal(101, state.Find("web")!.Instances[0].Pid);

        // Once the queue has drained, commands are accepted again.
        Assert.Equal(CommandResult.Ok(0), await _engine.StartInstancesAsync("web", cancellationToken: Token));
    }

    [Fact]
    public async Task Shutdown_is_never_refused_Busy()
    {
        var (loading, commands) = await FillTheQueueAsync(extra: 1);
        Assert.Equal(RejectionKind.Busy, (await commands[^1]).Rejection);

        _launcher.ExitOnSignal = true;
        var stopping = _engine.StopAsync(Token);
        Assert.False(stopping.IsCompleted);

        _launcher.ReleaseLaunches();
        await stopping;

        Assert.Equal(CommandResult.Ok(1), await loading);
        Assert.All(await Task.WhenAll(commands.SkipLast(1)), a => Assert.Equal(CommandResult.Ok(0), a));
        Assert.True(_engine.State.ShuttingDown);
        Assert.Equal(InstanceStatus.Stopped, _engine.State.Find("web")!.Instances[0].Status);
    }

    /// <summary>
    /// Loads one instance whose launch blocks the engine loop, then sends <see cref="ProcessEngine.MaxQueuedCommands"/>
    /// + <paramref name="extra"/> start commands (which change nothing: the instance is live).
    /// </summary>
    private async Task<(Task<CommandResult> Loading, List<Task<CommandResult>> Commands)> FillTheQueueAsync(int extra)
    {
        _launcher.HoldLaunches();
        var loading = _engine.LoadAsync([Spec("web")], Token);
        await _launcher.LaunchHeldAsync(Token);

        var commands = Enumerable.Range(0, ProcessEngine.MaxQueuedCommands + extra)
            .Select(_ => _engine.StartInstancesAsync("web", cancellationToken: Token))
            .ToList();
        return (loading, commands);
    }

    /// <summary>A command that changes nothing, answered in order: everything posted before it has been applied.</summary>
    private async Task Barrier() => Assert.Equal(RejectionKind.NotFound, (await _engine.ScaleAsync("ghost", 0, Token)).Rejection);
}

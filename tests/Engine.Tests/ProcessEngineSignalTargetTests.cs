using Microsoft.Extensions.Time.Testing;
using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary>
/// <see cref="ProgramSpec.StopSignalTarget"/> through the engine loop (fake launcher, fake clock): the stop signal
/// and the signal command reach the main process only when the program says so, a command may choose for itself,
/// and the SIGKILL after the stop timeout always reaches the whole group.
/// </summary>
public sealed class ProcessEngineSignalTargetTests : IAsyncDisposable
{
    private readonly FakeLauncher _launcher = new();
    private readonly FakeTimeProvider _time = new(Epoch);
    private readonly CancellationTokenSource _timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
    private readonly ProcessEngine _engine;

    public ProcessEngineSignalTargetTests()
    {
        _timeout.CancelAfter(TimeSpan.FromSeconds(5));
        _engine = new ProcessEngine(_launcher, _time, new Random(1));
        _engine.Start();
    }

    private CancellationToken Token => _timeout.Token;

    public async ValueTask DisposeAsync()
    {
        _launcher.ExitOnSignal = true;
        await _engine.StopAsync(Token);
        Assert.Empty(_launcher.AliveRuns);
        _timeout.Dispose();
    }

    [Fact]
    public async Task With_target_main_the_stop_signal_goes_to_the_main_process_and_the_SIGKILL_after_the_timeout_to_the_group()
    {
        await _engine.LoadAsync([Spec("web", stopTimeoutMs: 2_000) with { StopSignalTarget = SignalTarget.Main }], Token);
        _launcher.Start(1, 101);
        await _engine.WaitForAsync(s => s.Find("web")!.Instances[0].Status is InstanceStatus.Running, Token);

        var stopping = _engine.StopInstancesAsync("web", 0, Token);
        await _launcher.SignalledAsync(1, Signals.Terminate, Token);
        _time.Advance(TimeSpan.FromMilliseconds(2_000));
        await _launcher.SignalledAsync(1, Signals.Kill, Token);
        _launcher.Exit(1, 128 + Signals.Kill);
        Assert.Equal(CommandResult.Ok(1), await stopping);

        Assert.Equal([(1L, Signals.Terminate), (1L, Signals.Kill)], _launcher.Signals);
        Assert.Equal([SignalTarget.Main, SignalTarget.Group], _launcher.SignalTargets);
    }

    [Fact]
    public async Task The_signal_command_follows_the_program_target_unless_it_names_its_own()
    {
        await _engine.LoadAsync([Spec("web") with { StopSignalTarget = SignalTarget.Main }, Spec("api")], Token);
        _launcher.Start(1, 101);
        _launcher.Start(2, 102);
        await _engine.WaitForAsync(s => s.Programs.All(p => p.Instances[0].Status is InstanceStatus.Running), Token);

        Assert.Equal(CommandResult.Ok(1), await _engine.SignalAsync("web", Signals.Hangup, cancellationToken: Token));
        Assert.Equal(CommandResult.Ok(1), await _engine.SignalAsync("web", Signals.User1, target: SignalTarget.Group, cancellationToken: Token));
        Assert.Equal(CommandResult.Ok(1), await _engine.SignalAsync("api", Signals.Hangup, cancellationToken: Token));
        Assert.Equal(CommandResult.Ok(1), await _engine.SignalAsync("api", Signals.User1, target: SignalTarget.Main, cancellationToken: Token));

        Assert.Equal([(1L, Signals.Hangup), (1L, Signals.User1), (2L, Signals.Hangup), (2L, Signals.User1)], _launcher.Signals);
        Assert.Equal([SignalTarget.Main, SignalTarget.Group, SignalTarget.Group, SignalTarget.Main], _launcher.SignalTargets);
    }
}

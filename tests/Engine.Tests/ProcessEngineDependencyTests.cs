using KrustPm.Engine.Health;
using Microsoft.Extensions.Time.Testing;
using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary>
/// Dependencies and probes through the engine loop: a fake launcher, a fake clock and a fake probe runner, so the
/// probe timers, the probes and their results travel through the real channel. No sleeps.
/// </summary>
public sealed class ProcessEngineDependencyTests : IAsyncDisposable
{
    private readonly FakeLauncher _launcher = new();
    private readonly FakeProbeRunner _probes = new();
    private readonly FakeTimeProvider _time = new(Epoch);
    private readonly CancellationTokenSource _timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
    private readonly ProcessEngine _engine;

    public ProcessEngineDependencyTests()
    {
        _timeout.CancelAfter(TimeSpan.FromSeconds(5));
        _engine = new ProcessEngine(_launcher, _time, new Random(1), _probes);
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
    public async Task A_dependent_starts_only_after_its_dependency_s_readiness_probe_passes()
    {
        var db = Spec("db") with { Readiness = Probe(periodMs: 1_000, failureThreshold: 3, initialDelayMs: 500) };
        var web = Spec("web").DependingOn(("db", DependencyCondition.Healthy));

        Assert.Equal(CommandResult.Ok(2), await _engine.LoadAsync([db, web], Token));
        Assert.Equal([(1L, "db")], _launcher.Launches.Select(r => (r.RunId, r.Program.Name)));
        Assert.Equal(["db (healthy)"], _engine.State.Find("web")!.Instances[0].WaitingFor);

        _launcher.Start(1, 101);
        await _engine.WaitForAsync(s => s.Find("db")!.Instances[0].Status is InstanceStatus.Running, Token);
        await Barrier(); // the probe timer is armed before the clock moves

        // Not before the initial delay.
        _time.Advance(TimeSpan.FromMilliseconds(499));
        await Barrier();
        Assert.Empty(_probes.Requests);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        var first = await _probes.RequestedAsync(1, Token);
        Assert.Equal(new ProbeRequest(1, "db", 0, ProbeKind.Readiness, db.Readiness!) { Spec = db }, first);

        _probes.Report(first, passed: false, "exit code 2: no response", _time.GetUtcNow());
        await _engine.WaitForAsync(s => s.Find("db")!.Instances[0].ReadinessFailures == 1, Token);
        await Barrier();
        Assert.Single(_launcher.Launches);
        Assert.Equal(InstanceStatus.Waiting, _engine.State.Find("web")!.Instances[0].Status);

        // The next probe comes a period after the last result.
        _time.Advance(TimeSpan.FromMilliseconds(1_000));
        var second = await _probes.RequestedAsync(2, Token);
        _probes.Report(second, passed: true, "exit code 0", _time.GetUtcNow());

        var ready = await _engine.WaitForAsync(s => s.Find("web")!.Instances[0].Status is InstanceStatus.Started, Token);
        Assert.True(ready.Find("db")!.Instances[0].Ready);
        await Barrier(); // the launch has reached the launcher
        Assert.Equal([(1L, "db"), (2L, "web")], _launcher.Launches.Select(r => (r.RunId, r.Program.Name)));
    }

    [Fact]
    public async Task StopAsync_stops_the_dependent_before_its_dependency()
    {
        await _engine.LoadAsync([Spec("db"), Spec("web").DependingOn(("db", DependencyCondition.Started))], Token);
        _launcher.Start(1, 101);
        await _engine.WaitForAsync(s => s.Find("web")!.Instances[0].IsLive, Token);
        await Barrier();
        _launcher.Start(2, 102);

        var stopping = _engine.StopAsync(Token);
        await _launcher.SignalledAsync(2, Signals.Terminate, Token);
        await _engine.WaitForAsync(s => s.ShuttingDown, Token);
        Assert.Equal([(2L, Signals.Terminate)], _launcher.Signals);

        _launcher.Exit(2, 128 + Signals.Terminate);
        await _launcher.SignalledAsync(1, Signals.Terminate, Token);
        _launcher.Exit(1, 128 + Signals.Terminate);
        await stopping;

        Assert.Equal([(2L, Signals.Terminate), (1L, Signals.Terminate)], _launcher.Signals);
    }

    /// <summary>A command that changes nothing: once answered, every message posted before it has been applied.</summary>
    private async Task Barrier()
    {
        if (_engine.State.ShuttingDown)
        {
            return;
        }

        var count = _engine.State.Find("db")!.Instances.Length;
        Assert.Equal(CommandResult.Ok(0), await _engine.ScaleAsync("db", count, Token));
    }
}

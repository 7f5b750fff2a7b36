using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary>
/// An <see cref="ProcessEngine.Applied"/> handler that throws (an embedder's bug) does not stop the engine: the
/// exception is reported through <see cref="ProcessEngine.AppliedHandlerFailed"/>, the other handlers still see every
/// message, and commands keep being applied and answered.
/// </summary>
public sealed class ProcessEngineHandlerFailureTests : IAsyncDisposable
{
    private readonly FakeLauncher _launcher = new() { ExitOnSignal = true };
    private readonly CancellationTokenSource _timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
    private readonly ProcessEngine _engine;

    public ProcessEngineHandlerFailureTests()
    {
        _timeout.CancelAfter(TimeSpan.FromSeconds(20));
        _engine = new ProcessEngine(_launcher, new FakeTimeProvider(Epoch), new Random(1));
    }

    private CancellationToken Token => _timeout.Token;

    public async ValueTask DisposeAsync()
    {
        await _engine.StopAsync(Token);
        _timeout.Dispose();
    }

    [Fact]
    public async Task A_throwing_handler_is_reported_and_the_loop_and_the_other_handlers_go_on()
    {
        var failures = new ConcurrentQueue<(AppliedMessage Applied, Exception Error)>();
        var seen = new ConcurrentQueue<Message>();
        _engine.Applied += _ => throw new InvalidOperationException("the embedder's bug");
        _engine.Applied += applied => seen.Enqueue(applied.Message);
        _engine.AppliedHandlerFailed += (applied, error) => failures.Enqueue((applied, error));
        _engine.Start();

        var loaded = await _engine.LoadAsync([Spec("web")], Token);
        _launcher.Start(1, Pid(1));
        await _engine.WaitForAsync(s => s.Find("web")!.Instances[0].Status == InstanceStatus.Running, Token);
        var scaled = await _engine.ScaleAsync("web", 2, Token);

        Assert.True(loaded.Accepted);
        Assert.True(scaled.Accepted);
        Assert.False(_engine.Completion.IsCompleted);
        Assert.Equal(3, seen.Count);
        Assert.Equal(seen, failures.Select(f => f.Applied.Message));
        Assert.All(failures, f => Assert.Equal("the embedder's bug", f.Error.Message));
    }

    [Fact]
    public async Task A_throwing_handler_with_nobody_told_still_leaves_the_loop_running()
    {
        _engine.Applied += _ => throw new InvalidOperationException("unheard");
        _engine.Start();

        var loaded = await _engine.LoadAsync([Spec("web")], Token);
        var scaled = await _engine.ScaleAsync("web", 3, Token);

        Assert.True(loaded.Accepted);
        Assert.True(scaled.Accepted);
        Assert.Equal(3, _engine.State.Find("web")!.Instances.Length);
        Assert.False(_engine.Completion.IsCompleted);
    }

    [Fact]
    public async Task A_failure_report_handler_that_throws_itself_is_ignored()
    {
        _engine.Applied += _ => throw new InvalidOperationException("first");
        _engine.AppliedHandlerFailed += (_, _) => throw new InvalidOperationException("second");
        _engine.Start();

        var loaded = await _engine.LoadAsync([Spec("web")], Token);
        var scaled = await _engine.ScaleAsync("web", 2, Token);

        Assert.True(loaded.Accepted);
        Assert.True(scaled.Accepted);
        Assert.False(_engine.Completion.IsCompleted);
    }
}

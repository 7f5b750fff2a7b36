using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;
using static KrustPm.Engine.Tests.Given;

namespace KrustPm.Engine.Tests;

/// <summary>
/// <see cref="ProcessEngine.Applied"/>: raised for every message, in order, with the events it led to (their ids
/// following one another across messages), once the state is published; a burst is published in batches.
/// </summary>
public sealed class ProcessEngineAppliedTests : IAsyncDisposable
{
    private const int Instances = 2_000;

    private readonly FakeLauncher _launcher = new();
    private readonly CancellationTokenSource _timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
    private readonly ProcessEngine _engine;

    public ProcessEngineAppliedTests()
    {
        _timeout.CancelAfter(TimeSpan.FromSeconds(20));
        _engine = new ProcessEngine(_launcher, new FakeTimeProvider(Epoch), new Random(1));
    }

    private CancellationToken Token => _timeout.Token;

    public async ValueTask DisposeAsync()
    {
        _launcher.ReleaseLaunches();
        _launcher.ExitOnSignal = true;
        await _engine.StopAsync(Token);
        _timeout.Dispose();
    }

    [Fact]
    public async Task A_burst_is_raised_in_order_with_consecutive_event_ids_after_publishing_in_bounded_batches()
    {
        var seen = new ConcurrentQueue<(AppliedMessage Applied, long Published)>();
        var allStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0;
        _engine.Applied += applied =>
        {
            seen.Enqueue((applied, _engine.State.Version));
            if (applied.Message is Message.Started && ++started == Instances)
            {
                allStarted.TrySetResult();
            }
        };
        _engine.Start();
        await _engine.LoadAsync([Spec("web", instances: Instances, maxInstances: Instances + 1, minUptimeMs: 0)], Token);

        // The loop waits in a launch while every Started is queued: then it finds the whole burst at once.
        _launcher.HoldLaunches();
        var scaling = _engine.ScaleAsync("web", Instances + 1, Token);
        await _launcher.LaunchHeldAsync(Token);
        for (var run = 1L; run <= Instances; run++)
        {
            _launcher.Start(run, Pid(run));
        }

        _launcher.ReleaseLaunches();
        await scaling;
        await allStarted.Task.WaitAsync(Token);

        var all = seen.ToList();
        Assert.Equal(Enumerable.Range(1, all.Count).Select(v => (long)v), all.Select(s => s.Applied.Version));
        var ids = all.SelectMany(s => s.Applied.Events.Select((_, index) => s.Applied.IdOf(index))).ToList();
        Assert.Equal(Enumerable.Range(1, ids.Count).Select(v => (long)v), ids);
        Assert.Equal(_engine.State.LastEventId, ids[^1]);
        Assert.All(all, s => Assert.True(s.Published >= s.Applied.Version, "raised before its state was published"));
        var burst = all.Where(s => s.Applied.Message is Message.Started).GroupBy(s => s.Published).Select(batch => batch.Count()).ToList();
        Assert.Equal(Instances, burst.Sum());
        Assert.True(burst.Max() <= 1_024, $"the burst was published in batches of {string.Join(", ", burst)} messages");
    }
}

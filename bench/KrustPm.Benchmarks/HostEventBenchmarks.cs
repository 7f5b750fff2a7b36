using BenchmarkDotNet.Attributes;
using KrustPm.Engine;
using KrustPm.Host.Events;
using KrustPm.Host.Hosting;
using Microsoft.Extensions.Logging;

namespace KrustPm.Benchmarks;

/// <summary>
/// What the host adds to every applied message: the engine calls its <see cref="ProcessEngine.Applied"/> handlers
/// on the loop, after each batch, once per message, with the events the message led to. The event feed
/// (<c>GET /api/v1/events</c>; it maps events whether or not anyone reads them) and the lifecycle log (with a logger that is enabled and discards, so
/// formatting and console output are not counted).
/// </summary>
public class HostEventBenchmarks
{
    private readonly EngineEventLog _log = new(new DiscardLogger());
    private readonly EventFeed _feed = new(JournalSetup.None); // its history is bounded: every call pays the same
    private AppliedMessage _exited = null!;
    private AppliedMessage _restarted = null!;
    private AppliedMessage _scaleUp = null!;
    private AppliedMessage _shutdown = null!;

    [Params(10, 1_000, 10_000)]
    public int Instances { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var running = Fixtures.Running(Fixtures.Spec(Instances));
        var at = Fixtures.Epoch.AddSeconds(2);
        var last = running.Programs[0].Instances[^1];
        _exited = Apply(running, new Message.Exited(last.RunId!.Value, 1, at));
        _restarted = Apply(Decider.Reduce(running, _exited.Message).State, new Message.Started(running.NextRunId, Fixtures.Pid(running.NextRunId), at));
        _scaleUp = Apply(running, new Message.Scale(Fixtures.ProgramName, Instances + 1, 2, at));
        _shutdown = Apply(running, new Message.Shutdown(3, at));
    }

    [Benchmark(Baseline = true)]
    public void FeedExitedThenRestarted()
    {
        _feed.OnApplied(_exited);
        _feed.OnApplied(_restarted);
    }

    [Benchmark]
    public void LogExitedThenRestarted()
    {
        _log.OnApplied(_exited);
        _log.OnApplied(_restarted);
    }

    [Benchmark]
    public void FeedScaleUpByOne() => _feed.OnApplied(_scaleUp);

    [Benchmark]
    public void LogScaleUpByOne() => _log.OnApplied(_scaleUp);

    /// <summary>Both handlers on the shutdown message (every instance is asked to stop).</summary>
    [Benchmark]
    public void FeedAndLogShutdown()
    {
        _feed.OnApplied(_shutdown);
        _log.OnApplied(_shutdown);
    }

    private static AppliedMessage Apply(EngineState before, Message message)
    {
        var decision = Decider.Decide(before, message);
        return new AppliedMessage(message, decision.Events, decision.State.Version, before.LastEventId + 1);
    }

    /// <summary>Enabled for every level (so the handler does all its work), writes nothing.</summary>
    private sealed class DiscardLogger : ILogger<EngineEventLog>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
        }
    }
}

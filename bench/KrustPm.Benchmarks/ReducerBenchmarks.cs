using BenchmarkDotNet.Attributes;
using KrustPm.Engine;

namespace KrustPm.Benchmarks;

/// <summary>
/// <see cref="Decider.Reduce"/> alone, on a prebuilt state of one program whose instances all run: the cost of one
/// message, with nothing else (no channel, no threads, no host).
/// </summary>
public class ReducerBenchmarks
{
    private EngineState _running = EngineState.Empty;
    private Message.Load _load = null!;
    private Message.Exited _exited = null!;
    private Message.Started _restarted = null!;
    private Message.Scale _scaleUp = null!;

    [Params(10, 1_000, 10_000)]
    public int Instances { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var spec = Fixtures.Spec(Instances);
        _load = Fixtures.Load(spec);
        _running = Fixtures.Running(spec);

        // The last instance: a run is looked up by scanning the instances, so this is the worst case of that scan.
        var last = _running.Programs[0].Instances[^1];
        var at = Fixtures.Epoch.AddSeconds(2);
        _exited = new Message.Exited(last.RunId!.Value, ExitCode: 1, at);
        _restarted = new Message.Started(_running.NextRunId, Fixtures.Pid(_running.NextRunId), at); // the relaunch's run
        _scaleUp = new Message.Scale(Fixtures.ProgramName, Instances + 1, RequestId: 2, at);

        var afterExit = Decider.Reduce(_running, _exited).State;
        var restarted = Decider.Reduce(afterExit, _restarted).State.Programs[0].Instances[^1];
        if (restarted is not { Status: InstanceStatus.Running, CurrentTry: 2 })
        {
            throw new InvalidOperationException($"The exit did not lead to a running restart: {restarted}.");
        }
    }

    /// <summary>One instance exits (code 1) and is relaunched at once; then its new run reports Started.</summary>
    [Benchmark(Baseline = true)]
    public EngineState ExitedThenRestarted()
    {
        var afterExit = Decider.Reduce(_running, _exited).State;
        return Decider.Reduce(afterExit, _restarted).State;
    }

    /// <summary>Scale by +1: one more instance, launched.</summary>
    [Benchmark]
    public EngineState ScaleUpByOne() => Decider.Reduce(_running, _scaleUp).State;

    /// <summary>
    /// A whole cold start: Load of N instances, then N Started. Not one message but N + 1: a per-message cost that
    /// grows with N makes this grow as N².
    /// </summary>
    [Benchmark]
    public EngineState LoadThenStartAll()
    {
        var state = Decider.Reduce(EngineState.Empty, _load).State;
        foreach (var started in Fixtures.StartedOfEach(state))
        {
            state = Decider.Reduce(state, started).State;
        }

        return state;
    }
}

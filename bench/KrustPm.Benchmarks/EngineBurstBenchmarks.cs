using System.Diagnostics.CodeAnalysis;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using KrustPm.Engine;

namespace KrustPm.Benchmarks;

/// <summary>
/// The running <see cref="ProcessEngine"/> (channel, loop, batching, publishing) with the
/// <see cref="InstantLauncher"/>: a burst of N Exited events, one per instance, enqueued at once; done when the state
/// shows every one applied, each instance relaunched and Started again (2N messages). Its Mean is the whole burst;
/// the Exited/s column divides N by it.
/// </summary>
[Config(typeof(Columns))]
[SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet ends it in [GlobalCleanup], not Dispose.")]
public class EngineBurstBenchmarks
{
    private InstantLauncher _launcher = null!;
    private ProcessEngine _engine = null!;

    [Params(10, 1_000, 10_000)]
    public int Instances { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _launcher = new InstantLauncher(Instances);
        _engine = new ProcessEngine(_launcher);
        _engine.Start();

        // No minimum uptime: a Started then arms no timer, so the burst applies exactly 2N messages and nothing else.
        var spec = Fixtures.Spec(Instances) with { MinUptime = TimeSpan.Zero };
        var result = _engine.LoadAsync([spec]).GetAwaiter().GetResult();
        if (!result.Accepted)
        {
            throw new InvalidOperationException($"The engine refused the program: {result.Reason}");
        }

        _engine.WaitForAsync(s => s.Programs[0].Instances.All(i => i.Status == InstanceStatus.Running)).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _engine.StopAsync().GetAwaiter().GetResult();

    [Benchmark]
    public async Task<long> BurstOfExited()
    {
        var applied = _engine.State.Version + (2L * Instances);
        _launcher.ExitAll();
        var state = await _engine.WaitForAsync(s => s.Version >= applied).ConfigureAwait(false);
        return state.Version;
    }

    private sealed class Columns : ManualConfig
    {
        public Columns() => AddColumn(new PerSecondColumn("Exited/s", "Exited events applied per second: Instances / Mean (each with its relaunch and its Started)"));
    }
}

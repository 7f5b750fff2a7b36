using System.Diagnostics.CodeAnalysis;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using KrustPm.Engine;
using KrustPm.Engine.Journal;

namespace KrustPm.Benchmarks;

/// <summary>
/// The running <see cref="ProcessEngine"/> (channel, loop, batching, publishing) with the
/// <see cref="InstantLauncher"/>: a burst of N Exited events, one per instance, enqueued at once; done when the state
/// shows every one applied, each instance relaunched and Started again (2N messages). Its Mean is the whole burst;
/// the Exited/s column divides N by it. With <see cref="Journal"/>, every batch is first written to a
/// <see cref="FileJournal"/> (as krust-pm does by default, without fsync), so the two rows show what the journal costs.
/// </summary>
[Config(typeof(Columns))]
[SuppressMessage("Design", "CA1001", Justification = "BenchmarkDotNet ends it in [GlobalCleanup], not Dispose.")]
public class EngineBurstBenchmarks
{
    private InstantLauncher _launcher = null!;
    private ProcessEngine _engine = null!;
    private FileJournal? _journal;
    private string? _folder;

    [Params(10, 1_000, 10_000)]
    public int Instances { get; set; }

    /// <summary>Whether the engine journals its events to a file (krust-pm's default).</summary>
    [Params(false, true)]
    public bool Journal { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _launcher = new InstantLauncher(Instances);
        if (Journal)
        {
            _folder = Directory.CreateTempSubdirectory("krust-bench-burst-").FullName;
            _journal = FileJournal.Open(_folder, FileJournalOptions.Default, EngineState.Empty);
        }

        _engine = new ProcessEngine(_launcher, EngineOptions.Default with { Journal = _journal });
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
    public void Cleanup()
    {
        _engine.StopAsync().GetAwaiter().GetResult();
        _journal?.Dispose();
        if (_folder is not null)
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

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

using BenchmarkDotNet.Attributes;
using KrustPm.Engine;
using KrustPm.Engine.Journal;

namespace KrustPm.Benchmarks;

/// <summary>
/// The journal: appending one crash-loop batch (an exit, its relaunch, the new run's start) to a <see cref="FileJournal"/>,
/// and restoring the state from a journal of a million records (what a restart of krust-pm reads).
/// </summary>
public class JournalBenchmarks
{
    private readonly List<JournalRecord> _batch = [];
    private string _folder = string.Empty;
    private string _restoreFolder = string.Empty;
    private FileJournal _journal = null!;
    private EngineState _after = EngineState.Empty;

    /// <summary>How many records the journal to restore holds.</summary>
    [Params(1_000_000)]
    public int Records { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("krust-bench-journal-").FullName;
        _journal = FileJournal.Open(_folder, FileJournalOptions.Default with { MaxSegmentBytes = long.MaxValue }, EngineState.Empty);
        var (state, batch) = JournalWorkload.CrashLoopBatch(instances: 100);
        _batch.AddRange(batch);
        _after = state;

        _restoreFolder = Directory.CreateTempSubdirectory("krust-bench-restore-").FullName;
        JournalWorkload.WriteCrashLoop(_restoreFolder, Records, FileJournalOptions.Default);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _journal.Dispose();
        Directory.Delete(_folder, recursive: true);
        Directory.Delete(_restoreFolder, recursive: true);
    }

    /// <summary>One crash-loop batch: InstanceExited, InstanceLaunched and InstanceStarted, serialized, checksummed and written.</summary>
    [Benchmark]
    public void AppendCrashLoopBatch() => _journal.Append(_batch, _after);

    /// <summary>What krust-pm reads when it starts: the newest segment's snapshot and records, folded.</summary>
    [Benchmark]
    public EngineState RestoreAfterAMillionRecords() => JournalReader.Restore(_restoreFolder).State;
}

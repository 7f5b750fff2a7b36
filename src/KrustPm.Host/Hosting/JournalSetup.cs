using KrustPm.Engine;
using KrustPm.Engine.Journal;
using KrustPm.Host.Config;

namespace KrustPm.Host.Hosting;

/// <summary>
/// The journal krust-pm runs with: the state read back from it (what to restore), and the journal it writes from now
/// on (a new segment beginning with that state). <see cref="None"/> when <c>journal = false</c>.
/// </summary>
internal sealed class JournalSetup : IDisposable
{
    private JournalSetup(FileJournal? journal, EngineState start, IReadOnlyList<string> warnings)
    {
        Journal = journal;
        Start = start;
        Warnings = warnings;
    }

    /// <summary>
    /// Without a journal: the engine starts empty, its event ids from <see cref="EpochId"/> of now, so that the ids of
    /// one run are all above those of every earlier run and an EventSource that reconnects across a restart never
    /// resumes at an id that means another event.
    /// </summary>
    public static JournalSetup None(DateTimeOffset now) => new(null, EngineState.Empty with { LastEventId = EpochId(now) }, []);

    /// <summary>
    /// The first event id of a run without a journal: the start time in Unix milliseconds × 1000. A run would need more
    /// than 1,000 events per millisecond it lasted to reach the next run's; the ids stay below 2^53, exact in
    /// JavaScript, until the year 2255.
    /// </summary>
    public static long EpochId(DateTimeOffset now) => now.ToUnixTimeMilliseconds() * 1000;

    /// <summary>The journal written, or <see langword="null"/> when there is none.</summary>
    public FileJournal? Journal { get; }

    /// <summary>The state the engine starts from.</summary>
    public EngineState Start { get; }

    /// <summary>What reading the journal found wrong (to log once the log is up).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>
    /// Reads the journal (unless <paramref name="fresh"/>) and opens it for writing. A folder that cannot be written
    /// is reported on <paramref name="error"/> with its path, and gives <see langword="null"/>: krust-pm then exits 2
    /// before anything starts. What the files hold never stops it.
    /// </summary>
    public static JournalSetup? Open(KrustConfig config, bool fresh, TextWriter error)
    {
        if (!config.Journal.Enabled)
        {
            return None(DateTimeOffset.UtcNow);
        }

        var directory = config.Journal.Directory;
        var restored = JournalReader.Restore(directory);
        var start = fresh ? EngineState.Empty with { LastEventId = restored.State.LastEventId } : restored.State; // --fresh: ids still continue
        try
        {
            return new JournalSetup(FileJournal.Open(directory, config.Journal.Options, start), start, fresh ? [] : restored.Warnings);
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"krust-pm: {config.Path}: journal_dir {directory} cannot be written: {failure.Message}; nothing was started (set journal = false to run without one).");
            return null;
        }
    }

    public void Dispose() => Journal?.Dispose();
}

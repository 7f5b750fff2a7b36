namespace KrustPm.Engine.Journal;

/// <summary>A journal kept in memory: every record since the engine started, and the state it began from.</summary>
/// <param name="start">The state the engine began from (<see cref="EngineState.Empty"/> for a new engine).</param>
public sealed class InMemoryJournal(EngineState? start = null) : IJournal
{
    private readonly Lock _lock = new();
    private readonly List<JournalRecord> _records = [];

    /// <summary>The state the engine began from.</summary>
    public EngineState Start { get; } = start ?? EngineState.Empty;

    /// <summary>A copy of every record so far, in order.</summary>
    public IReadOnlyList<JournalRecord> Records
    {
        get
        {
            lock (_lock)
            {
                return [.. _records];
            }
        }
    }

    /// <inheritdoc/>
    public void Append(IReadOnlyList<JournalRecord> records, EngineState after)
    {
        lock (_lock)
        {
            _records.AddRange(records);
        }
    }

    /// <summary>The state the records rebuild: <see cref="Start"/> with every record folded in.</summary>
    /// <returns>The state, with the version and last event id of the last record.</returns>
    public EngineState Fold() => JournalFold.Fold(Start, Records);
}

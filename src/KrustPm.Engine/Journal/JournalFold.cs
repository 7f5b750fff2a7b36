namespace KrustPm.Engine.Journal;

/// <summary>Rebuilds states from records: the fold of <see cref="Decider.Evolve"/>.</summary>
public static class JournalFold
{
    /// <summary>Folds records into a state, in order.</summary>
    /// <param name="start">The state before the first record.</param>
    /// <param name="records">The records, in order.</param>
    /// <returns>The state after the last one, with its version and last event id.</returns>
    public static EngineState Fold(EngineState start, IEnumerable<JournalRecord> records)
    {
        var state = start;
        foreach (var record in records)
        {
            state = Apply(state, record);
        }

        return state;
    }

    /// <summary>Folds one record into a state.</summary>
    /// <param name="state">The state before it.</param>
    /// <param name="record">The record.</param>
    /// <returns>The state after it, with the record's version and id.</returns>
    public static EngineState Apply(EngineState state, JournalRecord record) =>
        Decider.Evolve(state, record.Event) with { Version = record.Version, LastEventId = record.Id };
}

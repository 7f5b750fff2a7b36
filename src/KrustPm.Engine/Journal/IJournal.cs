namespace KrustPm.Engine.Journal;

/// <summary>
/// Where the engine records its events, so that its state can be rebuilt (<see cref="Decider.Evolve"/>) after a
/// restart, and its history read. <see cref="FileJournal"/> writes files; <see cref="InMemoryJournal"/> keeps them in
/// memory (tests, or an embedding program that keeps no history).
/// </summary>
public interface IJournal
{
    /// <summary>
    /// Records the events of one batch of messages, in order, before any of their effects is carried out. Called on
    /// the engine loop once per batch: it must be quick (one write) and must not throw; a journal that cannot write
    /// says so through its own means, and the engine goes on.
    /// </summary>
    /// <param name="records">The batch's events, in order; never empty.</param>
    /// <param name="after">The state after them (a journal may keep it as a snapshot).</param>
    void Append(IReadOnlyList<JournalRecord> records, EngineState after);
}

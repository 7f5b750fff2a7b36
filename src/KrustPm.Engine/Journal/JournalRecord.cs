namespace KrustPm.Engine.Journal;

/// <summary>One event as a journal keeps it.</summary>
/// <param name="Id">The event's id (<see cref="EngineState.LastEventId"/> counts them).</param>
/// <param name="Version">The state's <see cref="EngineState.Version"/> after the message that decided it.</param>
/// <param name="Event">The event.</param>
public sealed record JournalRecord(long Id, long Version, EngineEvent Event);

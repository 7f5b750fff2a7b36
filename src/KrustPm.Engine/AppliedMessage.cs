using System.Collections.Immutable;

namespace KrustPm.Engine;

/// <summary>One message the engine applied, and the events it led to.</summary>
/// <param name="Message">The message.</param>
/// <param name="Events">What it led to, in order (none when it changed nothing, e.g. a stale timer).</param>
/// <param name="Version">The state's <see cref="EngineState.Version"/> after it.</param>
/// <param name="FirstEventId">The id of the first of <paramref name="Events"/>; the next ones follow by one.</param>
public sealed record AppliedMessage(Message Message, ImmutableArray<EngineEvent> Events, long Version, long FirstEventId)
{
    /// <summary>Whether the message was a command that was refused.</summary>
    public bool Refused => Events.Any(e => e is EngineEvent.Answered { Result.Accepted: false });

    /// <summary>The id of the event at <paramref name="index"/> in <see cref="Events"/>.</summary>
    /// <param name="index">The event's position.</param>
    /// <returns>Its id: ids grow by one per event, across messages.</returns>
    public long IdOf(int index) => FirstEventId + index;
}

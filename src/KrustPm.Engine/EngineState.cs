using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace KrustPm.Engine;

/// <summary>
/// The whole engine state: an immutable snapshot. The engine publishes a new one atomically after every batch of
/// messages, so a reader always sees a consistent state without locking.
/// </summary>
/// <param name="Programs">The programs in configuration order.</param>
public sealed record EngineState(ImmutableArray<ProgramState> Programs)
{
    /// <summary>The state before any program is loaded.</summary>
    public static EngineState Empty { get; } = new(ImmutableArray<ProgramState>.Empty);

    /// <summary>The run id the next launch gets; run ids grow forever.</summary>
    public long NextRunId { get; init; } = 1;

    /// <summary>How many messages the engine has applied; grows by one per message.</summary>
    public long Version { get; init; }

    /// <summary>
    /// The id of the last event the engine decided (0 before the first); each event gets the next one, so ids grow by
    /// one per event, across restarts of krust-pm when the state is restored from a journal.
    /// </summary>
    public long LastEventId { get; init; }

    /// <summary>Whether the engine is shutting down (every instance is being stopped, nothing starts again).</summary>
    public bool ShuttingDown { get; init; }

    /// <summary>
    /// Set while krust-pm itself is short of a resource it needs to start processes (file descriptors, processes,
    /// memory): what it lacks, since when, and how many instances wait for it. <see langword="null"/> otherwise.
    /// </summary>
    public ResourceShortage? ResourceShortage { get; init; }

    /// <summary>Requests whose answer waits for processes to exit (a scale-down, the shutdown).</summary>
    [JsonInclude]
    internal ImmutableArray<PendingReply> PendingReplies { get; init; } = [];

    /// <summary>Whether any OS launch is still in flight or alive, in any program.</summary>
    [JsonIgnore]
    public bool HasLiveRuns => Programs.Any(p => p.Instances.Any(i => i.IsLive) || p.Retiring.Any(i => i.IsLive));

    /// <summary>Finds a program by name.</summary>
    /// <param name="name">The program's name.</param>
    /// <returns>The program, or <see langword="null"/> when there is none of that name.</returns>
    public ProgramState? Find(string name)
    {
        var index = IndexOf(name);
        return index < 0 ? null : Programs[index];
    }

    /// <summary>Finds a program's position by name.</summary>
    /// <param name="name">The program's name.</param>
    /// <returns>The program's index in <see cref="Programs"/>, or -1 when there is none of that name.</returns>
    public int IndexOf(string name)
    {
        for (var index = 0; index < Programs.Length; index++)
        {
            if (string.Equals(Programs[index].Name, name, StringComparison.Ordinal))
            {
                return index;
            }
        }

        return -1;
    }
}

/// <summary>A request whose answer is sent once every listed run has ended.</summary>
/// <param name="RequestId">The request to answer.</param>
/// <param name="AwaitedRuns">The runs that must end first.</param>
/// <param name="Result">The answer to send then.</param>
internal sealed record PendingReply(long RequestId, ImmutableHashSet<long> AwaitedRuns, CommandResult Result);

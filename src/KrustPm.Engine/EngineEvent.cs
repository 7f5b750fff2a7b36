using System.Collections.Immutable;

namespace KrustPm.Engine;

/// <summary>
/// What happened in the engine, in the words its users use: the decided consequences of a <see cref="Message"/>.
/// The engine's state is the fold of its events (<see cref="Decider.Evolve"/>), and its effects follow from them
/// (<see cref="Decider.EffectsOf"/>); the journal, the event API and krust-pm's log all map them. The set is closed
/// (private constructor); every event carries the time it happened.
/// </summary>
public abstract partial record EngineEvent
{
    private EngineEvent()
    {
    }

    /// <summary>When it happened: the time of the message that decided it.</summary>
    public abstract DateTimeOffset At { get; init; }

    /// <summary>A program is supervised from now on, with no instance yet (they follow as <see cref="InstanceAdded"/>).</summary>
    /// <param name="Spec">Its specification.</param>
    /// <param name="At">When.</param>
    public sealed record ProgramLoaded(ProgramSpec Spec, DateTimeOffset At) : EngineEvent;

    /// <summary>A program's instance count was set by a command; the instances added or removed follow.</summary>
    /// <param name="Program">The program.</param>
    /// <param name="From">How many instances it had.</param>
    /// <param name="To">How many it has now.</param>
    /// <param name="At">When.</param>
    public sealed record Scaled(string Program, int From, int To, DateTimeOffset At) : EngineEvent;

    /// <summary>krust-pm is stopping: every instance is stopped, and nothing starts again.</summary>
    /// <param name="At">When.</param>
    public sealed record ShutdownBegan(DateTimeOffset At) : EngineEvent;

    /// <summary>A rolling restart of a program began: one instance at a time, in the listed order.</summary>
    /// <param name="Program">The program.</param>
    /// <param name="Instances">The instances it restarts, in order (the first is restarted now).</param>
    /// <param name="RequestId">The request it answers when it ends.</param>
    /// <param name="At">When.</param>
    public sealed record RollingRestartBegan(string Program, ImmutableArray<long> Instances, long RequestId, DateTimeOffset At) : EngineEvent;

    /// <summary>A rolling restart moved on to its next instance.</summary>
    /// <param name="Program">The program.</param>
    /// <param name="Current">The instance restarted now.</param>
    /// <param name="Remaining">The instances still to restart after it, in order.</param>
    /// <param name="At">When.</param>
    public sealed record RollingRestartMoved(string Program, long Current, ImmutableArray<long> Remaining, DateTimeOffset At) : EngineEvent;

    /// <summary>A rolling restart ended: every instance was restarted, or it was cancelled.</summary>
    /// <param name="Program">The program.</param>
    /// <param name="Completed">Whether every instance was restarted (false: cancelled, e.g. by the shutdown).</param>
    /// <param name="At">When.</param>
    public sealed record RollingRestartEnded(string Program, bool Completed, DateTimeOffset At) : EngineEvent;

    /// <summary>
    /// A command that acts on a program's instances was accepted: <c>stop</c>, <c>start</c>, <c>restart</c>,
    /// <c>restart (rolling)</c>, <c>delete</c> or <c>signal SIGNAME</c>. What it does follows as other events.
    /// </summary>
    /// <param name="Command">The command, as users name it.</param>
    /// <param name="Program">The program.</param>
    /// <param name="Instance">One instance, or <see langword="null"/> for all of them.</param>
    /// <param name="At">When.</param>
    public sealed record CommandAccepted(string Command, string Program, long? Instance, DateTimeOffset At) : EngineEvent;

    /// <summary>A command was answered (accepted or refused).</summary>
    /// <param name="RequestId">The request.</param>
    /// <param name="Result">The answer.</param>
    /// <param name="At">When.</param>
    public sealed record Answered(long RequestId, CommandResult Result, DateTimeOffset At) : EngineEvent;

    /// <summary>A command's answer waits until every listed run has ended (a scale-down, a stop, the shutdown).</summary>
    /// <param name="RequestId">The request.</param>
    /// <param name="AwaitedRuns">The runs whose end it waits for.</param>
    /// <param name="Result">The answer to send then.</param>
    /// <param name="At">When.</param>
    public sealed record AnswerDeferred(long RequestId, ImmutableArray<long> AwaitedRuns, CommandResult Result, DateTimeOffset At) : EngineEvent;
}

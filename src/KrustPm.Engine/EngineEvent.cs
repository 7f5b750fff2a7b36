using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace KrustPm.Engine;

/// <summary>
/// What happened in the engine, in the words its users use: the decided consequences of a <see cref="Message"/>.
/// The engine's state is the fold of its events (<see cref="Decider.Evolve"/>), and its effects follow from them
/// (<see cref="Decider.EffectsOf"/>); the journal, the event API and krust-pm's log all map them. The set is closed
/// (private constructor); every event carries the time it happened. In the journal, an event is a JSON object whose
/// <c>type</c> names it.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(EngineEvent.ProgramLoaded), "ProgramLoaded")]
[JsonDerivedType(typeof(EngineEvent.Scaled), "Scaled")]
[JsonDerivedType(typeof(EngineEvent.EngineResumed), "EngineResumed")]
[JsonDerivedType(typeof(EngineEvent.ProgramRestored), "ProgramRestored")]
[JsonDerivedType(typeof(EngineEvent.ProgramRemoved), "ProgramRemoved")]
[JsonDerivedType(typeof(EngineEvent.ConfigReloaded), "ConfigReloaded")]
[JsonDerivedType(typeof(EngineEvent.ProgramChanged), "ProgramChanged")]
[JsonDerivedType(typeof(EngineEvent.ProgramRetiring), "ProgramRetiring")]
[JsonDerivedType(typeof(EngineEvent.ProgramsOrdered), "ProgramsOrdered")]
[JsonDerivedType(typeof(EngineEvent.ShutdownBegan), "ShutdownBegan")]
[JsonDerivedType(typeof(EngineEvent.ResourceShortageChanged), "ResourceShortageChanged")]
[JsonDerivedType(typeof(EngineEvent.RollingRestartBegan), "RollingRestartBegan")]
[JsonDerivedType(typeof(EngineEvent.RollingRestartMoved), "RollingRestartMoved")]
[JsonDerivedType(typeof(EngineEvent.RollingRestartAwaiting), "RollingRestartAwaiting")]
[JsonDerivedType(typeof(EngineEvent.RollingRestartEnded), "RollingRestartEnded")]
[JsonDerivedType(typeof(EngineEvent.CommandAccepted), "CommandAccepted")]
[JsonDerivedType(typeof(EngineEvent.Answered), "Answered")]
[JsonDerivedType(typeof(EngineEvent.AnswerDeferred), "AnswerDeferred")]
[JsonDerivedType(typeof(EngineEvent.InstanceAdded), "InstanceAdded")]
[JsonDerivedType(typeof(EngineEvent.InstanceLaunched), "InstanceLaunched")]
[JsonDerivedType(typeof(EngineEvent.InstanceStarted), "InstanceStarted")]
[JsonDerivedType(typeof(EngineEvent.InstanceStable), "InstanceStable")]
[JsonDerivedType(typeof(EngineEvent.InstanceExited), "InstanceExited")]
[JsonDerivedType(typeof(EngineEvent.InstanceStartDeferred), "InstanceStartDeferred")]
[JsonDerivedType(typeof(EngineEvent.ProbeSkipped), "ProbeSkipped")]
[JsonDerivedType(typeof(EngineEvent.StopRequested), "StopRequested")]
[JsonDerivedType(typeof(EngineEvent.Killed), "Killed")]
[JsonDerivedType(typeof(EngineEvent.Signalled), "Signalled")]
[JsonDerivedType(typeof(EngineEvent.InstanceWaiting), "InstanceWaiting")]
[JsonDerivedType(typeof(EngineEvent.InstanceBlocked), "InstanceBlocked")]
[JsonDerivedType(typeof(EngineEvent.InstanceStopped), "InstanceStopped")]
[JsonDerivedType(typeof(EngineEvent.InstanceRemoved), "InstanceRemoved")]
[JsonDerivedType(typeof(EngineEvent.ProbeStarted), "ProbeStarted")]
[JsonDerivedType(typeof(EngineEvent.ProbeCompleted), "ProbeCompleted")]
[JsonDerivedType(typeof(EngineEvent.ProbesReset), "ProbesReset")]
[JsonDerivedType(typeof(EngineEvent.ReadyLineMatched), "ReadyLineMatched")]
[JsonDerivedType(typeof(EngineEvent.ReadinessChanged), "ReadinessChanged")]
[JsonDerivedType(typeof(EngineEvent.MemoryChecked), "MemoryChecked")]
[JsonDerivedType(typeof(EngineEvent.ScheduleArmed), "ScheduleArmed")]
public abstract partial record EngineEvent
{
    private EngineEvent()
    {
    }

    /// <summary>When it happened: the time of the message that decided it.</summary>
    public abstract DateTimeOffset At { get; init; }

    /// <summary>
    /// A program's cron timer was set: its next tick is <paramref name="Next"/>. After a tick of its own
    /// (<paramref name="Ticked"/>), which restarted its instances (<c>cron_restart</c>) or started its job
    /// (<c>schedule</c>); else when it was loaded, restored, or its expression changed. Missed ticks are never replayed.
    /// </summary>
    /// <param name="Program">The program.</param>
    /// <param name="Ticked">The tick that just happened, or <see langword="null"/> when the timer was only set.</param>
    /// <param name="Next">The next tick (<see langword="null"/> when the expression has none).</param>
    /// <param name="At">When.</param>
    public sealed record ScheduleArmed(string Program, DateTimeOffset? Ticked, DateTimeOffset? Next, DateTimeOffset At) : EngineEvent;

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

    /// <summary>
    /// krust-pm started again with the state its journal kept: the processes of the previous run are gone (their runs
    /// end without an exit code), nothing waits for an answer, and no rolling restart or shutdown is under way.
    /// </summary>
    /// <param name="At">When.</param>
    public sealed record EngineResumed(DateTimeOffset At) : EngineEvent;

    /// <summary>
    /// A program kept by the journal is supervised again as it was: its instances keep their ids, counts and history;
    /// those a stop command stopped stay stopped, the others are launched next.
    /// </summary>
    /// <param name="Program">The program.</param>
    /// <param name="Instances">How many instances it has.</param>
    /// <param name="Stopped">How many of them stay stopped (a stop command stopped them).</param>
    /// <param name="At">When.</param>
    public sealed record ProgramRestored(string Program, int Instances, int Stopped, DateTimeOffset At) : EngineEvent;

    /// <summary>A reload applied a new configuration, with this plan (what happens to each program follows as events).</summary>
    /// <param name="Plan">What the reload does to each program.</param>
    /// <param name="At">When.</param>
    public sealed record ConfigReloaded(ReloadPlan Plan, DateTimeOffset At) : EngineEvent;

    /// <summary>A reload changed a program's settings: it runs with <paramref name="Spec"/> from now on.</summary>
    /// <param name="Program">The program.</param>
    /// <param name="Spec">Its new specification.</param>
    /// <param name="Changed">The configuration keys that changed.</param>
    /// <param name="Restart">Whether a launch-relevant key changed (its processes are started again).</param>
    /// <param name="At">When.</param>
    public sealed record ProgramChanged(string Program, ProgramSpec Spec, ImmutableArray<string> Changed, bool Restart, DateTimeOffset At) : EngineEvent;

    /// <summary>A reload dropped a program: its instances are stopped, and it is removed once none runs.</summary>
    /// <param name="Program">The program.</param>
    /// <param name="At">When.</param>
    public sealed record ProgramRetiring(string Program, DateTimeOffset At) : EngineEvent;

    /// <summary>A program is no longer supervised (its instances have no process left).</summary>
    /// <param name="Program">The program.</param>
    /// <param name="Reason">Why, as a sentence.</param>
    /// <param name="At">When.</param>
    public sealed record ProgramRemoved(string Program, string Reason, DateTimeOffset At) : EngineEvent;

    /// <summary>The programs are listed in this order from now on (the configuration's order).</summary>
    /// <param name="Programs">Every program's name, in order.</param>
    /// <param name="At">When.</param>
    public sealed record ProgramsOrdered(ImmutableArray<string> Programs, DateTimeOffset At) : EngineEvent;

    /// <summary>krust-pm is stopping: every instance is stopped, and nothing starts again.</summary>
    /// <param name="At">When.</param>
    public sealed record ShutdownBegan(DateTimeOffset At) : EngineEvent;

    /// <summary>
    /// krust-pm's own shortage of a resource to start processes began, changed (another reason, more or fewer
    /// instances waiting) or ended; instances that no longer wait have their count of waits cleared.
    /// </summary>
    /// <param name="Shortage">The shortage now, or <see langword="null"/> once it is over.</param>
    /// <param name="At">When.</param>
    public sealed record ResourceShortageChanged(ResourceShortage? Shortage, DateTimeOffset At) : EngineEvent;

    /// <summary>A rolling restart of a program began: one instance at a time, in the listed order.</summary>
    /// <param name="Program">The program.</param>
    /// <param name="Instances">The instances it restarts, in order.</param>
    /// <param name="RequestId">The request it answers.</param>
    /// <param name="AnswerAtEnd">Whether the request is answered when it ends (else it was answered at once).</param>
    /// <param name="At">When.</param>
    public sealed record RollingRestartBegan(string Program, ImmutableArray<long> Instances, long RequestId, bool AnswerAtEnd, DateTimeOffset At)
        : EngineEvent;

    /// <summary>A rolling restart moved on to its next instance (which is restarted now).</summary>
    /// <param name="Program">The program.</param>
    /// <param name="Current">The instance restarted now.</param>
    /// <param name="Remaining">The instances still to restart after it, in order.</param>
    /// <param name="Restarted">The instances restarted so far (each new run became ready), in order.</param>
    /// <param name="At">When.</param>
    public sealed record RollingRestartMoved(
        string Program, long Current, ImmutableArray<long> Remaining, ImmutableArray<long> Restarted, DateTimeOffset At) : EngineEvent;

    /// <summary>A rolling restart waits for this new run of its current instance to be ready.</summary>
    /// <param name="Program">The program.</param>
    /// <param name="Instance">The current instance.</param>
    /// <param name="RunId">Its new run.</param>
    /// <param name="At">When.</param>
    public sealed record RollingRestartAwaiting(string Program, long Instance, long RunId, DateTimeOffset At) : EngineEvent;

    /// <summary>A rolling restart ended: every instance was restarted, a new run failed first, or it was interrupted.</summary>
    /// <param name="Program">The program.</param>
    /// <param name="Outcome">How it ended.</param>
    /// <param name="Reason">When it did not complete: what happened, and which instances were restarted or not.</param>
    /// <param name="At">When.</param>
    public sealed record RollingRestartEnded(string Program, RollingOutcome Outcome, string? Reason, DateTimeOffset At) : EngineEvent;

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

/// <summary>How a rolling restart ended.</summary>
public enum RollingOutcome
{
    /// <summary>Every instance was restarted, each new run ready before the next was stopped.</summary>
    Completed,

    /// <summary>A new run failed before it was ready: the instances not reached were left as they were.</summary>
    Failed,

    /// <summary>A stop command or the shutdown ended it.</summary>
    Interrupted,
}

using System.Collections.Immutable;
using KrustPm.Engine.Health;

namespace KrustPm.Engine;

public abstract partial record EngineEvent
{
    /// <summary>An event about one instance of a program.</summary>
    public abstract record InstanceEvent : EngineEvent
    {
        private protected InstanceEvent()
        {
        }

        /// <summary>The program's name.</summary>
        public abstract string Program { get; init; }

        /// <summary>The instance's id.</summary>
        public abstract long Instance { get; init; }
    }

    /// <summary>An event about one run (one OS launch) of an instance.</summary>
    public abstract record RunEvent : InstanceEvent
    {
        private protected RunEvent()
        {
        }

        /// <summary>The run.</summary>
        public abstract long RunId { get; init; }
    }

    /// <summary>A program got a new instance (it is launched, or waits, next).</summary>
    /// <param name="Program">The program.</param>
    /// <param name="Instance">The new instance's id.</param>
    /// <param name="Index">
    /// Its index (<see cref="InstanceState.Index"/>): the smallest free among the program's instances.
    /// <see langword="null"/> in journals written before instances had indexes; the same rule then gives it one.
    /// </param>
    /// <param name="At">When.</param>
    public sealed record InstanceAdded(string Program, long Instance, int? Index, DateTimeOffset At) : InstanceEvent;

    /// <summary>
    /// A try of an instance was launched: the OS process is being started (<see cref="InstanceStarted"/> or an
    /// <see cref="InstanceExited"/> without exit code follows).
    /// </summary>
    /// <param name="Program">The program.</param>
    /// <param name="Instance">The instance.</param>
    /// <param name="RunId">The new run's id.</param>
    /// <param name="Try">The try, counted from 1.</param>
    /// <param name="FreshStreak">Started on purpose (a command): the failure streak starts over.</param>
    /// <param name="At">When.</param>
    public sealed record InstanceLaunched(string Program, long Instance, long RunId, int Try, bool FreshStreak, DateTimeOffset At) : RunEvent;

    /// <summary>The OS process of a run exists.</summary>
    /// <param name="Program">The program.</param>
    /// <param name="Instance">The instance.</param>
    /// <param name="RunId">The run.</param>
    /// <param name="Try">The try, counted from 1.</param>
    /// <param name="Pid">Its process id.</param>
    /// <param name="At">When.</param>
    public sealed record InstanceStarted(string Program, long Instance, long RunId, int Try, int Pid, DateTimeOffset At) : RunEvent;

    /// <summary>A run stayed up the program's minimum uptime: its instance's failure streak is over.</summary>
    /// <param name="Program">The program.</param>
    /// <param name="Instance">The instance.</param>
    /// <param name="RunId">The run.</param>
    /// <param name="At">When.</param>
    public sealed record InstanceStable(string Program, long Instance, long RunId, DateTimeOffset At) : RunEvent;

    /// <summary>A run ended: its process exited, or it could not be started at all; and what becomes of the instance.</summary>
    /// <param name="Program">The program.</param>
    /// <param name="Instance">The instance.</param>
    /// <param name="RunId">The run.</param>
    /// <param name="Try">The try that ended, counted from 1.</param>
    /// <param name="ExitCode">The exit code (128 + N when killed by signal N), or <see langword="null"/> when it never started.</param>
    /// <param name="Error">Why it could not start, or why it counts as a failure; <see langword="null"/> otherwise.</param>
    /// <param name="Outcome">What becomes of the instance.</param>
    /// <param name="Failures">The instance's failed tries in a row, this one included.</param>
    /// <param name="NextTryAt">With <see cref="ExitOutcome.Retrying"/>: when the next try is due (<see langword="null"/>: now).</param>
    /// <param name="At">When.</param>
    public sealed record InstanceExited(
        string Program,
        long Instance,
        long RunId,
        int Try,
        int? ExitCode,
        string? Error,
        ExitOutcome Outcome,
        int Failures,
        DateTimeOffset? NextTryAt,
        DateTimeOffset At) : RunEvent;

    /// <summary>
    /// krust-pm asked a run to stop: its stop signal was sent (a SIGKILL follows after the timeout), or, when it was
    /// already being stopped, the stop now has this reason.
    /// </summary>
    /// <param name="Program">The program.</param>
    /// <param name="Instance">The instance.</param>
    /// <param name="RunId">The run.</param>
    /// <param name="Signal">The signal sent, or <see langword="null"/> when the run was already being stopped.</param>
    /// <param name="Timeout">How long it has before SIGKILL.</param>
    /// <param name="Reason">Why.</param>
    /// <param name="Detail">For <see cref="StopReason.Liveness"/>: what the probe saw.</param>
    /// <param name="At">When.</param>
    public sealed record StopRequested(
        string Program,
        long Instance,
        long RunId,
        int? Signal,
        TimeSpan Timeout,
        StopReason Reason,
        string? Detail,
        DateTimeOffset At) : RunEvent
    {
        /// <summary>
        /// Who got <see cref="Signal"/>: the run's whole process group, or its main process only (the program's
        /// <see cref="ProgramSpec.StopSignalTarget"/>). The SIGKILL after the timeout always reaches the whole group.
        /// </summary>
        public SignalTarget Target { get; init; } = SignalTarget.Group;
    }

    /// <summary>A stopping run outlived its stop timeout and was sent SIGKILL.</summary>
    /// <param name="Program">The program.</param>
    /// <param name="Instance">The instance.</param>
    /// <param name="RunId">The run.</param>
    /// <param name="Timeout">The stop timeout it outlived.</param>
    /// <param name="At">When.</param>
    public sealed record Killed(string Program, long Instance, long RunId, TimeSpan Timeout, DateTimeOffset At) : RunEvent;

    /// <summary>A signal was sent to a run's process group, or its main process, on command.</summary>
    /// <param name="Program">The program.</param>
    /// <param name="Instance">The instance.</param>
    /// <param name="RunId">The run.</param>
    /// <param name="Signal">The signal.</param>
    /// <param name="At">When.</param>
    public sealed record Signalled(string Program, long Instance, long RunId, int Signal, DateTimeOffset At) : RunEvent
    {
        /// <summary>Who got it: the run's whole process group, or its main process only.</summary>
        public SignalTarget Target { get; init; } = SignalTarget.Group;
    }

    /// <summary>
    /// A run was not started because krust-pm itself was short of a resource to start it (file descriptors,
    /// processes, memory): not the program's failure. The instance waits in <see cref="InstanceStatus.Backoff"/> to
    /// make the same try again at <paramref name="NextTryAt"/>; no failure is counted.
    /// </summary>
    /// <param name="Program">The program.</param>
    /// <param name="Instance">The instance.</param>
    /// <param name="RunId">The run that was not started.</param>
    /// <param name="Try">The try it will make again.</param>
    /// <param name="Reason">What krust-pm is short of.</param>
    /// <param name="NextTryAt">When it tries again.</param>
    /// <param name="At">When.</param>
    public sealed record InstanceStartDeferred(
        string Program, long Instance, long RunId, int Try, string Reason, DateTimeOffset NextTryAt, DateTimeOffset At) : RunEvent;

    /// <summary>An instance waits for its program's dependencies before its next try.</summary>
    /// <param name="Program">The program.</param>
    /// <param name="Instance">The instance.</param>
    /// <param name="Try">The try it will make.</param>
    /// <param name="WaitingFor">The dependencies not met, as <c>name (condition)</c>.</param>
    /// <param name="FreshStreak">Started on purpose (a command): the failure streak starts over.</param>
    /// <param name="At">When.</param>
    public sealed record InstanceWaiting(
        string Program, long Instance, int Try, ImmutableArray<string> WaitingFor, bool FreshStreak, DateTimeOffset At) : InstanceEvent;

    /// <summary>An instance cannot start on its own: a dependency can no longer meet its condition.</summary>
    /// <param name="Program">The program.</param>
    /// <param name="Instance">The instance.</param>
    /// <param name="Try">The try it will make.</param>
    /// <param name="WaitingFor">The dependencies not met, as <c>name (condition)</c>.</param>
    /// <param name="Reason">Which dependencies can no longer be met, and why.</param>
    /// <param name="FreshStreak">Started on purpose (a command): the failure streak starts over.</param>
    /// <param name="At">When.</param>
    public sealed record InstanceBlocked(
        string Program, long Instance, int Try, ImmutableArray<string> WaitingFor, string Reason, bool FreshStreak, DateTimeOffset At)
        : InstanceEvent;

    /// <summary>An instance that was not running (waiting, in backoff) is stopped and stays so.</summary>
    /// <param name="Program">The program.</param>
    /// <param name="Instance">The instance.</param>
    /// <param name="ByCommand">Stopped by a stop command (not by the shutdown): it stays stopped when krust-pm starts again.</param>
    /// <param name="At">When.</param>
    public sealed record InstanceStopped(string Program, long Instance, bool ByCommand, DateTimeOffset At) : InstanceEvent;

    /// <summary>
    /// An instance was removed from its program (a scale-down, a delete). A live one is kept apart until its run has
    /// ended.
    /// </summary>
    /// <param name="Program">The program.</param>
    /// <param name="Instance">The instance.</param>
    /// <param name="At">When.</param>
    public sealed record InstanceRemoved(string Program, long Instance, DateTimeOffset At) : InstanceEvent;

    /// <summary>A probe of a run started (off the engine loop; <see cref="ProbeCompleted"/> follows).</summary>
    /// <param name="Program">The program.</param>
    /// <param name="Instance">The instance.</param>
    /// <param name="RunId">The run.</param>
    /// <param name="Kind">Which probe.</param>
    /// <param name="At">When.</param>
    public sealed record ProbeStarted(string Program, long Instance, long RunId, ProbeKind Kind, DateTimeOffset At) : RunEvent;

    /// <summary>krust-pm could not run a probe (it is short of descriptors): no news about the program; the next one is due.</summary>
    /// <param name="Program">The program.</param>
    /// <param name="Instance">The instance.</param>
    /// <param name="RunId">The run.</param>
    /// <param name="Kind">Which probe.</param>
    /// <param name="NextAt">When the next one is due.</param>
    /// <param name="At">When.</param>
    public sealed record ProbeSkipped(string Program, long Instance, long RunId, ProbeKind Kind, DateTimeOffset NextAt, DateTimeOffset At) : RunEvent;

    /// <summary>A probe of a run finished.</summary>
    /// <param name="Program">The program.</param>
    /// <param name="Instance">The instance.</param>
    /// <param name="RunId">The run.</param>
    /// <param name="Kind">Which probe.</param>
    /// <param name="Outcome">What it saw.</param>
    /// <param name="Failures">The run's failures of this probe in a row, after this one.</param>
    /// <param name="NextAt">When the next one is due, or <see langword="null"/> when none follows.</param>
    /// <param name="At">When.</param>
    public sealed record ProbeCompleted(
        string Program, long Instance, long RunId, ProbeKind Kind, ProbeOutcome Outcome, int Failures, DateTimeOffset? NextAt, DateTimeOffset At)
        : RunEvent;

    /// <summary>
    /// A reload changed the program's probes: the run's probe chains start over with the new settings (the old chains'
    /// timers and results are ignored from now on).
    /// </summary>
    /// <param name="Program">The program.</param>
    /// <param name="Instance">The instance.</param>
    /// <param name="RunId">The run.</param>
    /// <param name="Readiness">Whether readiness starts over too (the run is then not ready until it shows it again).</param>
    /// <param name="At">When.</param>
    public sealed record ProbesReset(string Program, long Instance, long RunId, bool Readiness, DateTimeOffset At) : RunEvent;

    /// <summary>A line of a run's output matched the program's ready line.</summary>
    /// <param name="Program">The program.</param>
    /// <param name="Instance">The instance.</param>
    /// <param name="RunId">The run.</param>
    /// <param name="Line">The line (possibly cut short).</param>
    /// <param name="At">When.</param>
    public sealed record ReadyLineMatched(string Program, long Instance, long RunId, string Line, DateTimeOffset At) : RunEvent;

    /// <summary>A run became ready (its readiness probe passed, or its ready line was seen), or stopped being ready.</summary>
    /// <param name="Program">The program.</param>
    /// <param name="Instance">The instance.</param>
    /// <param name="RunId">The run.</param>
    /// <param name="Ready">Whether it is ready now.</param>
    /// <param name="Detail">What showed it.</param>
    /// <param name="At">When.</param>
    public sealed record ReadinessChanged(string Program, long Instance, long RunId, bool Ready, string Detail, DateTimeOffset At) : RunEvent;

    /// <summary>
    /// A run's memory sample went above its program's <see cref="ProgramSpec.MaxMemory"/>, or came back under it: the
    /// count of samples in a row above it changed. At 2, a <see cref="StopRequested"/> with
    /// <see cref="StopReason.Memory"/> follows (unless another instance of the program is being restarted for it).
    /// </summary>
    /// <param name="Program">The program.</param>
    /// <param name="Instance">The instance.</param>
    /// <param name="RunId">The run.</param>
    /// <param name="Bytes">The resident memory sampled.</param>
    /// <param name="Limit">The program's <c>max_memory</c>.</param>
    /// <param name="Strikes">Samples in a row above it, this one included (0: it is under again).</param>
    /// <param name="At">When.</param>
    public sealed record MemoryChecked(string Program, long Instance, long RunId, long Bytes, long Limit, int Strikes, DateTimeOffset At) : RunEvent;
}

/// <summary>What becomes of an instance when its run ends.</summary>
public enum ExitOutcome
{
    /// <summary>It had been removed from its program (a scale-down, a delete): it is gone now.</summary>
    Removed,

    /// <summary>It was being restarted: its next try is launched now (or waits for its dependencies).</summary>
    Restarting,

    /// <summary>It was stopped on purpose (a command, the shutdown) and stays stopped.</summary>
    Stopped,

    /// <summary>It exited with a success code (<see cref="ProgramSpec.SuccessExitCodes"/>) and is not started again.</summary>
    Done,

    /// <summary>It is started again: after a delay (<see cref="EngineEvent.InstanceExited.NextTryAt"/>) or now.</summary>
    Retrying,

    /// <summary>It failed and no retries are left.</summary>
    RetriesExceeded,

    /// <summary>It failed and its program's restart policy is <see cref="RestartPolicy.Never"/>.</summary>
    Failed,
}

/// <summary>Why krust-pm stops a run.</summary>
public enum StopReason
{
    /// <summary>A stop command.</summary>
    Command,

    /// <summary>A restart: it starts again once it has exited.</summary>
    Restart,

    /// <summary>A restart of a program it depends on with <see cref="ProgramSpec.RestartWith"/>: it starts again once it has exited.</summary>
    RestartWith,

    /// <summary>A scale-down removed its instance.</summary>
    ScaleDown,

    /// <summary>Its instance was deleted.</summary>
    Removed,

    /// <summary>krust-pm is stopping.</summary>
    Shutdown,

    /// <summary>Its liveness probe failed too many times in a row: it is restarted, and counts as a failure.</summary>
    Liveness,

    /// <summary>A reload changed a launch-relevant setting of its program: it starts again with the new settings.</summary>
    Reload,

    /// <summary>A reload dropped its program from the configuration.</summary>
    Unloaded,

    /// <summary>
    /// Its processes stayed above the program's <c>max_memory</c> for two samples in a row: it is restarted, and that is
    /// not a failure.
    /// </summary>
    Memory,
}

using System.Collections.Immutable;

namespace KrustPm.Engine;

/// <summary>
/// Everything that can change the engine's state: commands from users and events from the operating system.
/// The set is closed (private constructor); every message carries the time it happened, so the reducer never
/// reads a clock.
/// </summary>
public abstract record Message
{
    private Message()
    {
    }

    /// <summary>When the message happened (a command was given, a process exited, a timer fell due).</summary>
    public abstract DateTimeOffset At { get; init; }

    /// <summary>Command: supervise these programs and start their instances.</summary>
    /// <param name="Programs">The programs to add, in order.</param>
    /// <param name="RequestId">The request to answer.</param>
    /// <param name="At">When the command was given.</param>
    public sealed record Load(ImmutableArray<ProgramSpec> Programs, long RequestId, DateTimeOffset At) : Message;

    /// <summary>
    /// Command: supervise these programs, carrying over what the current state (restored from a journal) decided at
    /// run time. A program whose specification is unchanged keeps its instances (ids, count, history); those a stop
    /// command stopped stay stopped and the others are launched again. A program whose specification changed, or
    /// that is new, starts from its specification; a program not listed is dropped. On an empty state it is
    /// <see cref="Load"/>.
    /// </summary>
    /// <param name="Programs">The programs, in order.</param>
    /// <param name="RequestId">The request to answer.</param>
    /// <param name="At">When the command was given.</param>
    public sealed record Restore(ImmutableArray<ProgramSpec> Programs, long RequestId, DateTimeOffset At) : Message;

    /// <summary>
    /// Command: apply a new configuration to the running programs, without touching what did not change: new programs
    /// start, dropped ones stop and go, a program whose launch-relevant settings changed is restarted (one instance at
    /// a time when it has several or a readiness check), other changes apply in place. The plan is
    /// <see cref="ReloadPlanner.Plan"/>'s; the answer carries it (<see cref="CommandResult.Plan"/>).
    /// </summary>
    /// <param name="Programs">The new configuration's programs, in order.</param>
    /// <param name="RequestId">The request to answer.</param>
    /// <param name="At">When the command was given.</param>
    public sealed record Reload(ImmutableArray<ProgramSpec> Programs, long RequestId, DateTimeOffset At) : Message;

    /// <summary>Command: set the number of instances of a program.</summary>
    /// <param name="Program">The program's name.</param>
    /// <param name="To">The wanted number of instances.</param>
    /// <param name="RequestId">The request to answer.</param>
    /// <param name="At">When the command was given.</param>
    public sealed record Scale(string Program, int To, long RequestId, DateTimeOffset At) : Message;

    /// <summary>
    /// Command: stop a program's instances (or one), which stay listed as <see cref="InstanceStatus.Stopped"/>. The
    /// answer comes once their processes have exited.
    /// </summary>
    /// <param name="Program">The program's name.</param>
    /// <param name="Instance">One instance, or <see langword="null"/> for all of them.</param>
    /// <param name="RequestId">The request to answer.</param>
    /// <param name="At">When the command was given.</param>
    public sealed record StopInstances(string Program, long? Instance, long RequestId, DateTimeOffset At) : Message;

    /// <summary>
    /// Command: start a program's instances (or one) that are not running: stopped, done, failed, out of retries,
    /// or waiting in backoff. Each starts a new try with its failure streak reset.
    /// </summary>
    /// <param name="Program">The program's name.</param>
    /// <param name="Instance">One instance, or <see langword="null"/> for all of them.</param>
    /// <param name="RequestId">The request to answer.</param>
    /// <param name="At">When the command was given.</param>
    public sealed record StartInstances(string Program, long? Instance, long RequestId, DateTimeOffset At) : Message;

    /// <summary>
    /// Command: stop then start a program's instances (or one). The answer comes when every restart is done: once
    /// the previous runs have exited; for a <paramref name="Rolling"/> restart, once the last new run is ready (see
    /// <see cref="RollingRestart"/>), or with a <see cref="CommandResult.Failure"/> when a new run failed first.
    /// </summary>
    /// <param name="Program">The program's name.</param>
    /// <param name="Instance">One instance, or <see langword="null"/> for all of them.</param>
    /// <param name="Rolling">One instance at a time, each once the previous one's new run is ready.</param>
    /// <param name="RequestId">The request to answer.</param>
    /// <param name="At">When the command was given.</param>
    public sealed record RestartInstances(string Program, long? Instance, bool Rolling, long RequestId, DateTimeOffset At) : Message
    {
        /// <summary>
        /// Whether the answer waits for the restart to be done (the default); <see langword="false"/>: the answer
        /// comes as soon as the command is applied, and the restart goes on.
        /// </summary>
        public bool Wait { get; init; } = true;
    }

    /// <summary>Command: stop one instance and remove it from its program. The answer comes once it has exited.</summary>
    /// <param name="Program">The program's name.</param>
    /// <param name="Instance">The instance.</param>
    /// <param name="RequestId">The request to answer.</param>
    /// <param name="At">When the command was given.</param>
    public sealed record RemoveInstance(string Program, long Instance, long RequestId, DateTimeOffset At) : Message;

    /// <summary>
    /// Command: send a signal to a program's running instances (or one): to their process groups or main processes,
    /// as <see cref="Target"/> or else the program's <see cref="ProgramSpec.StopSignalTarget"/> says.
    /// </summary>
    /// <param name="Program">The program's name.</param>
    /// <param name="Instance">One instance, or <see langword="null"/> for all running ones.</param>
    /// <param name="Signal">The signal number.</param>
    /// <param name="RequestId">The request to answer.</param>
    /// <param name="At">When the command was given.</param>
    public sealed record SignalInstances(string Program, long? Instance, int Signal, long RequestId, DateTimeOffset At) : Message
    {
        /// <summary>Who receives it; <see langword="null"/> for the program's <see cref="ProgramSpec.StopSignalTarget"/>.</summary>
        public SignalTarget? Target { get; init; }
    }

    /// <summary>Command: stop every instance and start nothing again.</summary>
    /// <param name="RequestId">The request to answer once every process has exited.</param>
    /// <param name="At">When the command was given.</param>
    public sealed record Shutdown(long RequestId, DateTimeOffset At) : Message;

    /// <summary>Event: the OS process of a run exists.</summary>
    /// <param name="RunId">The run.</param>
    /// <param name="Pid">Its process id.</param>
    /// <param name="At">When it started.</param>
    public sealed record Started(long RunId, int Pid, DateTimeOffset At) : Message;

    /// <summary>Event: a run could not be started at all.</summary>
    /// <param name="RunId">The run.</param>
    /// <param name="Reason">Why, for the user.</param>
    /// <param name="At">When the launch failed.</param>
    public sealed record StartFailed(long RunId, string Reason, DateTimeOffset At) : Message
    {
        /// <summary>A random number in [0, 1) that spreads the next try's delay; 0.5 gives the nominal delay.</summary>
        public double Jitter { get; init; } = 0.5;
    }

    /// <summary>
    /// Event: a run was not started because krust-pm itself lacks a resource to start it now (file descriptors,
    /// processes, memory). Not the program's failure: the instance waits in <see cref="InstanceStatus.Backoff"/>
    /// (<see cref="InstanceState.ResourceWaits"/>) and makes the same try again later, without counting a failure.
    /// </summary>
    /// <param name="RunId">The run.</param>
    /// <param name="Reason">What krust-pm is short of, for the user.</param>
    /// <param name="At">When the launch was given up.</param>
    public sealed record StartDeferred(long RunId, string Reason, DateTimeOffset At) : Message
    {
        /// <summary>A random number in [0, 1) that spreads the next try's delay; 0.5 gives the nominal delay.</summary>
        public double Jitter { get; init; } = 0.5;
    }

    /// <summary>Event: the process of a run exited.</summary>
    /// <param name="RunId">The run.</param>
    /// <param name="ExitCode">Its exit code; 128 + N when killed by signal N.</param>
    /// <param name="At">When it exited.</param>
    public sealed record Exited(long RunId, int ExitCode, DateTimeOffset At) : Message
    {
        /// <summary>A random number in [0, 1) that spreads the next try's delay; 0.5 gives the nominal delay.</summary>
        public double Jitter { get; init; } = 0.5;

        /// <summary>Why it exited, when the launcher knows more than the code (the kernel's OOM killer); the instance's error.</summary>
        public string? Cause { get; init; }
    }

    /// <summary>Timer: the wait before an instance's next try is over.</summary>
    /// <param name="Program">The program's name.</param>
    /// <param name="InstanceId">The instance.</param>
    /// <param name="Try">The try that is due (a stale timer is ignored).</param>
    /// <param name="At">When it fell due.</param>
    public sealed record RetryDue(string Program, long InstanceId, int Try, DateTimeOffset At) : Message;

    /// <summary>Timer: a run has stayed up the program's minimum uptime, so it is stable.</summary>
    /// <param name="RunId">The run (a timer for a run that ended is ignored).</param>
    /// <param name="At">When it fell due.</param>
    public sealed record UptimeReached(long RunId, DateTimeOffset At) : Message;

    /// <summary>Timer: a stopping run had its stop timeout; if it is still alive it gets SIGKILL.</summary>
    /// <param name="RunId">The run.</param>
    /// <param name="At">When it fell due.</param>
    public sealed record StopTimeoutElapsed(long RunId, DateTimeOffset At) : Message;

    /// <summary>Timer: a probe of a run is due (ignored if the run ended or the same probe is still running).</summary>
    /// <param name="RunId">The run.</param>
    /// <param name="Kind">Which probe.</param>
    /// <param name="At">When it fell due.</param>
    public sealed record ProbeDue(long RunId, Health.ProbeKind Kind, DateTimeOffset At) : Message
    {
        /// <summary>
        /// The probe chain it belongs to (<see cref="InstanceState.ProbeEpoch"/> when it was armed): a reload that
        /// changes a program's probes starts new chains, and the old chains' timers are then ignored.
        /// </summary>
        public int Epoch { get; init; }
    }

    /// <summary>Event: a probe of a run finished (ignored if the run ended meanwhile).</summary>
    /// <param name="RunId">The run.</param>
    /// <param name="Kind">Which probe.</param>
    /// <param name="Outcome">Whether it passed, and what it saw.</param>
    /// <param name="At">When the engine received it.</param>
    public sealed record ProbeResult(long RunId, Health.ProbeKind Kind, Health.ProbeOutcome Outcome, DateTimeOffset At) : Message
    {
        /// <summary>The probe chain it belongs to (see <see cref="ProbeDue.Epoch"/>): a result of an old chain is ignored.</summary>
        public int Epoch { get; init; }
    }

    /// <summary>Event: a line of a run's output matched its program's <see cref="ProgramSpec.ReadyLogLine"/>.</summary>
    /// <param name="RunId">The run.</param>
    /// <param name="Line">The line (possibly cut short).</param>
    /// <param name="At">When the engine received it.</param>
    public sealed record ReadyLineSeen(long RunId, string Line, DateTimeOffset At) : Message;

    /// <summary>
    /// krust-pm sampled the resident memory of a run's processes (sent for the programs with a
    /// <see cref="ProgramSpec.MaxMemory"/> only).
    /// </summary>
    /// <param name="RunId">The run sampled.</param>
    /// <param name="Bytes">The resident memory of all of its processes.</param>
    /// <param name="At">When.</param>
    public sealed record MemorySampled(long RunId, long Bytes, DateTimeOffset At) : Message;

    /// <summary>A tick of a program's <see cref="ProgramSpec.CronRestart"/> or <see cref="ProgramSpec.Schedule"/> is due.</summary>
    /// <param name="Program">The program.</param>
    /// <param name="Tick">The tick it was armed for (a timer of an older arming is ignored).</param>
    /// <param name="At">When.</param>
    public sealed record ScheduleDue(string Program, DateTimeOffset Tick, DateTimeOffset At) : Message;
}

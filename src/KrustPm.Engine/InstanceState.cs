using System.Text.Json.Serialization;

namespace KrustPm.Engine;

/// <summary>One instance of a program, as the engine last saw it. Immutable.</summary>
/// <param name="Id">The instance id: unique within its program and never reused.</param>
/// <param name="CurrentTry">The try the instance is on, counted from 1.</param>
/// <param name="Status">Where the instance is in its life.</param>
public sealed record InstanceState(long Id, int CurrentTry, InstanceStatus Status)
{
    /// <summary>
    /// The instance's index among its program's instances, 0 to instances-1: the smallest index free when the
    /// instance was added, kept for its life and given to the next instance once it is removed. Its
    /// <c>KRUST_PM_INDEX</c>, its <c>{index}</c> placeholder and, with <see cref="ProgramSpec.PortBase"/>, its port.
    /// </summary>
    public int Index { get; init; }

    /// <summary>The engine's id of the current OS launch while one is in flight or alive; <see langword="null"/> otherwise.</summary>
    public long? RunId { get; init; }

    /// <summary>The process id of the running try, once the OS process exists.</summary>
    public int? Pid { get; init; }

    /// <summary>When the current (or last) try's process started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the last try ended.</summary>
    public DateTimeOffset? ExitedAt { get; init; }

    /// <summary>The exit code of the last try that ran; 128 + N when killed by signal N.</summary>
    public int? LastExitCode { get; init; }

    /// <summary>Why the last try could not be started, when it could not.</summary>
    public string? LastError { get; init; }

    /// <summary>
    /// Failed tries in a row, since the last run that stayed up the program's minimum uptime (or exited cleanly).
    /// Drives the backoff and the retry budget.
    /// </summary>
    public int ConsecutiveFailures { get; init; }

    /// <summary>
    /// How many times in a row krust-pm could not start this instance's current try because krust-pm itself was short
    /// of a resource (<see cref="Message.StartDeferred"/>); 0 once a try starts. While it is above 0 the instance
    /// waits for resources: in <see cref="InstanceStatus.Backoff"/> until <see cref="NextTryAt"/> (then
    /// <see cref="InstanceStatus.Started"/> while that try is launched), with <see cref="LastError"/> saying what
    /// krust-pm lacks. These waits are not failures: <see cref="ConsecutiveFailures"/> and the try do not change.
    /// </summary>
    public int ResourceWaits { get; init; }

    /// <summary>When the next try is due, while the instance waits between tries.</summary>
    public DateTimeOffset? NextTryAt { get; init; }

    /// <summary>Whether krust-pm asked this instance to stop (its exit is then not a failure).</summary>
    public bool StopRequested { get; init; }

    /// <summary>
    /// Whether a stop command stopped this instance (and no command started it since): it stays stopped when krust-pm
    /// starts again. A shutdown does not set it.
    /// </summary>
    public bool StopIntended { get; init; }

    /// <summary>
    /// When krust-pm carried this instance over from its previous run (restored from the journal), or
    /// <see langword="null"/> for an instance of this run. What it shows of earlier runs (<see cref="LastExitCode"/>,
    /// <see cref="ExitedAt"/>, <see cref="CurrentTry"/>) is from before this time until its next run ends.
    /// </summary>
    public DateTimeOffset? RestoredAt { get; init; }

    /// <summary>Whether the instance is being restarted: once its process has exited, a new try starts at once.</summary>
    public bool RestartRequested { get; init; }

    /// <summary>
    /// While <see cref="InstanceStatus.Waiting"/> or <see cref="InstanceStatus.Blocked"/>: the dependencies not met,
    /// as <c>name (condition)</c>, in the program's order; empty otherwise.
    /// </summary>
    public System.Collections.Immutable.ImmutableArray<string> WaitingFor { get; init; } = [];

    /// <summary>
    /// Whether the current run is ready: its readiness probe passed (or its output matched
    /// <see cref="ProgramSpec.ReadyLogLine"/>). <see langword="null"/> when the program has neither; then a
    /// <see cref="InstanceStatus.Running"/> instance counts as ready. Reset to <see langword="false"/> by each new run.
    /// </summary>
    public bool? Ready { get; init; }

    /// <summary>The result of the last readiness probe of the current run, if any ran.</summary>
    public Health.ProbeOutcome? LastReadiness { get; init; }

    /// <summary>The result of the last liveness probe of the current run, if any ran.</summary>
    public Health.ProbeOutcome? LastLiveness { get; init; }

    /// <summary>Readiness probes failed in a row in the current run.</summary>
    public int ReadinessFailures { get; init; }

    /// <summary>Liveness probes failed in a row in the current run.</summary>
    public int LivenessFailures { get; init; }

    /// <summary>
    /// The current run's probe chains: a reload that changes the program's probes starts new chains (a higher epoch),
    /// and timers of the old ones are ignored.
    /// </summary>
    public int ProbeEpoch { get; init; }

    /// <summary>Which probes of the current run are running now (never two of the same kind at once).</summary>
    public Health.ProbeKinds ProbesInFlight { get; init; }

    /// <summary>
    /// Why krust-pm is stopping this instance to restart it as a failure (its liveness probe failed), or
    /// <see langword="null"/>. Its exit then counts as a failure for backoff and retries, with this reason.
    /// </summary>
    public string? FailingBecause { get; init; }

    /// <summary>
    /// How many memory samples in a row of the current run were above <see cref="ProgramSpec.MaxMemory"/> (0 when
    /// the last was not); at 2 the run is restarted.
    /// </summary>
    public int MemoryStrikes { get; init; }

    /// <summary>Whether an OS launch is in flight or alive for this instance.</summary>
    [JsonIgnore]
    public bool IsLive => RunId is not null;
}

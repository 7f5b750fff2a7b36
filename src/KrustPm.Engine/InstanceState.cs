namespace KrustPm.Engine;

/// <summary>One instance of a program, as the engine last saw it. Immutable.</summary>
/// <param name="Id">The instance id: unique within its program and never reused.</param>
/// <param name="CurrentTry">The try the instance is on, counted from 1.</param>
/// <param name="Status">Where the instance is in its life.</param>
public sealed record InstanceState(long Id, int CurrentTry, InstanceStatus Status)
{
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

    /// <summary>When the next try is due, while the instance waits between tries.</summary>
    public DateTimeOffset? NextTryAt { get; init; }

    /// <summary>Whether krust-pm asked this instance to stop (its exit is then not a failure).</summary>
    public bool StopRequested { get; init; }

    /// <summary>Whether the instance is being restarted: once its process has exited, a new try starts at once.</summary>
    public bool RestartRequested { get; init; }

    /// <summary>Whether an OS launch is in flight or alive for this instance.</summary>
    public bool IsLive => RunId is not null;
}

namespace KrustPm.Engine;

/// <summary>
/// Where an instance is in its life. <see cref="Started"/>, <see cref="Running"/>, <see cref="Done"/> and
/// <see cref="RetriesExceeded"/> are the seed contract's statuses.
/// </summary>
public enum InstanceStatus
{
    /// <summary>A launch was requested; the OS process does not exist yet.</summary>
    Started,

    /// <summary>The OS process exists.</summary>
    Running,

    /// <summary>Waiting before the next try (see <see cref="InstanceState.NextTryAt"/>).</summary>
    Backoff,

    /// <summary>The last try exited with code 0; the instance is not started again.</summary>
    Done,

    /// <summary>The last try failed and no retries are left.</summary>
    RetriesExceeded,

    /// <summary>The last try failed and the program's restart policy is <see cref="RestartPolicy.Never"/>.</summary>
    Failed,

    /// <summary>krust-pm sent the stop signal and waits for the process to exit.</summary>
    Stopping,

    /// <summary>The instance was stopped on purpose and is not running.</summary>
    Stopped,

    /// <summary>
    /// Not started yet: a dependency of its program does not meet its condition yet
    /// (see <see cref="InstanceState.WaitingFor"/>).
    /// </summary>
    Waiting,

    /// <summary>
    /// Not started, and will not be on its own: a dependency can no longer meet its condition (it ran out of
    /// retries, or completed with a failure). <see cref="InstanceState.LastError"/> says which and why. It starts
    /// once the dependency is started again and meets its condition.
    /// </summary>
    Blocked,
}

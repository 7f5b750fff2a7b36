namespace KrustPm.Engine;

/// <summary>Where an instance is in its life. The first four are the seed contract's statuses.</summary>
public enum InstanceStatus
{
    /// <summary>A launch was requested, or is scheduled after a failed try (see <see cref="InstanceState.NextTryAt"/>).</summary>
    Started,

    /// <summary>The OS process exists.</summary>
    Running,

    /// <summary>The last try exited with code 0; the instance is not started again.</summary>
    Done,

    /// <summary>The last try failed and no retries are left.</summary>
    RetriesExceeded,

    /// <summary>krust-pm sent the stop signal and waits for the process to exit.</summary>
    Stopping,

    /// <summary>The instance was stopped on purpose and is not running.</summary>
    Stopped,
}
